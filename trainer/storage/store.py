"""Persistence for trainees, sessions, turns and evaluations, on SQLite (WAL) or PostgreSQL. Every query the app
runs lives in this package: here, and beside it `history.py`, `cohorts.py` (cohorts as their owner sees them),
`accounts.py` (instructor accounts, sign-in), `calibration.py` and `saved.py` (kept real-conversation evaluations).

Isolation is enforced here, not in the pages: `get_session(session_id, trainee_id)` returns None for a
session that belongs to someone else. Every method opens and commits its own short transaction and returns
frozen dataclasses, never ORM objects, so nothing is bound to a closed session or shared across threads.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from trainer.domain.report import Report
from trainer.storage.connection import build_engine, mask_url
from trainer.storage.migrations import current_revision, head_revision, upgrade_to_head
from trainer.storage.tables import (
    SESSION_STATUSES,
    SPEAKERS,
    AssignmentRow,
    CohortRow,
    EvaluationRow,
    MistakeScoreRow,
    SessionRow,
    TraineeRow,
    TurnRow,
    utcnow,
)

_UNSET: Any = object()
JsonLike = BaseModel | dict[str, Any] | list[Any] | str | None


class StoreError(RuntimeError):
    """A persistence problem with a user-facing message (unknown cohort code, unknown session)."""


@dataclass(frozen=True)
class Trainee:
    id: str
    display_name: str
    cohort_id: int | None
    client_key: str | None
    created_at: datetime
    cohort_joined_at: datetime | None = None  # sessions started earlier do not complete the cohort's assignments


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    join_code: str
    created_at: datetime


@dataclass(frozen=True)
class PracticeSession:
    id: str
    trainee_id: str
    scenario_id: str
    status: str
    seed: int
    realizer: str
    state_json: str
    outcome_json: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def outcome(self) -> dict[str, Any] | None:
        """The stored outcome as a dict, for pages that only display it."""
        return None if self.outcome_json is None else json.loads(self.outcome_json)


@dataclass(frozen=True)
class StoredTurn:
    id: int
    session_id: str
    idx: int
    speaker: str
    text: str
    move: dict[str, Any] | None
    meta: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True)
class StoredEvaluation:
    id: int
    session_id: str
    report_json: str
    overall_score: int
    mistake_scores: dict[str, int]
    created_at: datetime

    @property
    def report(self) -> Report:
        """The typed report, re-validated on read."""
        return Report.model_validate_json(self.report_json)


@dataclass(frozen=True)
class Assignment:
    id: int
    cohort_id: int
    scenario_id: str
    due_date: date | None
    created_at: datetime


def to_json(value: JsonLike) -> str | None:
    """One JSON encoding for pydantic models, dicts and pre-encoded strings."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, ensure_ascii=False, default=str)


def _from_json(value: str | None) -> Any:
    """Decode a nullable JSON column."""
    return None if value is None else json.loads(value)


def _trainee(row: TraineeRow) -> Trainee:
    return Trainee(row.id, row.display_name, row.cohort_id, row.client_key, row.created_at, row.cohort_joined_at)


def _cohort(row: CohortRow) -> Cohort:
    return Cohort(row.id, row.name, row.join_code, row.created_at)


def _session(row: SessionRow) -> PracticeSession:
    return PracticeSession(
        row.id, row.trainee_id, row.scenario_id, row.status, row.seed, row.realizer,
        row.state_json, row.outcome_json, row.created_at, row.updated_at,
    )  # fmt: skip


def _turn(row: TurnRow) -> StoredTurn:
    return StoredTurn(
        row.id, row.session_id, row.idx, row.speaker, row.text,
        _from_json(row.move_json), _from_json(row.meta_json), row.created_at,
    )  # fmt: skip


def _evaluation(row: EvaluationRow, scores: dict[str, int]) -> StoredEvaluation:
    return StoredEvaluation(
        row.id, row.session_id, row.report_json, row.overall_score, scores, row.created_at
    )


def _assignment(row: AssignmentRow) -> Assignment:
    return Assignment(row.id, row.cohort_id, row.scenario_id, row.due_date, row.created_at)


def normalise_code(code: str) -> str:
    """Join codes are typed by people: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


class Store:
    """The database behind the app; one per process, safe to share between Streamlit session threads."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or build_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- plumbing -------------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short unit of work: commit on success, roll back on error, always close."""
        with self._sessions.begin() as session:
            yield session

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`: some queries and tests differ by backend."""
        return self.engine.dialect.name

    def migrate(self) -> str | None:
        """Upgrade the schema to head (a no-op when already there); returns the revision now in place."""
        return upgrade_to_head(self.engine)

    def revision(self) -> str | None:
        """The schema revision in the database (None before the first migration)."""
        return current_revision(self.engine)

    def check(self) -> dict[str, Any]:
        """What `trainer doctor` reports: URL without password, reachable, writable, schema revision."""
        info: dict[str, Any] = {"url": mask_url(self.url), "backend": self.dialect, "ok": False}
        info.update(writable=False, revision=None, head=head_revision(), error=None)
        try:
            info["revision"] = self.revision()
            info["migrated"] = info["revision"] == info["head"]  # the app migrates itself on start
            info["writable"] = self._probe_write()
            info["ok"] = info["writable"]
        except SQLAlchemyError as exc:
            info["error"] = str(exc.__cause__ or exc).splitlines()[0]
        return info

    def _probe_write(self) -> bool:
        """Create and roll back a scratch table: proves write access without leaving anything behind."""
        with self.engine.connect() as conn:
            trans = conn.begin()
            try:
                conn.execute(text("CREATE TABLE leverage_write_probe (x INTEGER)"))
            finally:
                trans.rollback()
        return True

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown)."""
        self.engine.dispose()

    # -- trainees -------------------------------------------------------------------------------------------

    def create_trainee(
        self, display_name: str, cohort_code: str | None = None, client_key: str | None = None
    ) -> Trainee:
        """A new trainee, solo or in the cohort the code names (StoreError for an unknown code)."""
        name = display_name.strip()
        if not name:
            raise StoreError("Please enter a display name.")
        with self.transaction() as db:
            cohort_id = self._cohort_id_for_code(db, cohort_code) if cohort_code else None
            row = TraineeRow(
                id=str(uuid.uuid4()), display_name=name[:100], cohort_id=cohort_id, client_key=client_key,
                cohort_joined_at=utcnow() if cohort_id is not None else None,
            )  # fmt: skip
            db.add(row)
            db.flush()
            return _trainee(row)

    def _cohort_id_for_code(self, db: Session, code: str) -> int:
        """Resolve a join code or fail with a message the trainee can act on."""
        cohort_id = db.scalar(select(CohortRow.id).where(CohortRow.join_code == normalise_code(code)))
        if cohort_id is None:
            raise StoreError("That cohort code was not recognised. Check it with your instructor.")
        return cohort_id

    def get_trainee(self, trainee_id: str | None) -> Trainee | None:
        """The trainee, or None if the id is unknown (or missing)."""
        if not trainee_id:
            return None
        with self.transaction() as db:
            row = db.get(TraineeRow, trainee_id)
            return None if row is None else _trainee(row)

    def find_trainee_by_client_key(self, client_key: str) -> Trainee | None:
        """Solo identity: the trainee created earlier from this browser's key."""
        with self.transaction() as db:
            row = db.scalar(select(TraineeRow).where(TraineeRow.client_key == client_key))
            return None if row is None else _trainee(row)

    def join_cohort(self, trainee_id: str, cohort_code: str) -> Trainee:
        """Move an existing (e.g. solo) trainee into the cohort the code names."""
        with self.transaction() as db:
            row = db.get(TraineeRow, trainee_id)
            if row is None:
                raise StoreError("Unknown trainee.")
            cohort_id = self._cohort_id_for_code(db, cohort_code)
            if row.cohort_id != cohort_id:  # joining the same cohort again keeps the original join time
                row.cohort_id, row.cohort_joined_at = cohort_id, utcnow()
            return _trainee(row)

    def rename_trainee(self, trainee_id: str, display_name: str) -> Trainee:
        """Set the name instructors see (solo trainees start as a placeholder)."""
        name = display_name.strip()
        if not name:
            raise StoreError("Please enter a display name.")
        with self.transaction() as db:
            row = db.get(TraineeRow, trainee_id)
            if row is None:
                raise StoreError("Unknown trainee.")
            row.display_name = name[:100]
            return _trainee(row)

    # -- sessions -------------------------------------------------------------------------------------------

    def create_session(
        self, trainee_id: str, scenario_id: str, seed: int, realizer: str, state_json: JsonLike
    ) -> str:
        """Start a session; returns its unguessable id."""
        session_id = str(uuid.uuid4())
        with self.transaction() as db:
            if db.get(TraineeRow, trainee_id) is None:
                raise StoreError("Unknown trainee.")
            now = utcnow()
            db.add(
                SessionRow(
                    id=session_id,
                    trainee_id=trainee_id,
                    scenario_id=scenario_id,
                    status="open",
                    seed=seed,
                    realizer=realizer,
                    state_json=to_json(state_json) or "{}",
                    created_at=now,
                    updated_at=now,
                )  # fmt: skip
            )
        return session_id

    def get_session(self, session_id: str, trainee_id: str) -> PracticeSession | None:
        """The session if it belongs to this trainee; None otherwise (unknown and foreign look the same)."""
        with self.transaction() as db:
            row = db.get(SessionRow, session_id) if _is_uuid(session_id) else None
            return _session(row) if row is not None and row.trainee_id == trainee_id else None

    def list_sessions(self, trainee_id: str) -> list[PracticeSession]:
        """This trainee's sessions, newest first."""
        query = (
            select(SessionRow)
            .where(SessionRow.trainee_id == trainee_id)
            .order_by(SessionRow.created_at.desc(), SessionRow.id)
        )
        with self.transaction() as db:
            return [_session(row) for row in db.scalars(query)]

    def update_session(
        self,
        session_id: str,
        *,
        state_json: JsonLike = _UNSET,
        status: str | None = None,
        outcome_json: JsonLike = _UNSET,
    ) -> PracticeSession:
        """Save the engine's new state, status or outcome; only the fields given change."""
        if status is not None and status not in SESSION_STATUSES:
            raise ValueError(f"status must be one of {SESSION_STATUSES}, got {status!r}")
        with self.transaction() as db:
            row = self._session_row(db, session_id)
            if state_json is not _UNSET:
                row.state_json = to_json(state_json) or "{}"
            if outcome_json is not _UNSET:
                row.outcome_json = to_json(outcome_json)
            if status is not None:
                row.status = status
            row.updated_at = utcnow()
            return _session(row)

    def _session_row(self, db: Session, session_id: str) -> SessionRow:
        """Load a session row or raise a StoreError."""
        row = db.get(SessionRow, session_id) if _is_uuid(session_id) else None
        if row is None:
            raise StoreError(f"Unknown session {session_id!r}.")
        return row

    # -- turns ----------------------------------------------------------------------------------------------

    def add_turn(
        self, session_id: str, speaker: str, text: str, move: JsonLike = None, meta: JsonLike = None
    ) -> int:
        """Append and commit a turn at once (before any LLM call); returns its 0-based index in the session."""
        if speaker not in SPEAKERS:
            raise ValueError(f"speaker must be one of {SPEAKERS}, got {speaker!r}")
        for attempt in range(3):
            try:
                return self._insert_turn(session_id, speaker, text, to_json(move), to_json(meta))
            except IntegrityError:
                if attempt == 2:  # two writers raced for the same index three times: give up loudly
                    raise
        raise AssertionError("unreachable")

    def _insert_turn(
        self, session_id: str, speaker: str, text: str, move_json: str | None, meta_json: str | None
    ) -> int:
        """Next index = max + 1; unique(session_id, idx) turns a race into a retry, not a duplicate."""
        with self.transaction() as db:
            self._touch(db, session_id)  # write first: takes the lock before we read max(idx)
            last = db.scalar(select(func.max(TurnRow.idx)).where(TurnRow.session_id == session_id))
            idx = 0 if last is None else last + 1
            db.add(
                TurnRow(
                    session_id=session_id,
                    idx=idx,
                    speaker=speaker,
                    text=text,
                    move_json=move_json,
                    meta_json=meta_json,
                    created_at=utcnow(),
                )  # fmt: skip
            )
            return idx

    def _touch(self, db: Session, session_id: str) -> None:
        """Bump updated_at; on PostgreSQL this row lock serialises writers of the same session."""
        if _is_uuid(session_id):
            stmt = update(SessionRow).where(SessionRow.id == session_id).values(updated_at=utcnow())
            if db.execute(stmt).rowcount == 1:
                return
        raise StoreError(f"Unknown session {session_id!r}.")

    def list_turns(self, session_id: str, trainee_id: str | None = None) -> list[StoredTurn]:
        """The transcript in order; with trainee_id, empty unless the session is theirs."""
        query = select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.idx)
        with self.transaction() as db:
            if trainee_id is not None and not self._owns(db, session_id, trainee_id):
                return []
            return [_turn(row) for row in db.scalars(query)]

    def _owns(self, db: Session, session_id: str, trainee_id: str) -> bool:
        """Whether this session belongs to this trainee."""
        owner = db.scalar(select(SessionRow.trainee_id).where(SessionRow.id == session_id))
        return owner is not None and owner == trainee_id

    # -- evaluations ----------------------------------------------------------------------------------------

    def save_evaluation(self, session_id: str, report: Report | dict[str, Any]) -> StoredEvaluation:
        """Store a report with its per-mistake scores broken out for SQL aggregation."""
        typed = report if isinstance(report, Report) else Report.model_validate(report)
        scores = {m.id: m.score for m in typed.mistakes}
        with self.transaction() as db:
            self._session_row(db, session_id)
            row = EvaluationRow(
                session_id=session_id, report_json=typed.model_dump_json(),
                overall_score=typed.overall_score, created_at=utcnow(),
            )  # fmt: skip
            db.add(row)
            db.flush()
            for finding in typed.mistakes:
                db.add(
                    MistakeScoreRow(
                        evaluation_id=row.id,
                        mistake_id=finding.id,
                        score=finding.score,
                        detected=finding.detected,
                        severity=finding.severity,
                    )  # fmt: skip
                )
            return _evaluation(row, scores)

    def latest_evaluation(self, session_id: str, trainee_id: str | None = None) -> StoredEvaluation | None:
        """The newest evaluation of a session (with trainee_id: only if the session is theirs)."""
        query = (
            select(EvaluationRow)
            .where(EvaluationRow.session_id == session_id)
            .order_by(EvaluationRow.id.desc())  # ids only grow: the newest is the largest (as in progress.py)
            .limit(1)
        )
        with self.transaction() as db:
            if trainee_id is not None and not self._owns(db, session_id, trainee_id):
                return None
            row = db.scalar(query)
            return None if row is None else _evaluation(row, self._scores(db, row.id))

    def _scores(self, db: Session, evaluation_id: int) -> dict[str, int]:
        """Per-mistake scores of one evaluation."""
        rows = db.execute(
            select(MistakeScoreRow.mistake_id, MistakeScoreRow.score).where(
                MistakeScoreRow.evaluation_id == evaluation_id
            )
        )
        return {mistake: score for mistake, score in rows}

def _is_uuid(value: str) -> bool:
    """Session ids come from URLs and forms: reject anything that is not a UUID before querying."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True

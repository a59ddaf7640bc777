"""Persistence for trainees, sessions, turns and evaluations, on SQLite (WAL) or PostgreSQL. Every query the app
runs lives in this package: here, and beside it `history.py`, `cohorts.py` (cohorts as their owner sees them),
`accounts.py` (instructor accounts, sign-in), `calibration.py` and `saved.py` (kept real-conversation evaluations).

Isolation is enforced here, not in the pages: `get_session(session_id, trainee_id)` returns None for a
session that belongs to someone else. Every method opens and commits its own short transaction and returns
frozen dataclasses, never ORM objects, so nothing is bound to a closed session or shared across threads.

Writers take the write lock up front: `BEGIN IMMEDIATE` on SQLite (a deferred transaction that reads and then
writes cannot upgrade its lock while another writer holds it, and SQLite refuses at once instead of waiting
out the busy timeout), `SELECT ... FOR UPDATE` on the row a writer read on PostgreSQL. A transaction that
still loses a lock race is run again after a jittered pause (`retry.py`), a bounded number of times.

A practice turn is one transaction: `start_session` writes the session with its opening line, `commit_turn`
writes a line together with the deal state and status it produced, so a crash leaves either all or none.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from trainer.domain.report import Report
from trainer.storage.connection import build_engine, mask_url, write_gate
from trainer.storage.migrations import current_revision, head_revision, upgrade_to_head
from trainer.storage.retry import retrying
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
T = TypeVar("T")


class StoreError(RuntimeError):
    """A persistence problem with a user-facing message (unknown cohort code, unknown session)."""


class TurnConflict(StoreError):
    """A turn could not be committed because the session changed first (over, or moved on elsewhere)."""


@dataclass(frozen=True)
class NewTurn:
    """A line to be committed: who said it, the words, the move it voices and the voice's account."""

    speaker: str
    text: str
    move: JsonLike = None
    meta: JsonLike = None


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
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        # Same pool; the option makes connection.py open the transaction with BEGIN IMMEDIATE on SQLite.
        writer = self.engine.execution_options(sqlite_immediate=True)
        self._writes = sessionmaker(writer, expire_on_commit=False)
        # SQLite has one writer at a time anyway: queue for it fairly instead of in SQLite's busy handler.
        self._write_gate: AbstractContextManager[Any] = write_gate(self.engine) or nullcontext()

    # -- plumbing -------------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One short unit of work: commit on success, roll back on error, always close.

        A write transaction (the default) holds SQLite's write lock from its first statement; pass
        write=False for read-only work so readers never queue behind writers (WAL lets them run alongside).
        """
        with (self._writes if write else self._reads).begin() as session:
            yield session

    def _write(self, work: Callable[[Session], T], also: Callable[[BaseException], bool] | None = None) -> T:
        """Run `work` in a write transaction, again (bounded, jittered) if it lost a lock race."""

        def attempt() -> T:
            with self._write_gate, self.transaction() as db:
                return work(db)

        return retrying(attempt, also=also or (lambda exc: False))

    def _read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a read-only transaction (retried too: a reader can meet a lock during WAL recovery)."""

        def attempt() -> T:
            with self.transaction(write=False) as db:
                return work(db)

        return retrying(attempt)

    def write(self, work: Callable[[Session], T], also: Callable[[BaseException], bool] | None = None) -> T:
        """`_write` for the storage modules beside the store (cohorts, accounts, ...): every write goes this way."""
        return self._write(work, also)

    def read(self, work: Callable[[Session], T]) -> T:
        """`_read` for the storage modules beside the store."""
        return self._read(work)

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
        name = _display_name(display_name)

        def work(db: Session) -> Trainee:
            cohort_id = self._cohort_id_for_code(db, cohort_code) if cohort_code else None
            row = TraineeRow(
                id=str(uuid.uuid4()), display_name=name, cohort_id=cohort_id, client_key=client_key,
                cohort_joined_at=utcnow() if cohort_id is not None else None,
            )  # fmt: skip
            db.add(row)
            db.flush()
            return _trainee(row)

        return self._write(work)

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
        return self._read(lambda db: _maybe(_trainee, db.get(TraineeRow, trainee_id)))

    def find_trainee_by_client_key(self, client_key: str) -> Trainee | None:
        """Solo identity: the trainee created earlier from this browser's key."""
        query = select(TraineeRow).where(TraineeRow.client_key == client_key)
        return self._read(lambda db: _maybe(_trainee, db.scalar(query)))

    def join_cohort(self, trainee_id: str, cohort_code: str) -> Trainee:
        """Move an existing (e.g. solo) trainee into the cohort the code names."""

        def work(db: Session) -> Trainee:
            row = _locked_trainee(db, trainee_id)
            cohort_id = self._cohort_id_for_code(db, cohort_code)
            if row.cohort_id != cohort_id:  # joining the same cohort again keeps the original join time
                row.cohort_id, row.cohort_joined_at = cohort_id, utcnow()
            return _trainee(row)

        return self._write(work)

    def rename_trainee(self, trainee_id: str, display_name: str) -> Trainee:
        """Set the name instructors see (solo trainees start as a placeholder)."""
        name = _display_name(display_name)

        def work(db: Session) -> Trainee:
            row = _locked_trainee(db, trainee_id)
            row.display_name = name
            return _trainee(row)

        return self._write(work)

    # -- sessions -------------------------------------------------------------------------------------------

    def create_session(
        self, trainee_id: str, scenario_id: str, seed: int, realizer: str, state_json: JsonLike
    ) -> str:
        """Start a session without any line yet (the practice service uses `start_session`); returns its id."""
        return self._write(lambda db: self._add_session(db, trainee_id, scenario_id, seed, realizer, state_json))

    def start_session(
        self, trainee_id: str, scenario_id: str, seed: int, realizer: str, state_json: JsonLike, opening: NewTurn,
        level: str | None = None,
    ) -> str:
        """Start a session with its level and opening line in one transaction: there is never a session without
        its opening, nor one resumed at another level than it was started at."""

        def work(db: Session) -> str:
            session_id = self._add_session(db, trainee_id, scenario_id, seed, realizer, state_json)
            if level is not None:
                db.get(SessionRow, session_id).level = level[:16]
            db.flush()  # the turn's foreign key needs the session row first
            db.add(_turn_row(session_id, 0, opening))
            return session_id

        return self._write(work)

    def _add_session(
        self, db: Session, trainee_id: str, scenario_id: str, seed: int, realizer: str, state_json: JsonLike
    ) -> str:
        """Insert a session row for an existing trainee; returns its unguessable id."""
        if db.get(TraineeRow, trainee_id) is None:
            raise StoreError("Unknown trainee.")
        session_id, now = str(uuid.uuid4()), utcnow()
        db.add(
            SessionRow(
                id=session_id, trainee_id=trainee_id, scenario_id=scenario_id, status="open", seed=seed,
                realizer=realizer, state_json=to_json(state_json) or "{}", created_at=now, updated_at=now,
            )  # fmt: skip
        )
        return session_id

    def get_session(self, session_id: str, trainee_id: str) -> PracticeSession | None:
        """The session if it belongs to this trainee; None otherwise (unknown and foreign look the same)."""

        def work(db: Session) -> PracticeSession | None:
            row = db.get(SessionRow, session_id) if _is_uuid(session_id) else None
            return _session(row) if row is not None and row.trainee_id == trainee_id else None

        return self._read(work)

    def list_sessions(self, trainee_id: str) -> list[PracticeSession]:
        """This trainee's sessions, newest first."""
        query = (
            select(SessionRow)
            .where(SessionRow.trainee_id == trainee_id)
            .order_by(SessionRow.created_at.desc(), SessionRow.id)
        )
        return self._read(lambda db: [_session(row) for row in db.scalars(query)])

    def update_session(
        self,
        session_id: str,
        *,
        state_json: JsonLike = _UNSET,
        status: str | None = None,
        outcome_json: JsonLike = _UNSET,
    ) -> PracticeSession:
        """Save the engine's new state, status or outcome; only the fields given change."""
        _check_status(status)

        def work(db: Session) -> PracticeSession:
            row = _locked_session(db, session_id)
            if state_json is not _UNSET:
                row.state_json = to_json(state_json) or "{}"
            if outcome_json is not _UNSET:
                row.outcome_json = to_json(outcome_json)
            if status is not None:
                row.status = status
            row.updated_at = utcnow()
            return _session(row)

        return self._write(work)

    def end_session(self, session_id: str, status: str = "ended") -> PracticeSession:
        """Close an open session with `status`; one that is already over keeps the status it ended with.

        The deal state is not written here: it is committed with the turn that produced it, so a window
        holding an older copy of the session can never overwrite a newer state by ending it."""
        _check_status(status)

        def work(db: Session) -> PracticeSession:
            row = _locked_session(db, session_id)
            if row.status == "open":
                row.status, row.updated_at = status, utcnow()
            return _session(row)

        return self._write(work)

    # -- turns ----------------------------------------------------------------------------------------------

    def commit_turn(
        self, session_id: str, idx: int, turn: NewTurn, *, state_json: JsonLike = _UNSET, status: str | None = None
    ) -> PracticeSession:
        """Append one line at index `idx` with the deal state and status it produced, in one transaction.

        TurnConflict when the session is no longer open or its transcript has moved past `idx-1` (another
        window took the turn): nothing is written, so a line is never duplicated or answered twice."""
        _check_speaker(turn.speaker)
        _check_status(status)

        def work(db: Session) -> PracticeSession:
            row = _locked_session(db, session_id)
            if row.status != "open":
                raise TurnConflict("This session is over; it takes no more messages.")
            last = db.scalar(select(func.max(TurnRow.idx)).where(TurnRow.session_id == session_id))
            if (-1 if last is None else last) != idx - 1:
                raise TurnConflict("This session moved on in another window.")
            db.add(_turn_row(session_id, idx, turn))
            if state_json is not _UNSET:
                row.state_json = to_json(state_json) or "{}"
            if status is not None:
                row.status = status
            row.updated_at = utcnow()
            return _session(row)

        # Two PostgreSQL writers that both passed the idx check collide on unique(session_id, idx): running
        # the work again reads the winner's line and reports the conflict.
        return self._write(work, also=lambda exc: isinstance(exc, IntegrityError))

    def add_turn(
        self, session_id: str, speaker: str, text: str, move: JsonLike = None, meta: JsonLike = None
    ) -> int:
        """Append and commit a turn at the next index (imports and tests; the practice service uses
        `commit_turn`); returns its 0-based index in the session."""
        _check_speaker(speaker)
        turn = NewTurn(speaker, text, move, meta)

        def work(db: Session) -> int:
            row = _locked_session(db, session_id)  # the lock first, then max(idx): concurrent appends queue up
            row.updated_at = utcnow()
            last = db.scalar(select(func.max(TurnRow.idx)).where(TurnRow.session_id == session_id))
            idx = 0 if last is None else last + 1
            db.add(_turn_row(session_id, idx, turn))
            return idx

        return self._write(work, also=lambda exc: isinstance(exc, IntegrityError))

    def list_turns(self, session_id: str, trainee_id: str | None = None) -> list[StoredTurn]:
        """The transcript in order; with trainee_id, empty unless the session is theirs."""
        query = select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.idx)

        def work(db: Session) -> list[StoredTurn]:
            if trainee_id is not None and not self._owns(db, session_id, trainee_id):
                return []
            return [_turn(row) for row in db.scalars(query)]

        return self._read(work)

    def session_with_turns(
        self, session_id: str, trainee_id: str
    ) -> tuple[PracticeSession, list[StoredTurn]] | None:
        """A session and its transcript read in one transaction (a consistent snapshot for resuming), only for
        its owner; None otherwise."""
        query = select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.idx)

        def work(db: Session) -> tuple[PracticeSession, list[StoredTurn]] | None:
            row = db.get(SessionRow, session_id) if _is_uuid(session_id) else None
            if row is None or row.trainee_id != trainee_id:
                return None
            return _session(row), [_turn(t) for t in db.scalars(query)]

        return self._read(work)

    def _owns(self, db: Session, session_id: str, trainee_id: str) -> bool:
        """Whether this session belongs to this trainee."""
        owner = db.scalar(select(SessionRow.trainee_id).where(SessionRow.id == session_id))
        return owner is not None and owner == trainee_id

    # -- evaluations ----------------------------------------------------------------------------------------

    def save_evaluation(self, session_id: str, report: Report | dict[str, Any]) -> StoredEvaluation:
        """Store a report with its per-mistake scores broken out for SQL aggregation."""
        typed = report if isinstance(report, Report) else Report.model_validate(report)
        scores = {m.id: m.score for m in typed.mistakes}

        def work(db: Session) -> StoredEvaluation:
            _locked_session(db, session_id)
            row = EvaluationRow(
                session_id=session_id, report_json=typed.model_dump_json(),
                overall_score=typed.overall_score, created_at=utcnow(),
            )  # fmt: skip
            db.add(row)
            db.flush()
            for finding in typed.mistakes:
                db.add(
                    MistakeScoreRow(
                        evaluation_id=row.id, mistake_id=finding.id, score=finding.score,
                        detected=finding.detected, severity=finding.severity,
                    )  # fmt: skip
                )
            return _evaluation(row, scores)

        return self._write(work)

    def latest_evaluation(self, session_id: str, trainee_id: str | None = None) -> StoredEvaluation | None:
        """The newest evaluation of a session (with trainee_id: only if the session is theirs)."""
        query = (
            select(EvaluationRow)
            .where(EvaluationRow.session_id == session_id)
            .order_by(EvaluationRow.id.desc())  # ids only grow: the newest is the largest (as in progress.py)
            .limit(1)
        )

        def work(db: Session) -> StoredEvaluation | None:
            if trainee_id is not None and not self._owns(db, session_id, trainee_id):
                return None
            row = db.scalar(query)
            return None if row is None else _evaluation(row, self._scores(db, row.id))

        return self._read(work)

    def _scores(self, db: Session, evaluation_id: int) -> dict[str, int]:
        """Per-mistake scores of one evaluation."""
        rows = db.execute(
            select(MistakeScoreRow.mistake_id, MistakeScoreRow.score).where(
                MistakeScoreRow.evaluation_id == evaluation_id
            )
        )
        return {mistake: score for mistake, score in rows}

def _maybe(convert: Callable[[Any], T], row: Any) -> T | None:
    """A frozen record for a row, or None when there is no row."""
    return None if row is None else convert(row)


def _display_name(display_name: str) -> str:
    """A trimmed, bounded display name (StoreError when blank)."""
    name = display_name.strip()
    if not name:
        raise StoreError("Please enter a display name.")
    return name[:100]


def _check_status(status: str | None) -> None:
    """Refuse a status the schema does not know (a programming error, not a user's)."""
    if status is not None and status not in SESSION_STATUSES:
        raise ValueError(f"status must be one of {SESSION_STATUSES}, got {status!r}")


def _check_speaker(speaker: str) -> None:
    """Refuse a speaker the schema does not know."""
    if speaker not in SPEAKERS:
        raise ValueError(f"speaker must be one of {SPEAKERS}, got {speaker!r}")


def _locked_trainee(db: Session, trainee_id: str) -> TraineeRow:
    """The trainee row, locked for this transaction on PostgreSQL (StoreError if unknown)."""
    row = db.scalar(select(TraineeRow).where(TraineeRow.id == trainee_id).with_for_update())
    if row is None:
        raise StoreError("Unknown trainee.")
    return row


def _locked_session(db: Session, session_id: str) -> SessionRow:
    """The session row, locked for this transaction on PostgreSQL: writers of one session queue here."""
    query = select(SessionRow).where(SessionRow.id == session_id).with_for_update()
    row = db.scalar(query) if _is_uuid(session_id) else None
    if row is None:
        raise StoreError(f"Unknown session {session_id!r}.")
    return row


def _turn_row(session_id: str, idx: int, turn: NewTurn) -> TurnRow:
    """A turn row from a new line."""
    return TurnRow(
        session_id=session_id, idx=idx, speaker=turn.speaker, text=turn.text,
        move_json=to_json(turn.move), meta_json=to_json(turn.meta), created_at=utcnow(),
    )  # fmt: skip


def _is_uuid(value: str) -> bool:
    """Session ids come from URLs and forms: reject anything that is not a UUID before querying."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True

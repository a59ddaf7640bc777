"""Session lineage (rewind and branch), the difficulty level a session is played at, and a cohort's rewind limit.

A branch is a session of its own: the parent's turns up to the counterparty turn it continues from are copied
into it, so everything that reads a session (resume, debrief, evaluation) reads a branch unchanged. It records
its parent, its root (the first session of the family) and that turn. Branches count against their root: the
number of rewinds used is the number of sessions whose root it is, whichever member they were taken from.

The isolation rule of `store.py` holds here too: every read and write for a trainee checks that the session is
theirs, and an unknown session and someone else's look the same.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trainer.storage.store import JsonLike, Store, StoreError, to_json
from trainer.storage.tables import CohortRow, SessionRow, TraineeRow, TurnRow, utcnow

MAX_COHORT_LIMIT = 20


class RewindLimitReached(StoreError):
    """Every rewind of this session family is spent."""


@dataclass(frozen=True)
class Lineage:
    """Where a session sits in its family."""

    session_id: str
    trainee_id: str
    scenario_id: str
    status: str
    root_id: str  # its own id for a root
    parent_id: str | None
    branch_turn: int | None
    level: str | None
    created_at: datetime

    @property
    def is_root(self) -> bool:
        """The first session of its family (not a branch)."""
        return self.parent_id is None


def _lineage(row: SessionRow) -> Lineage:
    return Lineage(
        row.id, row.trainee_id, row.scenario_id, row.status, row.root_id or row.id, row.parent_id,
        row.branch_turn, row.level, row.created_at,
    )  # fmt: skip


def _is_uuid(value: str) -> bool:
    """Ids come from URLs and forms: anything else is unknown."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _owned(db: Session, session_id: str, trainee_id: str | None) -> SessionRow | None:
    """The session row if it exists and (with a trainee) is theirs."""
    row = db.get(SessionRow, session_id) if _is_uuid(session_id) else None
    if row is None or (trainee_id is not None and row.trainee_id != trainee_id):
        return None
    return row


def level_of(store: Store, session_id: str) -> str | None:
    """The level a session was played at (None for sessions from before levels: they were played at Standard)."""

    def work(db: Session) -> str | None:
        row = db.get(SessionRow, session_id) if _is_uuid(session_id) else None
        return None if row is None else row.level

    return store.read(work)


def lineage(store: Store, session_id: str, trainee_id: str | None) -> Lineage | None:
    """A session's place in its family; trainee_id=None is the instructor's view (the caller checks the role)."""

    def work(db: Session) -> Lineage | None:
        row = _owned(db, session_id, trainee_id)
        return None if row is None else _lineage(row)

    return store.read(work)


def family(store: Store, session_id: str, trainee_id: str | None) -> list[Lineage]:
    """The root of a session's family and every branch, oldest first (empty when the session is not theirs)."""

    def work(db: Session) -> list[Lineage]:
        row = _owned(db, session_id, trainee_id)
        if row is None:
            return []
        root = row.root_id or row.id
        query = (
            select(SessionRow)
            .where((SessionRow.id == root) | (SessionRow.root_id == root))
            .order_by(SessionRow.created_at, SessionRow.id)
        )
        return [_lineage(r) for r in db.scalars(query) if trainee_id is None or r.trainee_id == trainee_id]

    return store.read(work)


def rewinds_used(store: Store, root_id: str) -> int:
    """Branches taken in a family (from the root or from any of its branches)."""

    def work(db: Session) -> int:
        return _used(db, root_id)

    return store.read(work)


def _used(db: Session, root_id: str) -> int:
    return db.scalar(select(func.count()).select_from(SessionRow).where(SessionRow.root_id == root_id)) or 0


def create_branch(
    store: Store, parent_id: str, trainee_id: str, turn_index: int, state_json: JsonLike, limit: int
) -> str:
    """A new open session continuing `parent_id` from its counterparty turn `turn_index`; the parent is untouched.

    One transaction: the family's root is written first (so two rewinds at once queue behind it), then the limit
    is checked, then the branch and its copied turns are inserted. RewindLimitReached when none are left.
    """

    def work(db: Session) -> str:
        parent = _owned(db, parent_id, trainee_id)
        if parent is None:
            raise StoreError("Unknown session.")
        root_id = parent.root_id or parent.id
        db.execute(update(SessionRow).where(SessionRow.id == root_id).values(updated_at=utcnow()))
        used = _used(db, root_id)
        if used >= limit:
            raise RewindLimitReached(f"You have used all {limit} rewinds for this session.")
        turns = _turns_up_to(db, parent.id, turn_index)
        branch_id = str(uuid.uuid4())
        now = utcnow()
        db.add(SessionRow(
            id=branch_id, trainee_id=parent.trainee_id, scenario_id=parent.scenario_id, status="open",
            seed=parent.seed, realizer=parent.realizer, state_json=to_json(state_json) or "{}", outcome_json=None,
            created_at=now, updated_at=now, parent_id=parent.id, root_id=root_id, branch_turn=turn_index,
            level=parent.level,
        ))  # fmt: skip
        db.flush()
        for t in turns:
            db.add(TurnRow(session_id=branch_id, idx=t.idx, speaker=t.speaker, text=t.text, move_json=t.move_json,
                           meta_json=t.meta_json, created_at=t.created_at))  # fmt: skip
        return branch_id

    return store.write(work)


def _turns_up_to(db: Session, session_id: str, turn_index: int) -> list[TurnRow]:
    """The parent's turns 0..turn_index, which must end on a counterparty turn."""
    query = select(TurnRow).where(TurnRow.session_id == session_id, TurnRow.idx <= turn_index).order_by(TurnRow.idx)
    turns = list(db.scalars(query))
    if not turns or turns[-1].idx != turn_index or turns[-1].speaker != "counterparty":
        raise StoreError("A branch starts from one of the counterparty's turns.")
    return turns


def cohort_rewind_limit(store: Store, trainee_id: str) -> int | None:
    """The rewind limit the trainee's cohort sets (None: no cohort, or the cohort leaves it to each scenario)."""
    query = (
        select(CohortRow.rewind_limit)
        .join(TraineeRow, TraineeRow.cohort_id == CohortRow.id)
        .where(TraineeRow.id == trainee_id)
    )

    def work(db: Session) -> int | None:
        return db.scalar(query)

    return store.read(work)


def set_cohort_rewind_limit(store: Store, cohort_id: int, limit: int | None) -> None:
    """Set (or with None, clear) a cohort's rewind limit; 0 turns rewinding off for the cohort."""
    if limit is not None and not 0 <= limit <= MAX_COHORT_LIMIT:
        raise StoreError(f"A rewind limit is between 0 and {MAX_COHORT_LIMIT}.")

    def work(db: Session) -> None:
        row = db.get(CohortRow, cohort_id)
        if row is None:
            raise StoreError("Unknown cohort.")
        row.rewind_limit = limit

    return store.write(work)


def get_cohort_rewind_limit(store: Store, cohort_id: int) -> int | None:
    """A cohort's own rewind limit (None when it leaves it to each scenario)."""

    def work(db: Session) -> int | None:
        row = db.get(CohortRow, cohort_id)
        return None if row is None else row.rewind_limit

    return store.read(work)

"""Cohorts as their owner sees them: every instructor-side read or write takes the instructor's account id and
filters on ownership in SQL, so an instructor can neither list, open, change nor export another's cohort, whatever
id a page or a command passes in. An unknown cohort and someone else's look the same (None, empty or StoreError).

The trainee side has its own two functions (`cohort_of_trainee`, `assignments_of_trainee`), keyed by the trainee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.storage.store import (
    Assignment,
    Cohort,
    PracticeSession,
    Store,
    StoredEvaluation,
    StoredTurn,
    StoreError,
    Trainee,
    _assignment,
    _cohort,
    _is_uuid,
    _session,
    _trainee,
    normalise_code,
)
from trainer.storage.tables import (
    AssignmentRow,
    CohortOwnerRow,
    CohortRow,
    InstructorRow,
    SessionRow,
    TraineeRow,
    utcnow,
)

UNKNOWN_COHORT = "Unknown cohort."


@dataclass(frozen=True)
class OwnedSession:
    """One session of an owned cohort, with everything the drill-down and the calibration workbench show."""

    session: PracticeSession
    trainee: Trainee
    turns: list[StoredTurn]
    evaluation: StoredEvaluation | None


def owns(owner_id: int, cohort_id: ColumnElement[int] | int) -> ColumnElement[bool]:
    """SQL: this instructor owns that cohort (the one ownership test every query here uses)."""
    return exists().where(CohortOwnerRow.cohort_id == cohort_id, CohortOwnerRow.instructor_id == owner_id)


def _owned_row(db: Session, owner_id: int, cohort_id: int) -> CohortRow | None:
    """The cohort row if this instructor owns it."""
    return db.scalar(select(CohortRow).where(CohortRow.id == cohort_id, owns(owner_id, CohortRow.id)))


def _require(db: Session, owner_id: int, cohort_id: int) -> CohortRow:
    """The owned cohort row, or StoreError (the same for unknown and foreign cohorts)."""
    row = _owned_row(db, owner_id, cohort_id)
    if row is None:
        raise StoreError(UNKNOWN_COHORT)
    return row


# ---------------------------------------------------------------- cohorts


def create_cohort(store: Store, owner_id: int, name: str, new_code: Callable[[], str], attempts: int = 5) -> Cohort:
    """A new cohort owned by this instructor, under a fresh code from `new_code` (drawn again if taken)."""

    def work(db: Session) -> Cohort:
        now = utcnow()
        row = CohortRow(name=name[:200], join_code=new_code(), created_at=now)
        db.add(row)
        db.flush()
        db.add(CohortOwnerRow(cohort_id=row.id, instructor_id=owner_id, since=now))
        return _cohort(row)

    for _ in range(attempts):
        try:
            return store.write(work)
        except IntegrityError:
            continue
    raise StoreError("Could not allocate a join code; try again.")


def owned_cohorts(store: Store, owner_id: int) -> list[Cohort]:
    """This instructor's cohorts, newest first."""
    query = (
        select(CohortRow)
        .where(owns(owner_id, CohortRow.id))
        .order_by(CohortRow.created_at.desc(), CohortRow.id.desc())
    )

    def work(db: Session) -> list[Cohort]:
        return [_cohort(row) for row in db.scalars(query)]

    return store.read(work)


def owned_cohort(store: Store, owner_id: int, cohort_id: int) -> Cohort | None:
    """The cohort if this instructor owns it, else None."""

    def work(db: Session) -> Cohort | None:
        row = _owned_row(db, owner_id, cohort_id)
        return None if row is None else _cohort(row)

    return store.read(work)


def owned_cohort_by_code(store: Store, owner_id: int, code: str) -> Cohort | None:
    """The cohort a join code names, if this instructor owns it."""
    query = select(CohortRow).where(CohortRow.join_code == normalise_code(code), owns(owner_id, CohortRow.id))

    def work(db: Session) -> Cohort | None:
        row = db.scalar(query)
        return None if row is None else _cohort(row)

    return store.read(work)


def cohort_sizes(store: Store, owner_id: int) -> dict[int, int]:
    """Trainees per owned cohort (cohorts nobody joined yet are 0)."""
    query = (
        select(CohortRow.id, func.count(TraineeRow.id))
        .outerjoin(TraineeRow, TraineeRow.cohort_id == CohortRow.id)
        .where(owns(owner_id, CohortRow.id))
        .group_by(CohortRow.id)
    )

    def work(db: Session) -> dict[int, int]:
        return {cohort_id: n for cohort_id, n in db.execute(query)}

    return store.read(work)


def trainees(store: Store, owner_id: int, cohort_id: int) -> list[Trainee]:
    """The trainees of an owned cohort, by name (empty for anyone else's)."""
    query = (
        select(TraineeRow)
        .where(TraineeRow.cohort_id == cohort_id, owns(owner_id, cohort_id))
        .order_by(TraineeRow.display_name, TraineeRow.created_at)
    )

    def work(db: Session) -> list[Trainee]:
        return [_trainee(row) for row in db.scalars(query)]

    return store.read(work)


def transfer(store: Store, admin_id: int, code: str, to_owner_id: int) -> Cohort:
    """Give the cohort a join code names to another enabled instructor; only an enabled admin may (checked here,
    in the same transaction, not only by the command that calls it)."""

    def work(db: Session) -> Cohort:
        admin = db.get(InstructorRow, admin_id)
        if admin is None or admin.role != "admin" or admin.disabled_at is not None:
            raise StoreError("Only an enabled admin can move a cohort to another instructor.")
        target = db.get(InstructorRow, to_owner_id)
        if target is None or target.disabled_at is not None:
            raise StoreError("No such enabled account.")
        row = db.scalar(select(CohortRow).where(CohortRow.join_code == normalise_code(code)))
        if row is None:
            raise StoreError(UNKNOWN_COHORT)
        db.merge(CohortOwnerRow(cohort_id=row.id, instructor_id=to_owner_id, since=utcnow()))
        return _cohort(row)

    return store.write(work)


def adopt_orphans(store: Store, owner_id: int) -> int:
    """Give every cohort without an owner (made before accounts existed) to this instructor; returns how many."""
    orphans = select(CohortRow.id).where(~exists().where(CohortOwnerRow.cohort_id == CohortRow.id))

    def work(db: Session) -> int:
        ids = list(db.scalars(orphans))
        now = utcnow()
        db.add_all(CohortOwnerRow(cohort_id=cid, instructor_id=owner_id, since=now) for cid in ids)
        return len(ids)

    return store.write(work)


# ---------------------------------------------------------------- assignments


def assign(store: Store, owner_id: int, cohort_id: int, scenario_id: str, due_date: date | None) -> Assignment:
    """Assign a scenario to an owned cohort; assigning it again just updates the due date."""

    def work(db: Session) -> Assignment:
        _require(db, owner_id, cohort_id)
        row = db.scalar(select(AssignmentRow).where(_assignment_key(cohort_id, scenario_id)))
        if row is None:
            row = AssignmentRow(cohort_id=cohort_id, scenario_id=scenario_id, created_at=utcnow())
            db.add(row)
        row.due_date = due_date
        db.flush()
        return _assignment(row)

    return store.write(work)


def unassign(store: Store, owner_id: int, cohort_id: int, scenario_id: str) -> bool:
    """Remove an assignment from an owned cohort; True if there was one."""
    stmt = delete(AssignmentRow).where(_assignment_key(cohort_id, scenario_id), owns(owner_id, cohort_id))

    def work(db: Session) -> bool:
        return db.execute(stmt).rowcount > 0

    return store.write(work)


def assignments(store: Store, owner_id: int, cohort_id: int) -> list[Assignment]:
    """An owned cohort's assignments, in no particular order (empty for anyone else's)."""
    query = select(AssignmentRow).where(AssignmentRow.cohort_id == cohort_id, owns(owner_id, cohort_id))

    def work(db: Session) -> list[Assignment]:
        return [_assignment(row) for row in db.scalars(query)]

    return store.read(work)


def _assignment_key(cohort_id: int, scenario_id: str) -> ColumnElement[bool]:
    """The one assignment of a scenario to a cohort."""
    return (AssignmentRow.cohort_id == cohort_id) & (AssignmentRow.scenario_id == scenario_id)


# ---------------------------------------------------------------- sessions


def owned_session(store: Store, owner_id: int, cohort_id: int, session_id: str) -> OwnedSession | None:
    """A session of a trainee in an owned cohort, with its turns and latest evaluation; None otherwise."""
    if not _is_uuid(session_id):
        return None
    query = (
        select(SessionRow, TraineeRow)
        .join(TraineeRow, TraineeRow.id == SessionRow.trainee_id)
        .where(SessionRow.id == session_id, TraineeRow.cohort_id == cohort_id, owns(owner_id, cohort_id))
    )
    found = store.read(lambda db: db.execute(query).first())
    if found is None:
        return None
    session, trainee = _session(found[0]), _trainee(found[1])
    return OwnedSession(session, trainee, store.list_turns(session_id), store.latest_evaluation(session_id))


# ---------------------------------------------------------------- the trainee's side


def cohort_of_trainee(store: Store, trainee_id: str) -> Cohort | None:
    """The cohort this trainee belongs to, or None."""
    query = select(CohortRow).join(TraineeRow, TraineeRow.cohort_id == CohortRow.id).where(TraineeRow.id == trainee_id)

    def work(db: Session) -> Cohort | None:
        row = db.scalar(query)
        return None if row is None else _cohort(row)

    return store.read(work)


def assignments_of_trainee(store: Store, trainee_id: str) -> list[Assignment]:
    """What this trainee's cohort was assigned (empty when they are in none)."""
    query = (
        select(AssignmentRow)
        .join(TraineeRow, TraineeRow.cohort_id == AssignmentRow.cohort_id)
        .where(TraineeRow.id == trainee_id)
    )

    def work(db: Session) -> list[Assignment]:
        return [_assignment(row) for row in db.scalars(query)]

    return store.read(work)

"""Cohorts and assignments: join codes an instructor hands out, and the scenarios a cohort should play.

Join codes are 10 characters from a 31-letter alphabet without look-alikes (0/O, 1/I/L), i.e. ~49 bits from
`secrets`: unguessable in practice, yet easy to read aloud. They are stored normalised (upper case, no
dashes) and shown as `XXXXX-XXXXX`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from trainer.storage.store import (
    Assignment,
    Cohort,
    Store,
    StoreError,
    assignment_record,
    cohort_record,
)
from trainer.storage.tables import AssignmentRow, CohortRow, SessionRow, TraineeRow, utcnow

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


@dataclass(frozen=True)
class TraineeAssignment:
    """An assignment as a trainee's start page shows it."""

    scenario_id: str
    due_date: date | None
    completed: bool
    overdue: bool


def new_join_code() -> str:
    """A fresh random code (normalised form)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """`ABCDEFGHJK` -> `ABCDE-FGHJK`, easier to read out in a workshop."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def create_cohort(store: Store, name: str) -> Cohort:
    """A new cohort with a unique join code (retries on the astronomically rare collision)."""
    clean = name.strip()
    if not clean:
        raise StoreError("Please give the cohort a name.")
    for _ in range(5):
        try:
            with store.transaction() as db:
                row = CohortRow(name=clean[:200], join_code=new_join_code(), created_at=utcnow())
                db.add(row)
                db.flush()
                return cohort_record(row)
        except IntegrityError:
            continue
    raise StoreError("Could not allocate a join code; try again.")


def join(store: Store, trainee_id: str, code: str) -> Cohort:
    """Put a trainee into the cohort named by a code; returns that cohort."""
    trainee = store.join_cohort(trainee_id, code)
    cohort = store.get_cohort(trainee.cohort_id) if trainee.cohort_id is not None else None
    if cohort is None:  # pragma: no cover - join_cohort raised already
        raise StoreError("That cohort code was not recognised.")
    return cohort


def assign(store: Store, cohort_id: int, scenario_id: str, due_date: date | None = None) -> Assignment:
    """Assign a scenario to a cohort; assigning it again just updates the due date."""
    with store.transaction() as db:
        if db.get(CohortRow, cohort_id) is None:
            raise StoreError("Unknown cohort.")
        row = db.scalar(
            select(AssignmentRow).where(
                AssignmentRow.cohort_id == cohort_id, AssignmentRow.scenario_id == scenario_id
            )
        )
        if row is None:
            row = AssignmentRow(cohort_id=cohort_id, scenario_id=scenario_id, created_at=utcnow())
            db.add(row)
        row.due_date = due_date
        db.flush()
        return assignment_record(row)


def unassign(store: Store, cohort_id: int, scenario_id: str) -> bool:
    """Remove an assignment; True if there was one."""
    with store.transaction() as db:
        row = db.scalar(
            select(AssignmentRow).where(
                AssignmentRow.cohort_id == cohort_id, AssignmentRow.scenario_id == scenario_id
            )
        )
        if row is None:
            return False
        db.delete(row)
        return True


def list_assignments(store: Store, cohort_id: int) -> list[Assignment]:
    """A cohort's assignments, soonest due first (undated last)."""
    query = select(AssignmentRow).where(AssignmentRow.cohort_id == cohort_id)
    with store.transaction() as db:
        rows = [assignment_record(row) for row in db.scalars(query)]
    return sorted(rows, key=lambda a: (a.due_date is None, a.due_date or date.max, a.scenario_id))


def assignments_for_trainee(
    store: Store, trainee_id: str, today: date | None = None
) -> list[TraineeAssignment]:
    """What this trainee's cohort was assigned, with whether they have finished each (for the start page)."""
    today = today or utcnow().date()
    trainee = store.get_trainee(trainee_id)
    if trainee is None or trainee.cohort_id is None:
        return []
    done = completed_scenarios(store, trainee_id)
    return [
        TraineeAssignment(
            scenario_id=a.scenario_id,
            due_date=a.due_date,
            completed=a.scenario_id in done,
            overdue=a.scenario_id not in done and a.due_date is not None and a.due_date < today,
        )
        for a in list_assignments(store, trainee.cohort_id)
    ]


def completed_scenarios(store: Store, trainee_id: str) -> set[str]:
    """Scenarios this trainee has finished (any session that is no longer open)."""
    query = select(SessionRow.scenario_id).where(
        SessionRow.trainee_id == trainee_id, SessionRow.status != "open"
    )
    with store.transaction() as db:
        return set(db.scalars(query))


def cohort_size(store: Store, cohort_id: int) -> int:
    """How many trainees joined this cohort."""
    with store.transaction() as db:
        return len(db.scalars(select(TraineeRow.id).where(TraineeRow.cohort_id == cohort_id)).all())

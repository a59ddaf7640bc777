"""Cohorts and assignments: join codes an instructor hands out, and the scenarios a cohort should play.

Join codes are 10 characters from a 31-letter alphabet without look-alikes (0/O, 1/I/L), i.e. ~49 bits from
`secrets`: unguessable in practice, yet easy to read aloud. They are stored normalised (upper case, no
dashes) and shown as `XXXXX-XXXXX`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from trainer.storage.store import Assignment, Cohort, Store, StoreError

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
    return store.create_cohort(clean, new_join_code)


def join(store: Store, trainee_id: str, code: str) -> Cohort:
    """Put a trainee into the cohort named by a code; returns that cohort."""
    trainee = store.join_cohort(trainee_id, code)
    cohort = store.get_cohort(trainee.cohort_id) if trainee.cohort_id is not None else None
    if cohort is None:  # pragma: no cover - join_cohort raised already
        raise StoreError("That cohort code was not recognised.")
    return cohort


def assign(store: Store, cohort_id: int, scenario_id: str, due_date: date | None = None) -> Assignment:
    """Assign a scenario to a cohort; assigning it again just updates the due date."""
    return store.assign(cohort_id, scenario_id, due_date)


def unassign(store: Store, cohort_id: int, scenario_id: str) -> bool:
    """Remove an assignment; True if there was one."""
    return store.unassign(cohort_id, scenario_id)


def list_assignments(store: Store, cohort_id: int) -> list[Assignment]:
    """A cohort's assignments, soonest due first (undated last)."""
    rows = store.list_assignments(cohort_id)
    return sorted(rows, key=lambda a: (a.due_date is None, a.due_date or date.max, a.scenario_id))


def assignments_for_trainee(
    store: Store, trainee_id: str, today: date | None = None
) -> list[TraineeAssignment]:
    """What this trainee's cohort was assigned, with whether they have finished each (for the start page)."""
    today = today or datetime.now(UTC).date()
    trainee = store.get_trainee(trainee_id)
    if trainee is None or trainee.cohort_id is None:
        return []
    done = store.finished_scenarios(trainee_id)
    return [
        TraineeAssignment(
            scenario_id=a.scenario_id,
            due_date=a.due_date,
            completed=a.scenario_id in done,
            overdue=a.scenario_id not in done and a.due_date is not None and a.due_date < today,
        )
        for a in list_assignments(store, trainee.cohort_id)
    ]


def cohort_size(store: Store, cohort_id: int) -> int:
    """How many trainees joined this cohort."""
    return store.count_trainees(cohort_id)

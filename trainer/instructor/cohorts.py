"""Cohorts and assignments: join codes an instructor hands out, and the scenarios a cohort should play.

Every instructor-side function takes the acting account and reaches the data only through
`trainer.storage.cohorts`, which checks ownership in SQL. Join codes are 10 characters from a 31-letter alphabet
without look-alikes (0/O, 1/I/L), i.e. ~49 bits from `secrets`: unguessable in practice, yet easy to read aloud.
They are stored normalised (upper case, no dashes) and shown as `XXXXX-XXXXX`.

An assignment is done by a session that is no longer open (or one of whose branches was finished) and that started
after both the assignment was made and the trainee joined the cohort (`counts_for`): practice from before does not count as the assigned work.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from trainer.storage import cohorts as cohort_store
from trainer.storage.accounts import Account
from trainer.storage.history import HistoryEntry, load_history
from trainer.storage.store import Assignment, Cohort, Store, StoreError, Trainee

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


def create_cohort(store: Store, owner: Account, name: str) -> Cohort:
    """A new cohort owned by `owner`, with a unique join code (retries on the astronomically rare collision)."""
    clean = name.strip()
    if not clean:
        raise StoreError("Please give the cohort a name.")
    return cohort_store.create_cohort(store, owner.id, clean, new_join_code)


def my_cohorts(store: Store, owner: Account) -> list[Cohort]:
    """The cohorts this instructor owns, newest first."""
    return cohort_store.owned_cohorts(store, owner.id)


def my_cohort(store: Store, owner: Account, cohort_id: int) -> Cohort | None:
    """One of this instructor's cohorts by id (None for an unknown or someone else's)."""
    return cohort_store.owned_cohort(store, owner.id, cohort_id)


def my_cohort_by_code(store: Store, owner: Account, code: str) -> Cohort | None:
    """One of this instructor's cohorts by join code (None for an unknown or someone else's)."""
    return cohort_store.owned_cohort_by_code(store, owner.id, code)


def trainees(store: Store, owner: Account, cohort_id: int) -> list[Trainee]:
    """The trainees of one of this instructor's cohorts, by name (empty for anyone else's)."""
    return cohort_store.trainees(store, owner.id, cohort_id)


def cohort_sizes(store: Store, owner: Account) -> dict[int, int]:
    """Trainees per cohort of this instructor."""
    return cohort_store.cohort_sizes(store, owner.id)


def trainee_cohort(store: Store, trainee_id: str) -> Cohort | None:
    """The cohort a trainee belongs to (the trainee's own view), or None."""
    return cohort_store.cohort_of_trainee(store, trainee_id)


def join(store: Store, trainee_id: str, code: str) -> Cohort:
    """Put a trainee into the cohort named by a code; returns that cohort."""
    store.join_cohort(trainee_id, code)
    cohort = cohort_store.cohort_of_trainee(store, trainee_id)
    if cohort is None:  # pragma: no cover - join_cohort raised already
        raise StoreError("That cohort code was not recognised.")
    return cohort


def assign(store: Store, owner: Account, cohort_id: int, scenario_id: str, due_date: date | None = None) -> Assignment:
    """Assign a scenario to one of this instructor's cohorts; assigning it again just updates the due date."""
    return cohort_store.assign(store, owner.id, cohort_id, scenario_id, due_date)


def unassign(store: Store, owner: Account, cohort_id: int, scenario_id: str) -> bool:
    """Remove an assignment from one of this instructor's cohorts; True if there was one."""
    return cohort_store.unassign(store, owner.id, cohort_id, scenario_id)


def sort_assignments(rows: Iterable[Assignment]) -> list[Assignment]:
    """Soonest due first (undated last)."""
    return sorted(rows, key=lambda a: (a.due_date is None, a.due_date or date.max, a.scenario_id))


def list_assignments(store: Store, owner: Account, cohort_id: int) -> list[Assignment]:
    """A cohort's assignments, soonest due first (empty unless this instructor owns the cohort)."""
    return sort_assignments(cohort_store.assignments(store, owner.id, cohort_id))


def counts_for(entry: HistoryEntry, assignment: Assignment, joined_at: datetime | None) -> bool:
    """Whether a (root) session completes an assignment: finished (itself, or one of its branches), and started
    after the assignment existed and after the trainee joined the cohort."""
    finished = entry.status != "open" or entry.branch_finished
    if not finished or entry.kind != "practice" or entry.scenario_id != assignment.scenario_id:
        return False
    return entry.created_at >= assignment.created_at and (joined_at is None or entry.created_at >= joined_at)


def assignments_for_trainee(store: Store, trainee_id: str, today: date | None = None) -> list[TraineeAssignment]:
    """What this trainee's cohort was assigned, with whether they have done each (for the start page)."""
    today = today or datetime.now(UTC).date()
    trainee = store.get_trainee(trainee_id)
    if trainee is None or trainee.cohort_id is None:
        return []
    history = load_history(store, trainee_id=trainee.id)
    rows = []
    for a in sort_assignments(cohort_store.assignments_of_trainee(store, trainee.id)):
        done = any(counts_for(entry, a, trainee.cohort_joined_at) for entry in history)
        overdue = not done and a.due_date is not None and a.due_date < today
        rows.append(TraineeAssignment(a.scenario_id, a.due_date, done, overdue))
    return rows

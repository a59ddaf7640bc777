"""Cohorts: unguessable join codes, joining, assignments with due dates and completion."""

from __future__ import annotations

from datetime import date

import pytest

from trainer.instructor import cohorts
from trainer.storage.store import Store, StoreError

pytest_plugins = ["db_fixtures"]


def test_codes_are_random_readable_and_unique(store: Store) -> None:
    made = [cohorts.create_cohort(store, f"Cohort {i}") for i in range(20)]
    codes = {c.join_code for c in made}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == cohorts.CODE_LENGTH and set(code) <= set(cohorts.ALPHABET)
    assert not set("01OIL") & set(cohorts.ALPHABET)


def test_display_code() -> None:
    assert cohorts.display_code("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_blank_name_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        cohorts.create_cohort(store, "  ")


def test_join_with_displayed_code(store: Store) -> None:
    cohort = cohorts.create_cohort(store, "Procurement leads")
    typed = cohorts.display_code(cohort.join_code).lower()
    trainee = store.create_trainee("Ada", cohort_code=typed)
    assert trainee.cohort_id == cohort.id
    solo = store.create_trainee("Bo")
    assert cohorts.join(store, solo.id, cohort.join_code).id == cohort.id
    assert cohorts.cohort_size(store, cohort.id) == 2
    with pytest.raises(StoreError):
        cohorts.join(store, solo.id, "WRONG-CODE1")


def test_assignments_and_trainee_view(store: Store) -> None:
    cohort = cohorts.create_cohort(store, "Sales")
    other = cohorts.create_cohort(store, "Other")
    cohorts.assign(store, cohort.id, "late_one", date(2026, 1, 1))
    cohorts.assign(store, cohort.id, "undated")
    cohorts.assign(store, cohort.id, "soon", date(2026, 12, 1))
    cohorts.assign(store, other.id, "not_mine")
    again = cohorts.assign(store, cohort.id, "soon", date(2026, 12, 5))  # re-assign updates the due date
    assert again.due_date == date(2026, 12, 5)
    assert [a.scenario_id for a in cohorts.list_assignments(store, cohort.id)] == [
        "late_one",
        "soon",
        "undated",
    ]

    trainee = store.create_trainee("Ada", cohort_code=cohort.join_code)
    done = store.create_session(trainee.id, "soon", 1, "template", "{}")
    store.update_session(done, status="agreed")
    store.create_session(trainee.id, "undated", 1, "template", "{}")  # still open: not complete
    view = cohorts.assignments_for_trainee(store, trainee.id, today=date(2026, 6, 1))
    assert [(a.scenario_id, a.completed, a.overdue) for a in view] == [
        ("late_one", False, True),
        ("soon", True, False),
        ("undated", False, False),
    ]
    assert cohorts.assignments_for_trainee(store, store.create_trainee("Solo").id) == []


def test_unassign_and_unknown_cohort(store: Store) -> None:
    cohort = cohorts.create_cohort(store, "Sales")
    cohorts.assign(store, cohort.id, "x")
    assert cohorts.unassign(store, cohort.id, "x") is True
    assert cohorts.unassign(store, cohort.id, "x") is False
    with pytest.raises(StoreError):
        cohorts.assign(store, 999_999, "x")

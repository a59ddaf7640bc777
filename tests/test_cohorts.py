"""Cohorts: unguessable join codes, joining, owned assignments with due dates, and when an assignment is done."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from accounts_support import make_account

from trainer.instructor import cohorts
from trainer.storage.history import HistoryEntry
from trainer.storage.store import Assignment, Store, StoreError
from trainer.storage.tables import SessionRow

pytest_plugins = ["db_fixtures"]


@pytest.fixture
def owner(store: Store):
    return make_account(store, "olga")


def test_codes_are_random_readable_and_unique(store: Store, owner) -> None:
    made = [cohorts.create_cohort(store, owner, f"Cohort {i}") for i in range(20)]
    codes = {c.join_code for c in made}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == cohorts.CODE_LENGTH and set(code) <= set(cohorts.ALPHABET)
    assert not set("01OIL") & set(cohorts.ALPHABET)
    assert [c.id for c in cohorts.my_cohorts(store, owner)] == [c.id for c in reversed(made)]  # newest first


def test_display_code() -> None:
    assert cohorts.display_code("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_blank_name_refused(store: Store, owner) -> None:
    with pytest.raises(StoreError):
        cohorts.create_cohort(store, owner, "  ")


def test_join_with_displayed_code(store: Store, owner) -> None:
    cohort = cohorts.create_cohort(store, owner, "Procurement leads")
    typed = cohorts.display_code(cohort.join_code).lower()
    trainee = store.create_trainee("Ada", cohort_code=typed)
    assert trainee.cohort_id == cohort.id
    solo = store.create_trainee("Bo")
    assert cohorts.join(store, solo.id, cohort.join_code).id == cohort.id
    assert cohorts.cohort_sizes(store, owner) == {cohort.id: 2}
    assert cohorts.trainee_cohort(store, solo.id) == cohort
    with pytest.raises(StoreError):
        cohorts.join(store, solo.id, "WRONG-CODE1")


def _finish(store: Store, trainee_id: str, scenario_id: str, status: str = "agreed") -> str:
    session_id = store.create_session(trainee_id, scenario_id, 1, "template", "{}")
    if status != "open":
        store.update_session(session_id, status=status)
    return session_id


def test_assignments_and_trainee_view(store: Store, owner) -> None:
    cohort = cohorts.create_cohort(store, owner, "Sales")
    other = cohorts.create_cohort(store, owner, "Other")
    trainee = store.create_trainee("Ada", cohort_code=cohort.join_code)
    cohorts.assign(store, owner, cohort.id, "late_one", date(2026, 1, 1))
    cohorts.assign(store, owner, cohort.id, "undated")
    cohorts.assign(store, owner, cohort.id, "soon", date(2026, 12, 1))
    cohorts.assign(store, owner, other.id, "not_mine")
    again = cohorts.assign(store, owner, cohort.id, "soon", date(2026, 12, 5))  # re-assign updates the due date
    assert again.due_date == date(2026, 12, 5)
    assert [a.scenario_id for a in cohorts.list_assignments(store, owner, cohort.id)] == [
        "late_one", "soon", "undated",
    ]  # fmt: skip

    _finish(store, trainee.id, "soon")
    _finish(store, trainee.id, "undated", status="open")  # still open: not done
    view = cohorts.assignments_for_trainee(store, trainee.id, today=date(2026, 6, 1))
    assert [(a.scenario_id, a.completed, a.overdue) for a in view] == [
        ("late_one", False, True),
        ("soon", True, False),
        ("undated", False, False),
    ]
    assert cohorts.assignments_for_trainee(store, store.create_trainee("Solo").id) == []


def _backdate(store: Store, session_id: str, when: datetime) -> None:
    with store.transaction() as db:
        db.get(SessionRow, session_id).created_at = when


def test_sessions_from_before_the_assignment_or_the_join_do_not_count(store: Store, owner) -> None:
    cohort = cohorts.create_cohort(store, owner, "Sales")
    solo = store.create_trainee("Ada")
    before_join = _finish(store, solo.id, "carmaker")  # played solo, before joining the cohort
    _backdate(store, before_join, datetime.now(UTC) - timedelta(days=3))
    cohorts.join(store, solo.id, cohort.join_code)
    before_assignment = _finish(store, solo.id, "tenant")  # in the cohort, before it was assigned
    _backdate(store, before_assignment, datetime.now(UTC) - timedelta(hours=1))
    cohorts.assign(store, owner, cohort.id, "carmaker")
    cohorts.assign(store, owner, cohort.id, "tenant")
    view = {a.scenario_id: a.completed for a in cohorts.assignments_for_trainee(store, solo.id)}
    assert view == {"carmaker": False, "tenant": False}

    _finish(store, solo.id, "tenant")  # now, after both
    view = {a.scenario_id: a.completed for a in cohorts.assignments_for_trainee(store, solo.id)}
    assert view == {"carmaker": False, "tenant": True}


def test_counts_for_rule() -> None:
    t0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assignment = Assignment(1, 1, "s", None, t0)

    def entry(
        minutes: int, status: str = "agreed", kind: str = "practice", scenario: str = "s", branch_finished: bool = False
    ) -> HistoryEntry:
        return HistoryEntry(
            "x", "t", scenario, status, t0 + timedelta(minutes=minutes), None, kind=kind, branch_finished=branch_finished
        )

    assert cohorts.counts_for(entry(5), assignment, joined_at=t0 - timedelta(days=1))
    assert not cohorts.counts_for(entry(-5), assignment, joined_at=None)  # before the assignment
    assert not cohorts.counts_for(entry(5), assignment, joined_at=t0 + timedelta(minutes=10))  # before joining
    assert not cohorts.counts_for(entry(5, status="open"), assignment, joined_at=None)
    assert not cohorts.counts_for(entry(5, kind="real"), assignment, joined_at=None)
    assert not cohorts.counts_for(entry(5, scenario="other"), assignment, joined_at=None)
    # a root left open whose branch (a rewind) was finished counts, once, as the root; the other rules still hold
    assert cohorts.counts_for(entry(5, status="open", branch_finished=True), assignment, joined_at=None)
    assert not cohorts.counts_for(entry(-5, status="open", branch_finished=True), assignment, joined_at=None)


def test_unassign_and_unknown_cohort(store: Store, owner) -> None:
    cohort = cohorts.create_cohort(store, owner, "Sales")
    cohorts.assign(store, owner, cohort.id, "x")
    assert cohorts.unassign(store, owner, cohort.id, "x") is True
    assert cohorts.unassign(store, owner, cohort.id, "x") is False
    with pytest.raises(StoreError):
        cohorts.assign(store, owner, 999_999, "x")

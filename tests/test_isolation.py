"""Instructor isolation at the store: instructor A can neither read, change nor export instructor B's cohorts through
any store function that takes an instructor, whatever ids A passes (issue 18, part 1). The page parameters are
covered in tests/test_instructor_pages.py::test_page_parameters_never_reach_another_instructors_cohort.

The list of functions is checked against the modules themselves: a new owner-scoped store function without a case
here fails `test_every_owner_scoped_store_function_is_covered`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from accounts_support import make_account
from report_factory import make_report

from trainer.instructor import calibration, dashboard
from trainer.storage import calibration as calibration_store
from trainer.storage import cohorts as cohort_store
from trainer.storage import history
from trainer.storage.calibration import Mark
from trainer.storage.store import Store, StoreError

pytest_plugins = ["db_fixtures"]


@pytest.fixture
def world(store: Store) -> dict:
    """Bob's cohort with a trainee, an assignment, an evaluated session and Bob's review of it; Alice's own cohort."""
    alice, bob = make_account(store, "alice"), make_account(store, "bob")
    mine = cohort_store.create_cohort(store, alice.id, "Alice's", lambda: "AAAAA22222")
    theirs = cohort_store.create_cohort(store, bob.id, "Bob's", lambda: "BBBBB33333")
    store.create_trainee("Amy", cohort_code=mine.join_code)
    ben = store.create_trainee("Ben", cohort_code=theirs.join_code)
    cohort_store.assign(store, bob.id, theirs.id, "carmaker", None)
    session_id = store.create_session(ben.id, "carmaker", 1, "template", "{}")
    store.add_turn(session_id, "counterparty", "Our terms apply.")
    store.add_turn(session_id, "trainee", "Ben's private line: we must sign by Friday.")
    store.update_session(session_id, status="agreed")
    evaluation = store.save_evaluation(session_id, make_report({"urgency_signal": 20}, quotes={"urgency_signal": [(1, "x")]}))
    marks = [Mark(m.id, m.detected, "agree" if m.detected else "absent", (1,) if m.detected else ())
             for m in evaluation.report.mistakes]  # fmt: skip
    calibration_store.save_review(store, bob.id, theirs.id, session_id, evaluation.id, marks)
    return {"alice": alice, "bob": bob, "mine": mine, "theirs": theirs, "session": session_id,
            "evaluation": evaluation.id, "marks": marks}  # fmt: skip


def _bob_untouched(store: Store, w: dict) -> None:
    """Whatever Alice tried, Bob's cohort is as he left it."""
    bob, theirs = w["bob"], w["theirs"]
    assert [c.id for c in cohort_store.owned_cohorts(store, bob.id)] == [theirs.id]
    assert [a.scenario_id for a in cohort_store.assignments(store, bob.id, theirs.id)] == ["carmaker"]
    assert [t.display_name for t in cohort_store.trainees(store, bob.id, theirs.id)] == ["Ben"]
    [review] = calibration_store.reviews(store, bob.id, theirs.id)
    assert review.review.marks == {m.mistake_id: m for m in w["marks"]}


CASES: dict[str, Callable[[Store, dict], None]] = {}


def case(name: str) -> Callable[[Callable[[Store, dict], None]], Callable[[Store, dict], None]]:
    """Register what Alice tries with one store function, and what she must get."""

    def register(fn: Callable[[Store, dict], None]) -> Callable[[Store, dict], None]:
        CASES[name] = fn
        return fn

    return register


@case("cohorts.create_cohort")
def _create_cohort(s: Store, w: dict) -> None:
    made = cohort_store.create_cohort(s, w["alice"].id, "New", lambda: "CCCCC44444")
    assert made.id not in {c.id for c in cohort_store.owned_cohorts(s, w["bob"].id)}


@case("cohorts.owned_cohorts")
def _owned_cohorts(s: Store, w: dict) -> None:
    assert [c.id for c in cohort_store.owned_cohorts(s, w["alice"].id)] == [w["mine"].id]


@case("cohorts.owned_cohort")
def _owned_cohort(s: Store, w: dict) -> None:
    assert cohort_store.owned_cohort(s, w["alice"].id, w["theirs"].id) is None


@case("cohorts.owned_cohort_by_code")
def _owned_cohort_by_code(s: Store, w: dict) -> None:
    assert cohort_store.owned_cohort_by_code(s, w["alice"].id, w["theirs"].join_code) is None


@case("cohorts.cohort_sizes")
def _cohort_sizes(s: Store, w: dict) -> None:
    assert set(cohort_store.cohort_sizes(s, w["alice"].id)) == {w["mine"].id}


@case("cohorts.trainees")
def _trainees(s: Store, w: dict) -> None:
    assert cohort_store.trainees(s, w["alice"].id, w["theirs"].id) == []


@case("cohorts.assign")
def _assign(s: Store, w: dict) -> None:
    with pytest.raises(StoreError):
        cohort_store.assign(s, w["alice"].id, w["theirs"].id, "tenant", None)


@case("cohorts.unassign")
def _unassign(s: Store, w: dict) -> None:
    assert cohort_store.unassign(s, w["alice"].id, w["theirs"].id, "carmaker") is False


@case("cohorts.assignments")
def _assignments(s: Store, w: dict) -> None:
    assert cohort_store.assignments(s, w["alice"].id, w["theirs"].id) == []


@case("cohorts.owned_session")
def _owned_session(s: Store, w: dict) -> None:
    for cohort_id in (w["theirs"].id, w["mine"].id):  # his cohort id, or hers with his session id
        assert cohort_store.owned_session(s, w["alice"].id, cohort_id, w["session"]) is None


@case("cohorts.adopt_orphans")
def _adopt_orphans(s: Store, w: dict) -> None:
    assert cohort_store.adopt_orphans(s, w["alice"].id) == 0  # Bob's cohort has an owner: not up for adoption


@case("cohorts.transfer")
def _transfer(s: Store, w: dict) -> None:
    with pytest.raises(StoreError):  # Alice is no admin: she cannot take Bob's cohort
        cohort_store.transfer(s, w["alice"].id, w["theirs"].join_code, w["alice"].id)


@case("history.load_history")
def _load_history(s: Store, w: dict) -> None:
    assert history.load_history(s, cohort_id=w["theirs"].id, owner_id=w["alice"].id) == []
    with pytest.raises(ValueError):  # a cohort's history without saying who reads it is refused
        history.load_history(s, cohort_id=w["theirs"].id)


@case("calibration.evaluated_sessions")
def _evaluated_sessions(s: Store, w: dict) -> None:
    assert calibration_store.evaluated_sessions(s, w["alice"].id, w["theirs"].id) == []


@case("calibration.save_review")
def _save_review(s: Store, w: dict) -> None:
    flipped = [Mark(m.mistake_id, m.evaluator_detected, "disagree" if m.evaluator_detected else "absent")
               for m in w["marks"]]  # fmt: skip
    for cohort_id in (w["theirs"].id, w["mine"].id):
        with pytest.raises(StoreError):
            calibration_store.save_review(s, w["alice"].id, cohort_id, w["session"], w["evaluation"], flipped)


@case("calibration.reviews")
def _reviews(s: Store, w: dict) -> None:
    assert calibration_store.reviews(s, w["alice"].id, w["theirs"].id) == []
    assert calibration_store.reviews(s, w["alice"].id, w["mine"].id) == []


@case("calibration.review_of")
def _review_of(s: Store, w: dict) -> None:
    for cohort_id in (w["theirs"].id, w["mine"].id):
        assert calibration_store.review_of(s, w["alice"].id, cohort_id, w["evaluation"]) is None


@pytest.mark.parametrize("name", sorted(CASES))
def test_instructor_a_cannot_reach_instructor_b(store: Store, world: dict, name: str) -> None:
    CASES[name](store, world)
    _bob_untouched(store, world)


def _owner_scoped(module: object, prefix: str) -> set[str]:
    """Public functions of a storage module that act for an instructor (they take an owner or admin id)."""
    names = set()
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ == module.__name__ and not name.startswith("_"):  # type: ignore[attr-defined]
            params = inspect.signature(fn).parameters
            if {"owner_id", "admin_id"} & set(params):
                names.add(f"{prefix}.{name}")
    return names


SQL_BUILDERS = {"cohorts.owns"}  # builds the ownership condition the others use; reads no data itself


def test_every_owner_scoped_store_function_is_covered() -> None:
    scoped = _owner_scoped(cohort_store, "cohorts") | _owner_scoped(calibration_store, "calibration")
    scoped |= _owner_scoped(history, "history")
    assert scoped - SQL_BUILDERS == set(CASES)


def test_exports_and_views_of_bobs_cohort_are_refused(store: Store, world: dict) -> None:
    alice, theirs = world["alice"], world["theirs"]
    assert dashboard.load_cohort(store, alice, theirs.id) is None  # so no CSV either: to_csv needs the snapshot
    assert dashboard.session_detail(store, alice, theirs.id, world["session"]) is None
    with pytest.raises(StoreError):
        calibration.export_labels(store, alice, theirs.id)
    assert calibration.sample(store, alice, theirs.id) == []
    assert calibration.reviewed(store, alice, theirs.id) == []
    _bob_untouched(store, world)


def test_bob_still_sees_everything(store: Store, world: dict) -> None:
    bob, theirs = world["bob"], world["theirs"]
    data = dashboard.load_cohort(store, bob, theirs.id)
    assert [h.session_id for h in data.history] == [world["session"]]
    assert "Ben's private line" in dashboard.session_detail(store, bob, theirs.id, world["session"]).turns[1].text
    assert len(calibration.export_labels(store, bob, theirs.id).documents) == 1

"""Rewind and branch: lineage in the store (SQLite, and PostgreSQL when configured), the rewind limit counted
against the root, isolation, cohort completion by root, and the side-by-side comparison."""

from __future__ import annotations

import pytest
from accounts_support import make_account

from trainer.app import branches
from trainer.app.practice import Practice, PracticeError
from trainer.instructor import dashboard
from trainer.instructor.cohorts import assign, create_cohort, join
from trainer.instructor.progress import trainee_progress
from trainer.scenarios.loading import load_library
from trainer.storage import branches as lineage
from trainer.storage.store import Store, StoreError
from trainer.voice.realizer import TemplateRealizer

pytest_plugins = ["db_fixtures"]

LINES = [
    "What constraints are you working under on the launch timeline?",
    "We need this signed by the end of the month, our production plan depends on it.",
    "If you can agree unit price at EUR 200 per unit, we can accept payment terms at 90 days.",
]


@pytest.fixture(scope="module")
def scenarios() -> dict:
    return load_library().scenarios


def _play(practice: Practice, live, lines: list[str]):
    for text in lines:
        practice.send(live, text)
        for _ in practice.reply(live, TemplateRealizer(), "template"):
            pass
    return live


def _session(store: Store, scenarios: dict, trainee_id: str | None = None, level: str | None = None):
    trainee_id = trainee_id or store.create_trainee("Ada").id
    practice = Practice(store, scenarios)
    live = practice.start(trainee_id, "carmaker-renewal", seed=4, realizer="template", level=level)
    return practice, _play(practice, live, LINES)


def test_a_branch_continues_from_a_counterparty_turn_and_keeps_the_original(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios)
    before = [(t.speaker, t.text) for t in store.list_turns(live.session_id)]
    branch = branches.rewind(practice, live, 2)
    assert branch.session_id != live.session_id and branch.status == "open"
    assert [(line.speaker, line.text) for line in branch.lines] == before[:3]
    assert [(t.speaker, t.text) for t in store.list_turns(live.session_id)] == before  # the original is kept
    # the branch's state is the engine's state at that turn: one trainee turn played, the urgency not yet said
    assert branch.state.turn == 1 and not branch.state.mistakes.urgency_revealed
    place = lineage.lineage(store, branch.session_id, live.trainee_id)
    assert place is not None and place.parent_id == live.session_id and place.root_id == live.session_id
    assert place.branch_turn == 2 and not place.is_root
    # the branch plays on as its own session, and resumes from the store like any other
    _play(practice, branch, ["Who else on your side is involved in choosing the supplier?"])
    again = practice.resume(live.trainee_id, branch.session_id)
    assert again is not None and again.state == branch.state and len(again.lines) == 5


def test_a_branch_keeps_the_level_and_seed(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios, level="hard")
    branch = branches.rewind(practice, live, 4)
    assert branch.scenario.level.value == "hard" and branch.game.seed == live.game.seed
    replayed = practice.resume(live.trainee_id, live.session_id)
    assert replayed is not None and replayed.scenario.level.value == "hard"


def test_branches_count_against_their_root(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios)
    first = branches.rewind(practice, live, 2)
    second = branches.rewind(practice, first, 2)  # from a branch: the same allowance
    third = branches.rewind(practice, live, 0)
    for member in (live, first, second, third):
        status = branches.rewind_status(store, member)
        assert (status.limit, status.used, status.left) == (3, 3, 0)
    with pytest.raises(PracticeError, match="used all 3 rewinds"):
        branches.rewind(practice, second, 0)
    assert lineage.lineage(store, second.session_id, live.trainee_id).root_id == live.session_id
    assert lineage.rewinds_used(store, live.session_id) == 3


def test_the_store_refuses_past_the_limit_even_if_the_app_did_not_check(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios)
    lineage.create_branch(store, live.session_id, live.trainee_id, 0, live.state, limit=1)
    with pytest.raises(lineage.RewindLimitReached):
        lineage.create_branch(store, live.session_id, live.trainee_id, 0, live.state, limit=1)
    with pytest.raises(StoreError, match="counterparty's turns"):
        lineage.create_branch(store, live.session_id, live.trainee_id, 1, live.state, limit=5)


def test_a_cohort_sets_its_own_limit(store: Store, scenarios: dict) -> None:
    cohort = create_cohort(store, make_account(store, "tess"), "Spring")
    trainee = store.create_trainee("Bo")
    join(store, trainee.id, cohort.join_code)
    practice, live = _session(store, scenarios, trainee.id)
    assert branches.rewind_status(store, live).limit == 3  # the scenario's
    lineage.set_cohort_rewind_limit(store, cohort.id, 1)
    assert branches.rewind_status(store, live).limit == 1
    branches.rewind(practice, live, 2)
    with pytest.raises(PracticeError, match="used all 1 rewinds"):
        branches.rewind(practice, live, 2)
    lineage.set_cohort_rewind_limit(store, cohort.id, None)
    assert branches.rewind_status(store, live).left == 2
    with pytest.raises(StoreError):
        lineage.set_cohort_rewind_limit(store, cohort.id, 99)


def test_the_scenario_sets_the_default_limit(store: Store, scenarios: dict) -> None:
    strict = {**scenarios, "carmaker-renewal": scenarios["carmaker-renewal"].model_copy(update={"rewind_limit": 0})}
    practice, live = _session(store, strict)
    with pytest.raises(PracticeError, match="used all 0 rewinds"):
        branches.rewind(practice, live, 2)


def test_branches_are_isolated_like_sessions(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios)
    branch = branches.rewind(practice, live, 2)
    mallory = store.create_trainee("Mallory")
    assert lineage.lineage(store, branch.session_id, mallory.id) is None
    assert lineage.family(store, live.session_id, mallory.id) == []
    assert practice.resume(mallory.id, branch.session_id) is None
    with pytest.raises(StoreError, match="Unknown session"):
        lineage.create_branch(store, live.session_id, mallory.id, 2, live.state, limit=3)
    assert branches.compare_family(store, scenarios, live.session_id, mallory.id) == []
    assert lineage.lineage(store, "not-a-uuid", live.trainee_id) is None
    assert [m.session_id for m in lineage.family(store, branch.session_id, None)] == [live.session_id, branch.session_id]


def test_cohort_completion_and_progress_count_the_root(store: Store, scenarios: dict) -> None:
    owner = make_account(store, "tess")
    cohort = create_cohort(store, owner, "Autumn")
    assign(store, owner, cohort.id, "carmaker-renewal")
    trainee = store.create_trainee("Cy")
    join(store, trainee.id, cohort.join_code)
    practice, live = _session(store, scenarios, trainee.id)
    data = dashboard.load_cohort(store, owner, cohort.id)
    assert dashboard.completion(data)[0].completed == 0  # the root is still open
    branch = branches.rewind(practice, live, 2)
    practice.end(branch, "ended")  # finishing a branch finishes the family
    data = dashboard.load_cohort(store, owner, cohort.id)
    assert [h.session_id for h in data.history] == [live.session_id]  # one family, counted as its root
    assert data.history[0].branch_finished
    assert dashboard.completion(data)[0].completed == 1
    assert [h.session_id for h in trainee_progress(store, trainee.id).history] == [live.session_id]


def test_the_comparison_shows_terms_score_and_mistakes(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios)
    practice.end(live, "ended")
    branch = branches.rewind(practice, live, 2)
    _play(practice, branch, ["Who else on your side is involved in choosing the supplier?",
                             "If you can agree unit price at EUR 205 per unit, we can accept payment terms at 90 days."])  # fmt: skip
    practice.end(branch, "ended")
    views = branches.compare_family(store, scenarios, branch.session_id, live.trainee_id)
    assert [v.label for v in views] == ["Original", "Branch 1 (from turn 3)"]
    original, retry = views
    assert retry.current and not original.current
    assert "Signalling your own urgency" in original.mistakes
    assert "Signalling your own urgency" not in retry.mistakes
    assert set(original.terms) == {i.label for i in scenarios["carmaker-renewal"].issues}
    assert original.terms["Unit price"].startswith("EUR ")
    assert retry.score > original.score
    assert store.latest_evaluation(branch.session_id, live.trainee_id) is not None  # ended: stored once


def test_rewind_needs_a_counterparty_turn(store: Store, scenarios: dict) -> None:
    practice, live = _session(store, scenarios)
    with pytest.raises(PracticeError, match="counterparty's turns"):
        branches.rewind(practice, live, 1)
    with pytest.raises(PracticeError, match="counterparty's turns"):
        branches.rewind(practice, live, 99)
    points = branches.rewind_points(live)
    assert [p.index for p in points] == [6, 4, 2, 0] and points[-1].label.startswith("Turn 1: ")

"""Progress: recency-weighted proficiency (the documented formula), trends, persistence, recommendation."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from report_factory import make_report

from trainer.instructor import progress
from trainer.instructor.progress import summarise, trainee_progress, weighted_proficiency, weights
from trainer.storage.store import Store

pytest_plugins = ["db_fixtures"]

URGENCY = "urgency_signal"


def _play(
    store: Store, trainee_id: str, scenario_id: str, scores: dict[str, int], status: str = "agreed"
) -> str:
    session_id = store.create_session(trainee_id, scenario_id, 1, "template", "{}")
    store.update_session(session_id, status=status, outcome_json={"deal": status == "agreed"})
    store.save_evaluation(session_id, make_report(scores))
    return session_id


def _scenario(sid: str, difficulty: int, focus: list[str]) -> SimpleNamespace:
    return SimpleNamespace(id=sid, difficulty=difficulty, learning_focus=focus)


def test_weights_halve_every_half_life() -> None:
    w = weights(7, half_life=3)
    assert w[-1] == 1.0 and math.isclose(w[-4], 0.5) and math.isclose(w[0], 0.25)


def test_weighted_mean_favours_recent_sessions() -> None:
    assert weighted_proficiency([]) is None
    assert weighted_proficiency([70]) == 70
    improving = weighted_proficiency([0, 0, 0, 100])
    assert improving > 25  # plain mean would be 25
    expected = 100 / (1 + 0.5 ** (1 / 3) + 0.5 ** (2 / 3) + 0.5)
    assert math.isclose(improving, expected)


def test_persistence_rule() -> None:
    assert progress.is_persistent([90, 30, 40])
    assert progress.is_persistent([30, 90, 40])
    assert not progress.is_persistent([10, 20, 90, 90, 30])  # only 1 of the last 3
    assert not progress.is_persistent([30])


def test_history_trends_and_persistent(store: Store) -> None:
    trainee = store.create_trainee("Ada")
    for score in (20, 40, 30, 55):
        _play(store, trainee.id, "carmaker", {URGENCY: score, "unified_actor": 90})
    unevaluated = store.create_session(trainee.id, "tenant", 1, "template", "{}")
    result = trainee_progress(store, trainee.id)
    assert [h.session_id for h in result.history][0] == unevaluated  # newest first, unevaluated included
    assert len(result.history) == 5 and result.history[0].overall_score is None
    urgency = result.mistakes[URGENCY]
    assert [p.score for p in urgency.trend] == [20, 40, 30, 55]
    assert urgency.latest == 55 and urgency.sessions == 4 and urgency.persistent
    assert urgency.proficiency == round(weighted_proficiency([20, 40, 30, 55]), 1)
    assert urgency.trend[0].proficiency == 20
    assert not result.mistakes["unified_actor"].persistent
    assert [m.mistake_id for m in result.persistent] == [URGENCY]


def test_progress_sees_only_own_sessions(store: Store) -> None:
    alice, bob = store.create_trainee("Alice"), store.create_trainee("Bob")
    _play(store, alice.id, "carmaker", {URGENCY: 10})
    assert trainee_progress(store, bob.id).history == []
    assert trainee_progress(store, bob.id).mistakes[URGENCY].proficiency is None


def test_recommendation_targets_weakest_mistake(store: Store) -> None:
    trainee = store.create_trainee("Ada")
    _play(store, trainee.id, "a", {URGENCY: 30, "unified_actor": 95})
    _play(store, trainee.id, "a", {URGENCY: 35, "unified_actor": 95})
    library = {
        "a": _scenario("a", 1, [URGENCY]),  # played twice already
        "b": _scenario("b", 1, [URGENCY, "weak_alternative"]),
        "c": _scenario("c", 3, [URGENCY]),
        "d": _scenario("d", 1, ["unified_actor"]),
    }
    rec = trainee_progress(store, trainee.id, library).recommendation
    assert rec.scenario_id == "b" and "Signalling your own urgency" in rec.reason


def test_recommendation_for_newcomers_and_empty_library() -> None:
    library = {
        "hard": _scenario("hard", 3, [URGENCY]),
        "easy": _scenario("easy", 1, [URGENCY, "unified_actor"]),
    }
    assert summarise([], library).recommendation.scenario_id == "easy"
    assert summarise([], {}).recommendation.scenario_id is None


@pytest.mark.parametrize(("prof", "level"), [(None, 1), (10, 1), (60, 2), (90, 3)])
def test_target_difficulty(prof: float | None, level: int) -> None:
    assert progress.target_difficulty(prof) == level

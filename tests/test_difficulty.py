"""Difficulty levels change the engine within each scenario's bounds; the validator checks the bounds; Standard is
the scenario as written, move for move."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from trainer.app.session import result_document, run_script
from trainer.domain.acts import Act, ActKind, TurnAnalysis
from trainer.engine.difficulty import FALSE_DEADLINE, LeveledScenario, level_of, scenario_at, tuning_of
from trainer.engine.policy import MoveKind, limit
from trainer.engine.turn import Engine
from trainer.measure import levels_eval
from trainer.measure.scripts import load_yaml, scripts_for
from trainer.scenarios.levels import Level, default_level, moved_reservation
from trainer.scenarios.loading import (
    ScenarioError,
    load_library,
    parse_scenario,
    parse_yaml_text,
    repo_scenarios_dir,
)
from trainer.voice.phrasebook import draft_line
from trainer.voice.realizer import TemplateRealizer

TEMPLATE = Path(repo_scenarios_dir()) / "_template.yaml"


@pytest.fixture(scope="module")
def library() -> dict:
    return load_library().scenarios


def _template() -> dict[str, Any]:
    return parse_yaml_text(TEMPLATE.read_text(encoding="utf-8"), "template")


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "x.yaml")
    return info.value.messages


def _without_timing(doc: dict[str, Any]) -> dict[str, Any]:
    """The play document without the voice's wall-clock seconds."""
    for turn in doc["turns"]:
        if turn["move"]:
            turn["move"]["voice"].pop("seconds", None)
    return doc


def test_standard_plays_exactly_the_scenario_as_written(library: dict) -> None:
    ab = load_yaml("ab_scripts.yaml")
    for sid in ("carmaker-renewal", "tenant-landlord", "founder-term-sheet"):
        plain = library[sid]
        leveled = scenario_at(plain, "standard")
        for name, lines in scripts_for(plain, ab).items():
            for seed in (0, 3):
                a = _without_timing(result_document(run_script(plain, lines, TemplateRealizer(), seed)))
                b = _without_timing(result_document(run_script(leveled, lines, TemplateRealizer(), seed)))
                assert a == b, (sid, name, seed)


def test_levels_move_the_reservation_and_flexibility_within_the_bounds(library: dict) -> None:
    base = library["carmaker-renewal"]
    easy, hard = scenario_at(base, "introductory"), scenario_at(base, "hard")
    for b, e, h in zip(base.issues, easy.issues, hard.issues, strict=True):
        room = abs(b.counterparty_reservation - b.counterparty_opening)
        assert abs(e.counterparty_reservation - e.counterparty_opening) > room  # more to give at Introductory
        assert abs(h.counterparty_reservation - h.counterparty_opening) < room
        assert e.counterparty_opening == b.counterparty_opening == h.counterparty_opening
    need_b, need_h = base.counterparty.situational_needs[0], hard.counterparty.situational_needs[0]
    for issue_id, share in need_b.flexibility.items():
        assert need_h.flexibility[issue_id] == pytest.approx(share * base.levels.unlock.hard)
    assert tuning_of(hard).patience == base.levels.patience.hard and tuning_of(base).patience == 1
    assert level_of(hard) == Level.hard and level_of(base) == Level.standard


def test_default_level_follows_the_scenarios_difficulty(library: dict) -> None:
    assert default_level(1) == Level.introductory and default_level(3) == Level.hard
    assert scenario_at(library["tenant-landlord"]).level == Level.introductory  # difficulty 1
    assert scenario_at(library["founder-term-sheet"]).level == Level.hard  # difficulty 3
    with pytest.raises(ValueError, match="unknown level 'brutal'"):
        scenario_at(library["tenant-landlord"], "brutal")


def test_relevelling_needs_the_library_copy(library: dict) -> None:
    hard = scenario_at(library["carmaker-renewal"], "hard")
    assert scenario_at(hard, "hard") is hard
    with pytest.raises(ValueError, match="library"):
        scenario_at(hard, "introductory")
    assert isinstance(scenario_at(scenario_at(library["carmaker-renewal"], "standard"), "hard"), LeveledScenario)


def _analysis(text: str, *acts: Act) -> TurnAnalysis:
    return TurnAnalysis(text=text, acts=list(acts))


def test_each_knob_changes_what_the_engine_decides(library: dict) -> None:
    base = library["carmaker-renewal"]
    question = _analysis("What constraints are you under?", Act(kind=ActKind.question_constraints, quote="constraints"))
    trade = _analysis("If you move, we move.", Act(kind=ActKind.conditional_trade, quote="If you move"))
    limits = {}
    for level in ("introductory", "standard", "hard"):
        sc = scenario_at(base, level)
        engine = Engine(sc, seed=1)
        state, _ = engine.open()
        state = engine.step_analysis(state, question).state
        state = engine.step_analysis(state, trade).state
        limits[level] = limit(state, sc, sc.issue("unit_price"))
    assert limits["introductory"] > limits["standard"] > limits["hard"]  # the trainee wants a higher price


def test_mistakes_cost_more_at_hard(library: dict) -> None:
    base = library["carmaker-renewal"]
    urgency = _analysis("We need it signed by the end of the month.", Act(kind=ActKind.disclose_urgency, quote="end of the month"))
    shares = {}
    for level in ("introductory", "standard", "hard"):
        sc = scenario_at(base, level)
        engine = Engine(sc, seed=0)
        state, _ = engine.open()
        before = limit(state, sc, sc.issue("unit_price"))
        state = engine.step_analysis(state, urgency).state
        after = limit(state, sc, sc.issue("unit_price"))
        room = abs(sc.issue("unit_price").counterparty_reservation - sc.issue("unit_price").counterparty_opening)
        shares[level] = (before - after) / room
    assert shares["introductory"] < shares["standard"] < shares["hard"]


def _hold(text: str = "Let me think about it.") -> TurnAnalysis:
    return _analysis(text)


def test_hard_sets_one_false_deadline_and_standard_none(library: dict) -> None:
    for level, expected in (("hard", 1), ("standard", 0), ("introductory", 0)):
        sc = scenario_at(library["carmaker-renewal"], level)
        engine = Engine(sc, seed=0)
        state, _ = engine.open()
        tactics = []
        for _ in range(8):
            step = engine.step_analysis(state, _hold())
            state = step.state
            tactics.append(step.move.tactic)
        assert tactics.count(FALSE_DEADLINE) == expected, (level, tactics)
        if expected:
            first = tactics.index(FALSE_DEADLINE)
            assert first + 1 >= 2  # never on the first turns
            assert state.pressure_used == [FALSE_DEADLINE]


def test_no_false_deadline_once_the_trainee_has_shown_urgency(library: dict) -> None:
    sc = scenario_at(library["carmaker-renewal"], "hard")
    engine = Engine(sc, seed=0)
    state, _ = engine.open()
    urgency = _analysis("We must sign by the end of the month.", Act(kind=ActKind.disclose_urgency, quote="end of the month"))
    state = engine.step_analysis(state, urgency).state
    for _ in range(6):
        step = engine.step_analysis(state, _hold())
        state = step.state
        assert step.move.tactic != FALSE_DEADLINE


def test_the_false_deadline_is_voiced(library: dict) -> None:
    sc = scenario_at(library["carmaker-renewal"], "hard")
    engine = Engine(sc, seed=0)
    state, _ = engine.open()
    while True:
        step = engine.step_analysis(state, _hold())
        state = step.state
        if step.move.tactic == FALSE_DEADLINE:
            break
    assert step.move.kind in (MoveKind.hold, MoveKind.reject)
    assert "until Friday" in draft_line(step.move, state, sc)


# ---------------------------------------------------------------- the validator


def test_the_template_and_library_pass_with_levels(library: dict) -> None:
    from trainer.scenarios.levels import LevelBounds

    scenario = parse_scenario(_template(), "template")
    assert scenario.levels == LevelBounds()  # the template spells out the defaults
    assert scenario.rewind_limit == 3
    assert all(sc.levels.pressure_tactics == [Level.hard] for sc in library.values())


def test_levels_block_is_optional_with_defaults() -> None:
    data = _template()
    data.pop("levels")
    data.pop("rewind_limit")
    scenario = parse_scenario(data, "template")
    assert scenario.levels.reservation_distance.hard == 0.9 and scenario.rewind_limit == 3


def test_a_bound_on_the_wrong_side_of_standard_is_named() -> None:
    data = _template()
    data["levels"]["patience"] = {"introductory": 1.5, "hard": 0.5}
    problems = _problems(data)
    assert any("levels.patience.introductory: must be at most 1" in p for p in problems), problems
    assert any("levels.patience.hard: must be at least 1" in p for p in problems), problems


def test_a_hard_reservation_that_removes_the_zone_is_named() -> None:
    data = _template()
    data["levels"]["reservation_distance"]["hard"] = 0.3
    problems = _problems(data)
    assert any(
        p.startswith("x.yaml: levels.reservation_distance.hard: Hard: issue 'price' has its reservation at")
        and "no deal is possible" in p
        for p in problems
    ), problems


def test_a_level_whose_reservation_the_trainee_can_read_is_named() -> None:
    data = _template()
    # price: opening 42, reservation 50, step 0.5 -> x1.25 puts it at 52, the trainee's own target
    data["levels"]["reservation_distance"]["introductory"] = 1.25
    problems = _problems(data)
    assert any("levels.reservation_distance.introductory" in p and "trainee_target" in p for p in problems), problems


def test_a_hard_level_that_cannot_reach_the_walkaway_is_named() -> None:
    data = _template()
    data["levels"]["unlock"]["hard"] = 0.3
    problems = _problems(data)
    assert any(p.startswith("x.yaml: levels.unlock.hard: Hard: hidden items unlock only") for p in problems), problems


def test_out_of_range_and_unknown_level_keys_fail_cleanly() -> None:
    data = copy.deepcopy(_template())
    data["levels"]["unlock"]["hard"] = 0
    data["levels"]["pressure_tactics"] = ["brutal"]
    data["levels"]["mood"] = 1
    problems = _problems(data)
    assert any("levels.unlock.hard" in p for p in problems)
    assert any("levels.pressure_tactics[0]" in p for p in problems)
    assert any("levels.mood: unknown key" in p for p in problems)


def test_moved_reservation_is_on_a_quarter_step_grid() -> None:
    assert moved_reservation(42, 50, 0.5, 1.0) == 50
    assert moved_reservation(42, 50, 0.5, 0.9) == 49.25  # 42 + 7.2 = 49.2 -> nearest 0.125
    assert moved_reservation(120, 60, 15, 1.1) == 52.5  # 54 -> nearest 3.75


# ---------------------------------------------------------------- measured


def test_relations_hold_and_ground_conceded_grows_with_the_level(library: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reduced sample of `trainer eval levels` (one seed): no relation violated at any level, and the fixed
    baseline script concedes more ground at each harder level in every scenario."""
    monkeypatch.setattr(levels_eval, "SEEDS", (1,))
    report = levels_eval.run_levels(library)
    for level in ("introductory", "standard", "hard"):
        assert report["relations"][level]["violations"] == [], level
        assert report["relations"][level]["pairs"] == 7 * len(library)
    assert report["levels_ordered"], report["ground_conceded"]
    assert report["passed"]

"""Metamorphic exploitation relations on a reduced sample (the full run is `trainer eval counterparty`).

30 base scripts x 10 scenarios x 10 relations = 3,000 pairs. Figures measured on this sample when the tests were
written (engine of commit 52362c3): violations 1.07% (32, of which 28 with the line read as its act), strict
effect 68.4%, read as intended 99.2%; every violation but the misread ones disappears when the engine's per-turn
jitter is held at 1.0 (an inserted line shifts the turn number that seeds the jitter).
"""

from __future__ import annotations

import pytest

import trainer.engine.policy as policy
from trainer.app.session import run_script
from trainer.engine.outcome import room_captured
from trainer.measure import metamorphic as mm
from trainer.measure.counterparty import print_report, run_all, verdict
from trainer.scenarios.loading import load_library
from trainer.voice.realizer import TemplateRealizer

N = 30
READ_FLOOR = 0.95

pytestmark = pytest.mark.slow  # about 30 s of play on one core


@pytest.fixture(scope="module")
def library():
    lib = load_library()
    assert lib.scenarios, lib.errors
    return lib.scenarios


@pytest.fixture(scope="module")
def scripts(library):
    return mm.build_scripts(N, 0, library.values())


@pytest.fixture(scope="module")
def report(library):
    return mm.run_metamorphic(N, scenarios=library, progress=None, keep_pairs=True)


def test_generator_is_seeded_sized_and_varied(library, scripts) -> None:
    assert len(scripts) == N
    assert mm.build_scripts(N, 0, library.values()) == scripts
    assert mm.build_scripts(N, 1, library.values()) != scripts
    assert len({s.lines for s in scripts}) == N
    assert all(mm.MIN_LINES <= len(s.lines) <= mm.MAX_LINES for s in scripts)
    assert {s.kind for s in scripts} == {"transcript", "mix", "shuffle"}
    neutral = set(mm.spec()["neutral_lines"])
    assert all(any(ln in neutral for ln in s.lines) for s in scripts)  # every script names the scenario's issues
    assert all(any(ln not in neutral for ln in s.lines) for s in scripts)  # and carries gold material


def test_base_lines_carry_none_of_the_tested_mistakes(library, scripts) -> None:
    pool = set(mm.neutral_gold_lines(library.values()))
    neutral = set(mm.spec()["neutral_lines"])
    assert len(pool) > 300
    for script in scripts:
        assert all(ln in pool or ln in neutral for ln in script.lines)
        for sc in library.values():
            for line in script.lines:
                assert mm.neutral_problem(mm.fill(line, sc), sc, offers=line in neutral) is None, (sc.id, line)


def test_base_scripts_rarely_commit_a_tested_mistake_in_play(report) -> None:
    """Base lines are filtered in the counterparty's usual contexts; in play its question can still turn a neutral
    gold line into an answer that reads as a mistake (one script of 30 here). Such base games stay in (the pair
    still compares the same game with and without the line) and are counted in the report."""
    games = report["scripts"] * report["scenarios"]
    assert report["base_with_mistakes"] <= 0.05 * games, report["base_with_mistakes"]


def test_insertions_vary_and_include_the_first_and_last_slots(scripts) -> None:
    plans = [mm.plan_insertions(s) for s in scripts]
    positions = {ins.position for plan in plans for ins in plan}
    assert 0 in positions and len(positions) >= 5
    assert any(ins.position == len(s.lines) - 1 for s, plan in zip(scripts, plans, strict=True) for ins in plan)
    assert all(0 <= ins.position < len(s.lines) for s, plan in zip(scripts, plans, strict=True) for ins in plan)
    lines = {ins.line for plan in plans for ins in plan}
    assert len(lines) >= 30  # several wordings per relation


def test_relation_lines_are_filled_and_shaped(library) -> None:
    rels = mm.spec()["relations"]
    assert len(rels) == 10 and all(len(r["lines"]) >= 5 for r in rels.values())
    assert sum(r["kind"] == "mistake" for r in rels.values()) == 5
    for sc in library.values():
        slots = mm.meta_slots(sc)
        for rel in rels.values():
            assert not any("{" in mm.fill(ln, sc) for ln in rel["lines"])
        for line in rels["conditional_trade"]["lines"]:  # if-you-then-we on two issues
            assert "{main_label}" in line and "{second_label}" in line
        for line in rels["unprompted_concession"]["lines"]:  # a value between target and walk-away
            assert "{main_soft}" in line or "{second_mid}" in line
        assert slots["main_soft"] != slots["main_target"]


def test_fast_loop_plays_the_same_game_as_the_session(library, scripts) -> None:
    for sc in list(library.values())[:3]:
        for script in scripts[:3]:
            lines = [mm.fill(x, sc) for x in script.lines]
            player = mm.Player(sc)
            state, previous = player.open(player.engine(script.seed))
            snaps, _ = player.play_from(player.engine(script.seed), state, previous, lines)
            session = run_script(sc, lines, TemplateRealizer(), script.seed)
            assert snaps[-1][0] == session.state
            assert room_captured(snaps[-1][0], sc) == room_captured(session.state, sc)


def test_every_relation_has_pairs_in_every_scenario(report) -> None:
    assert report["pairs"] == N * 10 * 10
    for rel, row in report["by_relation"].items():
        assert row["pairs"] == N * 10, rel
    for sid, row in report["by_scenario"].items():
        assert row["pairs"] == N * 10, sid


def test_lines_are_read_as_their_act(report) -> None:
    assert report["read_rate"] >= READ_FLOOR, report["by_relation"]
    for rel, row in report["by_relation"].items():
        assert row["read_rate"] >= 0.9, (rel, row)


def _violations(report) -> str:
    return "\n\n".join(mm.format_violation(v) for v in report["violation_list"])


def test_violations_within_the_target(report) -> None:
    assert report["violation_rate"] <= mm.VIOLATION_MAX, _violations(report)


def test_no_violation_of_a_line_read_as_its_act_without_the_jitter(library, monkeypatch) -> None:
    """With the counterparty's bounded randomness held still, no line read as its act breaks its relation."""
    if not hasattr(policy, "JITTER"):
        pytest.skip("the engine no longer has a JITTER range")
    monkeypatch.setattr(policy, "JITTER", (1.0, 1.0))
    still = mm.run_metamorphic(N, scenarios=library, progress=None)
    read_violations = [v for v in still["violation_list"] if v["read"]]
    assert not read_violations, "\n\n".join(mm.format_violation(v) for v in read_violations)


def test_strict_effect_as_measured(report) -> None:
    assert report["strict_rate"] >= mm.STRICT_MIN, report["by_relation"]
    good = [r for r, row in mm.spec()["relations"].items() if row["kind"] == "good"]
    for rel in ("challenge_alternative", "objective_standard", "conditional_trade"):
        assert rel in good and report["by_relation"][rel]["strict_rate"] >= 0.9, report["by_relation"][rel]


def test_report_prints_every_violation_with_its_scripts(report) -> None:
    text = mm.print_metamorphic(report)
    assert "urgency" in text and "conditional_trade" in text and "total" in text
    for v in report["violation_list"]:
        assert f"(script {v['script']}, inserted at line {v['position']})" in text
        assert all(line in text for line in v["variant"])
    assert mm.metamorphic_verdict(report) is (
        report["violation_rate"] <= mm.VIOLATION_MAX and report["strict_rate"] >= mm.STRICT_MIN
    )


def test_eval_counterparty_includes_the_metamorphic_part(library) -> None:
    one = {"carmaker-renewal": library["carmaker-renewal"]}
    result = run_all(scenarios=one, metamorphic_scripts=3)
    part = result["metamorphic"]
    assert part["scripts"] == 3 and part["pairs"] == 30
    assert "Metamorphic relations" in print_report(result)
    assert verdict(result) is (result["ab_ok"] and part["passed"] and result["injection"]["template"]["leaks"] == 0)
    assert "metamorphic" not in run_all(scenarios=one, metamorphic_scripts=0)

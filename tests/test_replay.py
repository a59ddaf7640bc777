"""The price of each mistake: replaying a session with the better line in place, and `trainer eval replay`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trainer.app.practice import evaluate_lines
from trainer.app.replay import ALL, compare, is_omission, merged, price_of, price_of_all, prices, target_turn
from trainer.app.session import Line, run_script
from trainer.cli import app
from trainer.commands import learn
from trainer.domain.report import Evidence, MistakeFinding
from trainer.measure import replay_eval
from trainer.scenarios.loading import Library, load_library
from trainer.voice.realizer import TemplateRealizer

URGENT = "We need this signed by the end of the month, our production plan depends on it."


@pytest.fixture(scope="module")
def carmaker():
    return load_library().scenarios["carmaker-renewal"]


def _game(scenario, lines: list[str], seed: int = 0):
    return run_script(scenario, lines, TemplateRealizer(), seed)


def test_replaying_nothing_changes_nothing(carmaker) -> None:
    game = _game(carmaker, ["What constraints are you working under on timing?", URGENT, "OK, we accept."])
    price = compare(carmaker, 0, game.lines, {}, "Unchanged")
    assert price.verdict == "same" and price.changes == [] and price.diverged_at is None


def test_an_urgency_finding_is_priced_in_the_scenarios_units(carmaker) -> None:
    game = _game(carmaker, [
        "Before numbers: who else on your side is involved in choosing the supplier?",
        URGENT,
        "If you can agree unit price at EUR 205 per unit, we can accept payment terms at 90 days.",
        "What constraints are you working under on timing for phase two?",
    ])  # fmt: skip
    report = evaluate_lines(game.lines, carmaker)
    finding = next(m for m in report.mistakes if m.id == "urgency_signal")
    assert finding.detected and target_turn(finding, game.lines) == 3
    price = price_of(finding, game.lines, carmaker, 0)
    assert price.verdict == "saves", price.summary
    assert price.summary.startswith("Without this line: ")
    first = price.changes[0]
    assert first.gain > 0 and " instead of " in first.text and "in your favour" in first.text
    assert "EUR" in price.summary  # the scenario's own unit


def test_an_acceptance_of_worse_terms_stops_the_replay_at_its_turn(carmaker) -> None:
    game = _game(carmaker, ["What constraints are you working under on the launch timeline?", "OK, we accept."])
    worse = Line("trainee", URGENT)  # the replay gets nothing for this line, so their terms are worse when accepted
    price = compare(carmaker, 0, game.lines, {1: worse}, "With this line")
    assert price.diverged_at == 3 and price.basis == "at_divergence"
    assert price.reason and price.reason.startswith("you accepted")
    assert "stops being meaningful at turn 4" in price.summary
    assert price.verdict == "costs"


def test_an_offer_below_what_the_replay_already_gives_stops_the_replay(carmaker) -> None:
    game = _game(carmaker, ["Our proposal is unit price at EUR 200 per unit.",
                            "We can come down to unit price at EUR 183 per unit.", "OK, we accept."])  # fmt: skip
    better = Line("trainee", "What constraints are you working under on timing for phase two? If you can agree unit "
                  "price at EUR 200 per unit, we can accept payment terms at 90 days.")  # fmt: skip
    price = compare(carmaker, 0, game.lines, {1: better}, "Without this line")
    assert price.diverged_at == 3, price
    assert "you offered unit price at EUR 183 per unit" in (price.reason or "")
    assert price.verdict == "saves"


def test_a_deal_that_closes_earlier_leaves_later_lines_unsaid(carmaker) -> None:
    game = _game(carmaker, ["What matters most to you?", "Hmm.", "Hmm, let me think."])
    proposal = Line("trainee", "I propose unit price at EUR 178 per unit, annual price-down at 3%, payment terms at "
                    "120 days and recall liability cap at EUR 40 million. Deal?")  # fmt: skip
    price = compare(carmaker, 0, game.lines, {1: proposal}, "With this line")
    assert price.closed_at == 2 and price.diverged_at is None
    assert "closes at turn 3" in price.summary


def _finding(mid: str, turns: list[int], quote_turn: int, lines: list[Line], advice: str = "A better line.") -> MistakeFinding:
    quoted = lines[quote_turn].text
    return MistakeFinding(id=mid, title=mid, detected=True, severity=2, score=45,
                          evidence=[Evidence(turn=t, quote=lines[t].text) for t in turns],
                          explanation=f"'{quoted}' treats their size as decisive.", advice=advice)  # fmt: skip


def test_the_line_replaced_is_the_one_the_explanation_quotes(carmaker) -> None:
    lines = [Line("counterparty", "Open."), Line("trainee", "Fine, 190 then."), Line("counterparty", "Noted."),
             Line("trainee", "You're far bigger, so we'll go with whatever you think is fair."),
             Line("counterparty", "Good.")]  # fmt: skip
    finding = _finding("power_vs_leverage", [1, 3], 3, lines)
    assert target_turn(finding, lines) == 3  # the deference the rewrite answers, not the first evidence
    assert target_turn(finding.model_copy(update={"detected": False}), lines) is None
    on_their_line = _finding("power_vs_leverage", [2], 2, lines)
    assert target_turn(on_their_line, lines) is None


def test_an_omission_is_replayed_with_the_question_before_the_original_line(carmaker) -> None:
    assert is_omission("unified_actor") and not is_omission("urgency_signal")
    game = _game(carmaker, ["Our proposal is unit price at EUR 205 per unit.", "We can go to EUR 200 per unit.",
                            "Let's keep going: EUR 198 per unit.", "OK, we accept."])  # fmt: skip
    report = evaluate_lines(game.lines, carmaker)
    finding = next(m for m in report.mistakes if m.id == "unified_actor")
    assert finding.detected
    turn = target_turn(finding, game.lines)
    price = price_of(finding, game.lines, carmaker, 0)
    assert price.replaced == [turn]
    assert price.verdict in ("saves", "same")
    from trainer.app.replay import better_line

    said = better_line(finding, game.lines[turn], carmaker).text
    assert said.startswith(finding.advice.strip()) and said.endswith(game.lines[turn].text)


def test_two_better_lines_for_one_turn_merge_without_repeats() -> None:
    a = Line("trainee", "Let's take the time the terms need. The quality annex is fine. Which part is hardest?")
    b = Line("trainee", "We're here because this deal can work. The quality annex is fine. What would you need?")
    text = merged(a, b).text
    assert text.count("The quality annex is fine.") == 1
    assert text.startswith("Let's take the time") and text.endswith("What would you need?")


def test_prices_cover_every_detected_finding_and_all_lines(carmaker) -> None:
    game = _game(carmaker, [
        "Sure, send over your draft and we'll follow your agenda.",
        URGENT,
        "If this falls through, our only fallback is agriculture customers, and that would be a poor option.",
        "If you can agree unit price at EUR 205 per unit, we can accept payment terms at 90 days.",
    ])  # fmt: skip
    report = evaluate_lines(game.lines, carmaker)
    found = prices(report, game.lines, carmaker, 0)
    detected = {m.id for m in report.mistakes if m.detected}
    assert set(found) == detected | {ALL}
    every = price_of_all(report, game.lines, carmaker, 0)
    assert every.summary.startswith("With every better line")
    assert len(every.replaced) >= 3 and every.verdict == "saves"
    assert every.net >= max(p.net for k, p in found.items() if k != ALL) - 1e-9


def test_a_finding_without_a_replay_says_why(carmaker) -> None:
    game = _game(carmaker, ["What matters most to you?"])
    report = evaluate_lines(game.lines, carmaker)
    clean = next(m for m in report.mistakes if m.id == "urgency_signal")
    assert price_of(clean, game.lines, carmaker, 0).summary == "No replay: this mistake was not made."
    pending = [*game.lines, Line("trainee", URGENT)]  # the last line was never answered
    finding = _finding("urgency_signal", [len(pending) - 1], len(pending) - 1, pending)
    assert price_of(finding, pending, carmaker, 0).reason == "the counterparty never answered that line"


def test_eval_replay_rates_and_json(monkeypatch: pytest.MonkeyPatch, carmaker) -> None:
    """A reduced `trainer eval replay` (one scenario, one seed, scripted sessions): fractions per mistake and
    overall, and the --json shape the issue asks for."""
    monkeypatch.setattr(replay_eval, "SEEDS", (0,))
    monkeypatch.setattr(learn, "load_library", lambda: Library(scenarios={"carmaker-renewal": carmaker}))
    result = CliRunner().invoke(app, ["eval", "replay", "--json", "--scripted-only"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert {"saves", "same", "costs"} <= set(overall)
    assert overall["saves"] + overall["same"] + overall["costs"] == pytest.approx(1.0, abs=1e-3)
    assert overall["cases"] > 0 and overall["costs"] <= 0.05
    assert set(report["per_mistake"]) <= {"power_vs_leverage", "urgency_signal", "weak_alternative",
                                          "unified_actor", "process_concession"}  # fmt: skip
    assert "carmaker-renewal" in report["per_scenario"]
    text = CliRunner().invoke(app, ["eval", "replay", "--scripted-only"]).stdout
    assert "per mistake" in text and "never costs ground in" in text

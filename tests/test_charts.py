"""Debrief charts: the data behind the scorecard and the conceded-beyond-necessity chart."""

from __future__ import annotations

from trainer.app import charts
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import MistakeFinding, Report
from trainer.engine.outcome import compute_outcome
from trainer.engine.turn import Engine
from trainer.scenarios.loading import load_library


def test_scorecard_rows_and_chart_spec() -> None:
    report = Report(
        mistakes=[MistakeFinding(id=m, title=t, detected=m == "unified_actor", severity=3 if m == "unified_actor" else 0,
                                 score=20 if m == "unified_actor" else 90, explanation="e", advice="a")
                  for m, t in MISTAKE_TITLES.items()],
        overall_score=76,
    )  # fmt: skip
    rows = charts.scorecard_rows(report)
    assert [r["mistake"] for r in rows] == list(MISTAKE_TITLES.values())
    assert next(r for r in rows if r["score"] == 20)["severity"] == "severe"
    assert charts.scorecard_chart(report).to_dict()["layer"]


def test_concession_rows_place_their_limit_at_100() -> None:
    scenario = load_library().scenarios["carmaker-renewal"]
    state, _ = Engine(scenario, 1).open()
    outcome = compute_outcome(state, scenario)
    rows = charts.concession_rows(outcome, scenario)
    price = next(r for r in rows if r["issue"] == "Unit price")
    assert price["result_pct"] == 0.0  # nothing moved: their opening
    assert price["limit_pct"] == 100.0 and price["their real limit"] == "EUR 205 per unit"
    assert price["target_pct"] > 100  # the target sits beyond what they would ever give
    assert charts.concession_chart(outcome, scenario).to_dict()["layer"]

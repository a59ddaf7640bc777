"""Altair charts for the debrief: the five-mistake scorecard and the ground conceded beyond necessity."""

from __future__ import annotations

from typing import Any

import altair as alt

from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.engine.outcome import Outcome
from trainer.engine.terms import format_value
from trainer.scenarios.schema import Issue, Scenario

SEVERITY_COLOURS = {0: "#2e7d32", 1: "#f9a825", 2: "#ef6c00", 3: "#c62828"}
SEVERITY_LABELS = {0: "handled well", 1: "minor", 2: "serious", 3: "severe"}


def scorecard_rows(report: Report) -> list[dict[str, Any]]:
    """One row per mistake: title, score, severity (what the chart plots)."""
    return [
        {
            "mistake": MISTAKE_TITLES.get(m.id, m.title),
            "score": m.score,
            "severity": SEVERITY_LABELS.get(m.severity if m.detected else 0, "minor"),
            "evidence lines": len(m.evidence),
        }
        for m in report.mistakes
    ]


def scorecard_chart(report: Report) -> alt.Chart:
    """Horizontal bars, 100 = handled well, coloured by severity (readable at a glance on a laptop)."""
    domain = [SEVERITY_LABELS[k] for k in sorted(SEVERITY_LABELS)]
    colours = [SEVERITY_COLOURS[k] for k in sorted(SEVERITY_COLOURS)]
    base = alt.Chart(alt.Data(values=scorecard_rows(report)))
    bars = base.mark_bar(cornerRadiusEnd=3, height=22).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Score (100 = handled well)"),
        y=alt.Y("mistake:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("severity:N", scale=alt.Scale(domain=domain, range=colours), legend=alt.Legend(orient="bottom")),
        tooltip=["mistake:N", "score:Q", "severity:N", "evidence lines:Q"],
    )
    labels = base.mark_text(align="left", dx=4).encode(
        x="score:Q", y=alt.Y("mistake:N", sort=None), text="score:Q"
    )
    return (bars + labels).properties(height=alt.Step(34))


def concession_rows(outcome: Outcome, scenario: Scenario) -> list[dict[str, Any]]:
    """Per issue, positions on one scale: 0% = their opening, 100% = where they would actually have gone."""
    rows = []
    for o in outcome.issues:
        issue = scenario.issue(o.issue_id)
        room = issue.counterparty_reservation - issue.counterparty_opening

        def pct(value: float, issue: Issue = issue, room: float = room) -> float:
            return 0.0 if abs(room) < 1e-12 else round(100 * (value - issue.counterparty_opening) / room, 1)

        rows.append(
            {
                "issue": o.label,
                "result_pct": pct(o.final),
                "limit_pct": 100.0,
                "walkaway_pct": pct(issue.trainee_walkaway),
                "target_pct": pct(issue.trainee_target),
                "result": format_value(issue, o.final),
                "their opening": format_value(issue, issue.counterparty_opening),
                "their real limit": format_value(issue, issue.counterparty_reservation),
                "your walk-away": format_value(issue, issue.trainee_walkaway),
                "your target": format_value(issue, issue.trainee_target),
                "conceded beyond necessity": ("not scored: no number proposed" if o.conceded_beyond_necessity is None
                                              else f"{round(o.conceded_beyond_necessity * 100)}%"),
            }
        )
    return rows


def concession_chart(outcome: Outcome, scenario: Scenario) -> alt.LayerChart:
    """Bars from their opening to your result; the red gap up to their real limit is what you left behind."""
    rows = concession_rows(outcome, scenario)
    tooltip = ["issue:N", "result:N", "their opening:N", "their real limit:N", "your walk-away:N", "your target:N",
               "conceded beyond necessity:N"]  # fmt: skip
    base = alt.Chart(alt.Data(values=rows)).encode(y=alt.Y("issue:N", sort=None, title=None))
    scale = alt.Scale(domain=[min([0] + [min(r["walkaway_pct"], r["result_pct"]) for r in rows]) - 5,
                              max([100] + [r["target_pct"] for r in rows]) + 10], nice=False)  # fmt: skip
    x_title = "0% = their opening · 100% = where they would actually have gone"
    left = base.mark_bar(color="#ef9a9a", height=18).encode(
        x=alt.X("result_pct:Q", scale=scale, title=x_title), x2="limit_pct:Q", tooltip=tooltip
    )
    got = base.mark_bar(color="#1565c0", height=18).encode(x=alt.X("result_pct:Q", scale=scale), x2=alt.datum(0), tooltip=tooltip)
    walk = base.mark_tick(color="#212121", thickness=3, size=30).encode(x="walkaway_pct:Q", tooltip=tooltip)
    target = base.mark_point(shape="diamond", color="#2e7d32", filled=True, size=120).encode(
        x="target_pct:Q", tooltip=tooltip
    )
    return alt.layer(left, got, walk, target).properties(height=alt.Step(40))

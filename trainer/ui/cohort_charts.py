"""Altair charts for the progress and cohort pages (data in, chart out; no Streamlit, no database)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable

import altair as alt

from trainer.instructor.calibration import PeriodAgreement
from trainer.instructor.dashboard import HeatCell, ScoreStats
from trainer.instructor.progress import MistakeProgress

SCORE_SCALE = alt.Scale(domain=[0, 50, 100], range=["#c62828", "#f9a825", "#2e7d32"])


def heatmap_chart(cells: Iterable[HeatCell]) -> alt.LayerChart:
    """Trainees (rows) × mistakes (columns), coloured by proficiency; grey where nothing is evaluated yet.

    Rows are sized per trainee (`alt.Step`): a fixed chart height is the *whole* chart in Streamlit, so the
    rotated axis labels squeezed the cells to nothing. Unevaluated cells are a grey layer underneath, because
    Vega-Lite drops rows whose colour field is null (the grey cells and their column used to vanish).
    """
    rows = [
        {"trainee": c.trainee, "mistake": c.mistake, "proficiency": c.proficiency, "sessions": c.sessions}
        for c in cells
    ]
    mistakes = list(dict.fromkeys(r["mistake"] for r in rows))
    x_axis = alt.Axis(labelAngle=0, labelAlign="center", labelLimit=0, labelOverlap=False, labelPadding=6,
                      labelExpr=_wrapped_labels(mistakes))  # fmt: skip
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("mistake:N", sort=None, title=None, axis=x_axis),
        y=alt.Y("trainee:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
    )
    evaluated = "isValid(datum.proficiency)"
    grey = base.mark_rect(stroke="white", color="#e0e0e0").encode(
        tooltip=["trainee:N", "mistake:N", "sessions:Q"]
    )
    rects = base.mark_rect(stroke="white").encode(
        color=alt.Color("proficiency:Q", scale=SCORE_SCALE, title="Proficiency",
                        legend=alt.Legend(orient="top", direction="horizontal", gradientLength=160)),
        tooltip=["trainee:N", "mistake:N", "proficiency:Q", "sessions:Q"],
    ).transform_filter(evaluated)  # fmt: skip
    labels = base.mark_text(fontSize=12).encode(text=alt.Text("proficiency:Q", format=".0f"))
    return (grey + rects + labels.transform_filter(evaluated)).properties(height=alt.Step(36))


def _wrapped_labels(titles: list[str], width: int = 22) -> str:
    """A Vega label expression that shows each long mistake title on two or three short lines."""
    expr = "datum.label"
    for title in titles:
        expr = f"datum.label === {json.dumps(title)} ? {json.dumps(textwrap.wrap(title, width))} : ({expr})"
    return expr


def distribution_chart(stats: Iterable[ScoreStats]) -> alt.Chart:
    """One dot per evaluated session, per scenario (by title), on the 0-100 overall score."""
    rows = [{"scenario": s.title, "score": score} for s in stats for score in s.scores]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_tick(thickness=3, size=22)
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Overall score"),
            y=alt.Y("scenario:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("score:Q", scale=SCORE_SCALE, legend=None),
            tooltip=["scenario:N", "score:Q"],
        )
    )


def trend_chart(mistakes: Iterable[MistakeProgress]) -> alt.Chart:
    """Per-mistake score per session (points) and the recency-weighted proficiency (line)."""
    rows = [
        {"session": n + 1, "mistake": m.title, "score": p.score, "proficiency": p.proficiency,
         "scenario": p.scenario_id, "date": p.when.strftime("%Y-%m-%d")}
        for m in mistakes
        for n, p in enumerate(m.trend)
    ]  # fmt: skip
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("session:O", title="Evaluated session"),
        color=alt.Color("mistake:N", legend=alt.Legend(orient="bottom", columns=2, labelLimit=300)),
    )
    line = base.mark_line().encode(y=alt.Y("proficiency:Q", scale=alt.Scale(domain=[0, 100]), title="Score"))
    dots = base.mark_circle(size=50, opacity=0.5).encode(
        y="score:Q", tooltip=["mistake:N", "score:Q", "proficiency:Q", "scenario:N", "date:N"]
    )
    return line + dots


def agreement_chart(rows: Iterable[PeriodAgreement]) -> alt.Chart:
    """Raw agreement between instructor and grader per mistake, month by month (kappa in the tooltip)."""
    data = [
        {"month": r.period, "mistake": r.title, "agreement": r.agreement, "kappa": r.kappa, "reviewed": r.pairs}
        for r in rows
    ]
    return (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title="Month of review"),
            y=alt.Y("agreement:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title="Agreement"),
            color=alt.Color("mistake:N", legend=alt.Legend(orient="bottom", columns=2, labelLimit=300)),
            tooltip=["mistake:N", "month:O", alt.Tooltip("agreement:Q", format=".0%"),
                     alt.Tooltip("kappa:Q", format=".2f"), "reviewed:Q"],
        )
    )  # fmt: skip

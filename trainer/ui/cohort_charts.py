"""Altair charts for the progress and cohort pages (data in, chart out; no Streamlit, no database)."""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt

from trainer.dashboard import HeatCell, ScoreStats
from trainer.progress import MistakeProgress

SCORE_SCALE = alt.Scale(domain=[0, 50, 100], range=["#c62828", "#f9a825", "#2e7d32"])


def heatmap_chart(cells: Iterable[HeatCell]) -> alt.LayerChart:
    """Trainees (rows) × mistakes (columns), coloured by proficiency; grey where nothing is evaluated yet."""
    rows = [
        {"trainee": c.trainee, "mistake": c.mistake, "proficiency": c.proficiency, "sessions": c.sessions}
        for c in cells
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("mistake:N", sort=None, title=None, axis=alt.Axis(labelAngle=-20, labelLimit=220)),
        y=alt.Y("trainee:N", sort=None, title=None),
    )
    rects = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.proficiency === null",
            alt.value("#e0e0e0"),
            alt.Color("proficiency:Q", scale=SCORE_SCALE, title="Proficiency"),
        ),
        tooltip=["trainee:N", "mistake:N", "proficiency:Q", "sessions:Q"],
    )
    labels = base.mark_text(fontSize=12).encode(text=alt.Text("proficiency:Q", format=".0f"))
    return (rects + labels).properties(height=max(120, 28 * len({r["trainee"] for r in rows})))


def distribution_chart(stats: Iterable[ScoreStats]) -> alt.Chart:
    """One dot per evaluated session, per scenario, on the 0-100 overall score."""
    rows = [{"scenario": s.scenario_id, "score": score} for s in stats for score in s.scores]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_tick(thickness=3, size=22)
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Overall score"),
            y=alt.Y("scenario:N", title=None),
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

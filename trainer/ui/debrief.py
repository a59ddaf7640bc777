"""Debrief page: scorecard with evidence, outcome, hidden information, strengths, next steps, downloads."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from trainer.app import charts, export
from trainer.app import practice as svc
from trainer.coaching.coach import CoachingPoint
from trainer.coaching.knowledge import article_title
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Evidence, MistakeFinding, Report
from trainer.engine.outcome import Outcome, conceded_sentence
from trainer.scenarios.schema import Scenario
from trainer.ui import components as ui
from trainer.ui import learning
from trainer.ui.context import Ctx, knowledge_index
from trainer.ui.keys import BRIEFING, DEBRIEF_ID, FOCUS_FILTER

log = logging.getLogger(__name__)

CACHE_PREFIX = "debrief:"
HEADLINE_HELP = ("The value the deal captured (against your walk-away and against what they would really have given) "
                 "plus the five mistakes. A deal below your walk-away always scores below walking away.")
SEVERITY = {
    0: ":green[:material/check_circle: handled well]",
    1: ":orange[:material/error: minor]",
    2: ":orange[:material/warning: serious]",
    3: ":red[:material/report: severe]",
}


def render(ctx: Ctx) -> None:
    """Show the debrief of the session named in session_state or `?session=` (owner only)."""
    session_id = st.session_state.get(DEBRIEF_ID) or st.query_params.get("session")
    if not session_id:
        _empty_state(ctx)
        return
    st.query_params["session"] = session_id
    debrief = _load(ctx, session_id)
    if debrief is None:
        st.session_state.pop(DEBRIEF_ID, None)
        st.warning("That debrief isn't available in this browser. Here are your own sessions.")
        _empty_state(ctx)
        return
    st.title(f"Debrief: {ui.escape_md(debrief.scenario.title)}")
    _report(ctx, debrief)


def _load(ctx: Ctx, session_id: str) -> svc.Debrief | None:
    """Evaluate once per browser session (the store keeps the report; reruns reuse it)."""
    key = CACHE_PREFIX + session_id
    if key not in st.session_state:
        index = knowledge_index(ctx)
        try:
            with st.spinner("Scoring your session against the five mistakes…"):
                st.session_state[key] = svc.debrief_for(
                    ctx.store, ctx.scenarios, session_id, ctx.trainee_id, index=index
                )
        except Exception:  # noqa: BLE001
            log.exception("debrief failed for %s", session_id)
            st.error("The debrief could not be computed. Reload the page to try again; your transcript is saved.")
            return None
    return st.session_state[key]


def _empty_state(ctx: Ctx) -> None:
    """No session chosen: list the trainee's ended sessions, or point to Practice."""
    st.title("Debrief")
    sessions = [s for s in ctx.store.list_sessions(ctx.trainee_id) if s.status != svc.ACTIVE]
    if not sessions:
        st.info("No debriefs yet. Finish a practice session (or evaluate a real conversation) to see one here.")
        if "practice" in ctx.pages and st.button("Start practising", type="primary"):
            ctx.go("practice")
        return
    names = {s.id: ctx.scenarios[s.scenario_id].title if s.scenario_id in ctx.scenarios else s.scenario_id
             for s in sessions}  # fmt: skip
    choice = st.selectbox(
        "Open a past session",
        options=[s.id for s in sessions],
        format_func=lambda sid: f"{names[sid]} · {next(s.created_at for s in sessions if s.id == sid):%d %b %H:%M}",
    )
    if st.button("Open debrief", type="primary"):
        st.session_state[DEBRIEF_ID] = choice
        st.rerun()


# ---------------------------------------------------------------- the report


def _report(ctx: Ctx, debrief: svc.Debrief) -> None:
    """The whole debrief body: headline figures, then scorecard, outcome, transcript and next steps."""
    report, outcome, scenario = debrief.report, debrief.outcome, debrief.scenario
    view = svc.outcome_view(outcome, scenario, debrief.hidden)
    c1, c2, c3 = st.columns(3)
    head = debrief.headline
    c1.metric("Overall score", f"{report.overall_score}/100", help=HEADLINE_HELP)
    c2.metric("Value captured", f"{round(outcome.trainee_utility * 100)}%", help="From your walk-away (0%) to your target (100%).")
    conceded = outcome.conceded_beyond_necessity
    c3.metric("Conceded beyond necessity", "not scored" if conceded is None else f"{round(conceded * 100)}%",
              help=conceded_sentence(outcome))  # fmt: skip
    if head is not None:
        (st.warning if head.basis == "deal_below_walkaway" else st.caption)(ui.escape_md(head.summary))
    st.caption(ui.escape_md("Conceded beyond necessity: " + conceded_sentence(outcome)))
    coaching = debrief.coaching
    if coaching is not None:
        st.info(ui.escape_md(coaching.headline), icon=":material/school:")
    prices = learning.debrief_prices(ctx, debrief)
    learning.all_lines_price(prices)
    tabs = st.tabs(["Scorecard", "Outcome", "Transcript", "Next steps & downloads", "Branches & plan"])
    points = {p.mistake: p for p in coaching.points} if coaching is not None else {}
    with tabs[0]:
        scorecard(report, debrief.lines, points, learning.finding_extras(ctx, debrief, prices))
        strengths(report)
    with tabs[1]:
        _outcome(view, outcome, scenario, debrief.hidden)
    with tabs[2]:
        _transcript(debrief, report)
    with tabs[3]:
        _next_steps(ctx, debrief)
        _downloads(debrief, view)
    with tabs[4]:
        learning.branches_and_plan(ctx, debrief)


def scorecard(
    report: Report, lines: list[svc.Line], points: dict[str, CoachingPoint] | None = None,
    extra: Callable[[MistakeFinding], None] | None = None,
) -> None:
    """Chart plus one card per mistake, worst first; `extra` adds to each detected card (the replayed price)."""
    st.altair_chart(charts.scorecard_chart(report), width="stretch")
    ordered = sorted(report.mistakes, key=lambda m: (not m.detected, -m.severity, m.score))
    for m in ordered:
        _mistake_card(m, lines, (points or {}).get(m.id), extra)


def _mistake_card(
    m: MistakeFinding, lines: list[svc.Line], point: CoachingPoint | None = None,
    extra: Callable[[MistakeFinding], None] | None = None,
) -> None:
    """Severity, the offending lines highlighted in context, the better line, cited notes."""
    with st.container(border=True):
        head, score = st.columns([4, 1])
        head.markdown(f"**{ui.escape_md(MISTAKE_TITLES.get(m.id, m.title))}**  \n"
                      f"{SEVERITY[m.severity if m.detected else 0]}")  # fmt: skip
        score.metric("Score", m.score, label_visibility="collapsed")
        st.markdown(ui.escape_md(m.explanation))
        if point is not None and m.detected:
            st.caption("Why it matters: " + ui.escape_md(point.why_it_matters))
        for e in m.evidence:
            _evidence_line(e, lines)
        if m.detected and m.advice:
            st.success("**A better line:** " + ui.escape_md(m.advice), icon=":material/chat:")
        if m.detected and extra is not None:
            extra(m)
        if m.sources:
            with st.expander(f"Why: {len(m.sources)} cited note(s)"):
                for c in m.sources:
                    st.markdown(f"- **{ui.escape_md(c.title)}**: {ui.escape_md(article_title(c.source))}")


def _evidence_line(e: Evidence, lines: list[svc.Line]) -> None:
    """The turn the evidence comes from, with the quoted words highlighted."""
    text = lines[e.turn].text if 0 <= e.turn < len(lines) else e.quote
    speaker = "You" if 0 <= e.turn < len(lines) and lines[e.turn].speaker == svc.TRAINEE else "Them"
    st.markdown(f"> _Turn {e.turn + 1}, {speaker}:_ " + highlight(text, e.quote))


def highlight(text: str, quote: str) -> str:
    """Escaped text with the quote wrapped in a highlight directive (never HTML)."""
    start = text.lower().find(quote.lower()) if quote else -1
    if start < 0:
        return f":orange-background[{ui.escape_md(quote or text)}]"
    end = start + len(quote)
    return ui.escape_md(text[:start]) + f":orange-background[{ui.escape_md(text[start:end])}]" + ui.escape_md(text[end:])


def strengths(report: Report) -> None:
    """What went well, with its evidence."""
    st.subheader("Strengths")
    if not report.strengths:
        st.caption("No clear strengths this time. Asking about their constraints is the quickest one to build.")
    for s in report.strengths:
        st.markdown(":green[:material/check:] " + ui.escape_md(s.description))
        for e in s.evidence[:2]:
            st.caption(f"Turn {e.turn + 1}: “{ui.escape_md(e.quote)}”")


def _outcome(view: dict, outcome: Outcome, scenario: Scenario, hidden: list[svc.HiddenItem]) -> None:
    """Terms vs target and walk-away, the conceded-beyond-necessity chart, and what stayed hidden."""
    st.markdown(ui.escape_md(view["summary"]))
    st.dataframe(
        [
            {
                "Issue": r["label"],
                "Result": r["final_text"],
                "Your target": r["target_text"],
                "Walk-away": r["walkaway_text"],
                "Within walk-away": "yes" if r["met_walkaway"] else "no",
                "They would have gone to": r["limit_text"],
            }
            for r in view["issues"]
        ],
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Ground conceded beyond necessity**")
    st.caption("Blue: how far you moved them. Red: what they would still have given. "
               "Black tick: your walk-away. Green diamond: your target.")  # fmt: skip
    st.altair_chart(charts.concession_chart(outcome, scenario), width="stretch")
    st.subheader("What they never told you")
    if not hidden:
        st.success("You surfaced everything they were holding back. That is rare; well done.")
    for h in hidden:
        with st.expander(ui.escape_md(h.title)):
            st.markdown(ui.escape_md(h.detail))
            st.caption("What would have surfaced it: " + ui.escape_md(h.how))


def _transcript(debrief: svc.Debrief, report: Report) -> None:
    """The conversation, with lines quoted as evidence highlighted."""
    flagged = {e.turn: e.quote for m in report.mistakes if m.detected for e in m.evidence}
    name = debrief.scenario.counterparty.name
    for n, line in enumerate(debrief.lines):
        with st.chat_message("user" if line.speaker == svc.TRAINEE else "assistant",
                             avatar=ui.AVATARS.get(line.speaker)):  # fmt: skip
            st.caption(f"{n + 1}. " + ("You" if line.speaker == svc.TRAINEE else ui.escape_md(name)))
            st.markdown(highlight(line.text, flagged[n]) if n in flagged else ui.escape_md(line.text))


def _next_steps(ctx: Ctx, debrief: svc.Debrief) -> None:
    """Retry this scenario, or practise the mistake that cost most."""
    st.subheader("Next steps")
    worst = svc.most_frequent_mistake(debrief.report)
    a, b = st.columns(2)
    if a.button("Retry this scenario", icon=":material/replay:", type="primary", width="stretch"):
        _leave_debrief()
        st.session_state[BRIEFING] = debrief.scenario.id
        ctx.go("practice")
    label = f"Practise: {MISTAKE_TITLES[worst]}" if worst else "Practise another scenario"
    if b.button(label, icon=":material/target:", width="stretch"):
        _leave_debrief()
        st.session_state[FOCUS_FILTER] = [worst] if worst else []
        ctx.go("practice")
    suggestion = debrief.coaching.next_scenario if debrief.coaching is not None else None
    if suggestion is not None and suggestion.id in ctx.scenarios:
        st.markdown(f"**Suggested next:** {ui.escape_md(suggestion.title)}. {ui.escape_md(suggestion.reason)}")
        if st.button("Read that brief", icon=":material/arrow_forward:"):
            _leave_debrief()
            st.session_state[BRIEFING] = suggestion.id
            ctx.go("practice")


def _leave_debrief() -> None:
    """Forget which debrief is open (it stays in the store)."""
    st.session_state.pop(DEBRIEF_ID, None)


def _downloads(debrief: svc.Debrief, view: dict) -> None:
    """Transcript and report as Markdown and JSON, and the report as PDF."""
    st.subheader("Downloads")
    bundle = export.ExportBundle(
        title=debrief.scenario.title,
        turns=[(line.speaker, line.text) for line in debrief.lines],
        report=debrief.report,
        scenario_id=debrief.scenario.id,
        counterparty=debrief.scenario.counterparty.name,
        outcome=view,
    )
    render_downloads(bundle, key=str(debrief.session_id))


def render_downloads(bundle: export.ExportBundle, key: str) -> None:
    """Five download buttons; the PDF is generated on demand and failures are explained, not thrown."""
    stem = bundle.scenario_id or "conversation"
    c = st.columns(5)
    c[0].download_button("Report (.md)", export.report_markdown(bundle), f"{stem}-report.md", "text/markdown", key=f"rmd{key}")
    c[1].download_button("Report (.json)", export.report_json(bundle), f"{stem}-report.json", "application/json", key=f"rjs{key}")
    c[2].download_button("Transcript (.md)", export.transcript_markdown(bundle), f"{stem}-transcript.md", "text/markdown", key=f"tmd{key}")
    c[3].download_button("Transcript (.json)", export.transcript_json(bundle), f"{stem}-transcript.json", "application/json", key=f"tjs{key}")
    try:
        pdf = export.report_pdf(bundle)
    except Exception:  # noqa: BLE001
        log.exception("PDF export failed")
        c[4].caption("PDF unavailable; use the Markdown report.")
        return
    c[4].download_button("Report (.pdf)", pdf, f"{stem}-report.pdf", "application/pdf", key=f"pdf{key}")

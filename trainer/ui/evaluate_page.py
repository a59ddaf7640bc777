"""Evaluate a real conversation: paste or upload a transcript and get the same five-mistake debrief.

Nothing is stored unless the trainee asks: "Keep in my history" saves the transcript and its report
(`trainer.storage.saved`), where My progress shows it marked as a real conversation and can delete it.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from trainer.app import export
from trainer.app import practice as svc
from trainer.domain.report import Report
from trainer.domain.transcripts import TranscriptError, Turn, parse_transcript
from trainer.storage import saved
from trainer.storage.store import StoreError
from trainer.ui import components as ui
from trainer.ui import debrief as debrief_page
from trainer.ui.context import Ctx, knowledge_index

log = logging.getLogger(__name__)

RESULT = "evaluate_result"  # (lines, report, scenario_id) of the last evaluation in this browser session
TURNS = "evaluate_turns"  # the parsed turns of that evaluation (with speakers' names), for keeping it
KEPT = "evaluate_kept"  # the id it was kept under, once the trainee chose to keep it
EXAMPLE = """Me: Thanks for making time. Before we get into numbers, what matters most to you this year?
Buyer: Savings. We expect 5% off the unit price and 120-day payment terms.
Me: We really need to sign this by Friday, our plant plan depends on it.
Buyer: Then 5% shouldn't be a problem.
Me: If you can move to 60 days, we could look at 2% over two years."""


def render(ctx: Ctx) -> None:
    """Input form, then the debrief for the pasted or uploaded conversation."""
    st.title("Evaluate a real conversation")
    st.markdown(
        "Paste the transcript of a real negotiation (one `Name: what they said` per line) or upload a text or "
        "JSON file. You get the same scorecard as after a practice session; nothing is sent anywhere."
    )
    with st.form("evaluate"):
        text = st.text_area("Transcript", height=220, placeholder=EXAMPLE)
        upload = st.file_uploader("…or upload a file", type=["txt", "md", "json"])
        c1, c2 = st.columns(2)
        trainee = c1.text_input("Your name in the transcript", placeholder="Me",
                                help="Lines by this name are yours; everyone else is the other side.")  # fmt: skip
        options = [""] + sorted(ctx.scenarios)
        scenario_id = c2.selectbox(
            "Closest scenario (optional)", options,
            format_func=lambda sid: "None: judge the words only" if not sid else ctx.scenarios[sid].title,
            help="Context only: the evaluator looks out for its issues, but the feedback keeps your own facts.",
        )  # fmt: skip
        submitted = st.form_submit_button("Evaluate", type="primary")
    if submitted:
        _evaluate(ctx, text, upload, trainee.strip() or None, scenario_id or None)
    result = st.session_state.get(RESULT)
    if result is None:
        st.caption("Tip: the more of the conversation you include, the better the evidence.")
        return
    _show(ctx, *result)


def _evaluate(
    ctx: Ctx, text: str, upload: UploadedFile | None, trainee: str | None, scenario_id: str | None
) -> None:
    """Parse and evaluate; problems with the input become one clear message."""
    raw = text
    if upload is not None:
        try:
            raw = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            st.error("That file isn't UTF-8 text. Save it as plain text or JSON and upload it again.")
            return
    if not raw.strip():
        st.warning("Paste a transcript or upload a file first.")
        return
    try:
        turns = parse_transcript(raw, trainee=trainee)
    except TranscriptError as exc:
        st.error(f"The transcript could not be read: {exc}. Use one `Name: text` per line, and give your name.")
        return
    scenario = ctx.scenarios.get(scenario_id) if scenario_id else None
    try:
        with st.spinner("Reading the conversation…"):
            index = knowledge_index(ctx)
            report = svc.evaluate_lines(turns, scenario, index, scenario_facts=False)
    except Exception:  # noqa: BLE001
        log.exception("evaluating a pasted transcript failed")
        st.error("The evaluation failed. Try a shorter excerpt, or report the problem with the transcript attached.")
        return
    lines = [svc.Line(speaker=t.speaker, text=t.text) for t in turns]
    st.session_state[RESULT] = (lines, report, scenario_id)
    st.session_state[TURNS] = turns
    st.session_state.pop(KEPT, None)


def _show(ctx: Ctx, lines: list[svc.Line], report: Report, scenario_id: str | None) -> None:
    """Scorecard, strengths, highlighted transcript and downloads."""
    st.divider()
    st.metric("Overall score", f"{report.overall_score}/100")
    tabs = st.tabs(["Scorecard", "Transcript", "Downloads"])
    with tabs[0]:
        debrief_page.scorecard(report, lines)
        debrief_page.strengths(report)
    with tabs[1]:
        flagged = {e.turn: e.quote for m in report.mistakes if m.detected for e in m.evidence}
        for n, line in enumerate(lines):
            with st.chat_message("user" if line.speaker == svc.TRAINEE else "assistant",
                                 avatar=ui.AVATARS.get(line.speaker)):  # fmt: skip
                text = debrief_page.highlight(line.text, flagged[n]) if n in flagged else ui.escape_md(line.text)
                st.markdown(text)
    with tabs[2]:
        title = ctx.scenarios[scenario_id].title if scenario_id in ctx.scenarios else "A real conversation"
        bundle = export.ExportBundle(title=title, turns=[(x.speaker, x.text) for x in lines], report=report,
                                     scenario_id=scenario_id or "conversation")  # fmt: skip
        debrief_page.render_downloads(bundle, key="evaluate")
    _keep(ctx, report, scenario_id)


def _keep(ctx: Ctx, report: Report, scenario_id: str | None) -> None:
    """Opt-in: keep this evaluation in the trainee's history (nothing is saved unless they press the button)."""
    turns: list[Turn] | None = st.session_state.get(TURNS)
    if ctx.trainee_id is None or not turns:
        return
    if st.session_state.get(KEPT) is not None:
        st.success("Kept in your history: it appears on **My progress** as a real conversation, where you can "
                   "delete it.", icon=":material/bookmark_added:")  # fmt: skip
        return
    with st.form("evaluate_keep", border=False):
        st.caption("Nothing from this conversation is stored. To follow your progress with it, keep it in your "
                   "history (you can delete it later on My progress).")  # fmt: skip
        label = st.text_input("Name it (optional)", placeholder="e.g. Renewal call with procurement", max_chars=200)
        if st.form_submit_button("Keep in my history", icon=":material/bookmark_add:"):
            try:
                kept = saved.keep(ctx.store, ctx.trainee_id, label, turns, report, scenario_id)
            except StoreError as exc:
                st.error(str(exc))
                return
            st.session_state[KEPT] = kept.id
            st.rerun()

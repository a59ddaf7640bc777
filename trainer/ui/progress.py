"""Trainee progress page: join a cohort, assignments, history, per-mistake trends, what to practise next.

Mounted by app.py as `render(ctx: Ctx) -> None`. `join_form(ctx)` and `assignments_box(ctx)` are also meant
for the start page. Everything shown comes from `ctx.trainee_id`'s own sessions and kept real conversations (the
store enforces it); a kept real conversation is marked as one and can be deleted here.
"""

from __future__ import annotations

import logging

import streamlit as st

from trainer.domain.mistakes import MISTAKES
from trainer.instructor import cohorts
from trainer.instructor.progress import Progress, trainee_progress
from trainer.storage import saved
from trainer.storage.history import HistoryEntry
from trainer.storage.store import StoreError
from trainer.ui import components as ui
from trainer.ui.cohort_charts import trend_chart
from trainer.ui.context import Ctx
from trainer.ui.keys import BRIEFING, DEBRIEF_ID

log = logging.getLogger(__name__)

SHORT: dict[str, str] = {m.id: m.short for m in MISTAKES}
OUTCOME = {"open": "in progress", "agreed": "deal", "walked_away": "walked away", "ended": "ended"}
CONFIRM_DELETE = "progress_confirm_delete"  # the kept real conversation whose deletion awaits confirmation
REAL = "Real conversation"


def render(ctx: Ctx) -> None:
    """The whole page."""
    st.title("My progress")
    if ctx.trainee_id is None:
        st.info("Start a practice session first; your progress appears here.")
        return
    join_form(ctx)
    assignments_box(ctx)
    progress = trainee_progress(ctx.store, ctx.trainee_id, ctx.scenarios)
    if not progress.history:
        st.info("No sessions yet. Your history, trends and recommendations appear after your first debrief.")
        _recommendation(ctx, progress)
        return
    _headline(progress)
    _recommendation(ctx, progress)
    _trends(progress)
    _history(ctx, progress)


def join_form(ctx: Ctx) -> None:
    """Join a cohort with a display name and the instructor's code (hidden once joined)."""
    trainee = ctx.store.get_trainee(ctx.trainee_id)
    if trainee is None:
        return
    if trainee.cohort_id is not None:
        cohort = cohorts.trainee_cohort(ctx.store, trainee.id)
        st.caption(
            f"Cohort: {ui.escape_md(cohort.name) if cohort else '—'} · you appear as {ui.escape_md(trainee.display_name)}"
        )
        return
    with st.expander("Part of a training cohort? Join it"):
        with st.form("join_cohort"):
            name = st.text_input("Your name as your instructor should see it", key="join_name")
            code = st.text_input("Cohort code", placeholder="ABCDE-FGHJK", key="join_code")
            submitted = st.form_submit_button("Join")
        if submitted:
            _join(ctx, name, code)


def _join(ctx: Ctx, name: str, code: str) -> None:
    """Rename and join; errors are shown, not raised."""
    try:
        ctx.store.rename_trainee(ctx.trainee_id, name)
        cohort = cohorts.join(ctx.store, ctx.trainee_id, code)
    except StoreError as exc:
        st.error(str(exc))
        return
    st.success(f"You joined {ui.escape_md(cohort.name)}.")
    st.rerun()


def assignments_box(ctx: Ctx) -> None:
    """The cohort's assigned scenarios with due dates and whether this trainee finished them."""
    items = cohorts.assignments_for_trainee(ctx.store, ctx.trainee_id)
    if not items:
        return
    st.subheader("Assigned to you")
    for item in items:
        title = (
            ctx.scenarios[item.scenario_id].title if item.scenario_id in ctx.scenarios else item.scenario_id
        )
        due = f" · due {item.due_date.isoformat()}" if item.due_date else ""
        state = "✅ done" if item.completed else ("⚠️ overdue" if item.overdue else "to do")
        left, right = st.columns([5, 1])
        left.markdown(f"**{ui.escape_md(title)}**{due} · {state}")
        if item.scenario_id in ctx.scenarios and not item.completed:
            if right.button("Start", key=f"assigned_{item.scenario_id}"):
                _open_brief(ctx, item.scenario_id)


def _open_brief(ctx: Ctx, scenario_id: str) -> None:
    """Hand the scenario to the practice page."""
    st.session_state[BRIEFING] = scenario_id
    if "practice" in ctx.pages:
        ctx.go("practice")


def _headline(progress: Progress) -> None:
    """Overall proficiency and the mistakes that keep coming back."""
    cols = st.columns(2)
    cols[0].metric(
        "Proficiency (recent sessions weigh more)",
        f"{progress.overall:.0f}/100" if progress.overall is not None else "—",
    )
    cols[1].metric("Evaluated sessions", sum(1 for h in progress.history if h.evaluated))
    if progress.persistent:
        st.warning("Keeps coming back: " + "; ".join(m.title for m in progress.persistent), icon="🔁")


def _recommendation(ctx: Ctx, progress: Progress) -> None:
    """The next scenario to practise, with a button straight to its brief."""
    rec = progress.recommendation
    if rec.scenario_id is None or rec.scenario_id not in ctx.scenarios:
        return
    st.subheader("Recommended next")
    st.markdown(f"**{ui.escape_md(ctx.scenarios[rec.scenario_id].title)}**: {ui.escape_md(rec.reason)}")
    if st.button("Open the brief", key="open_recommended"):
        _open_brief(ctx, rec.scenario_id)


def _trends(progress: Progress) -> None:
    """Per-mistake trend lines and a table of current proficiency."""
    st.subheader("Trends per mistake")
    tried = [m for m in progress.mistakes.values() if m.trend]
    if tried:
        st.altair_chart(trend_chart(tried), width="stretch")
    st.dataframe(
        [{"mistake": m.title, "proficiency": m.proficiency, "latest": m.latest, "sessions": m.sessions,
          "persistent": "yes" if m.persistent else ""} for m in progress.mistakes.values()],
        hide_index=True, width="stretch",
    )  # fmt: skip


def _history(ctx: Ctx, progress: Progress) -> None:
    """Every session and kept real conversation, newest first, with a link to the debrief or a delete button."""
    st.subheader("History")
    for h in progress.history:
        if h.kind == "real":
            _real_row(ctx, h)
            continue
        title = ctx.scenarios[h.scenario_id].title if h.scenario_id in ctx.scenarios else h.scenario_id
        score = f"score {h.overall_score}" if h.overall_score is not None else "not evaluated"
        left, right = st.columns([5, 1])
        left.markdown(
            f"**{ui.escape_md(title)}** · {h.created_at:%Y-%m-%d} · {OUTCOME.get(h.status, h.status)} · {score}"
            + (_scores_line(h.scores) if h.scores else "")
        )
        if right.button("Debrief", key=f"debrief_{h.session_id}"):
            _open_debrief(ctx, h.session_id)


def _real_row(ctx: Ctx, h: HistoryEntry) -> None:
    """A kept real conversation: marked as such, with its scores, the transcript on demand and a delete button."""
    saved_id = int(h.session_id.removeprefix("real-"))
    left, right = st.columns([5, 1])
    left.markdown(
        f":violet-badge[:material/record_voice_over: {REAL}] **{ui.escape_md(h.label or REAL)}** · "
        f"{h.created_at:%Y-%m-%d} · score {h.overall_score}" + (_scores_line(h.scores) if h.scores else "")
    )
    if st.session_state.get(CONFIRM_DELETE) == saved_id:
        st.warning("Delete this conversation and its evaluation for good?")
        yes, no = st.columns(2)
        yes.button("Delete for good", key=f"real_delete_yes_{saved_id}", on_click=_delete_real, args=(ctx, saved_id))
        no.button("Keep it", key=f"real_delete_no_{saved_id}", on_click=st.session_state.pop, args=(CONFIRM_DELETE, None))
    elif right.button("Delete", key=f"real_delete_{saved_id}"):
        st.session_state[CONFIRM_DELETE] = saved_id
        st.rerun()
    with left.expander("Transcript"):
        kept = saved.get_saved(ctx.store, saved_id, ctx.trainee_id)
        for turn in kept.turns if kept else []:
            ui.chat_line(turn.speaker, turn.text, name=turn.name)


def _delete_real(ctx: Ctx, saved_id: int) -> None:
    """Button callback: delete one of this trainee's kept conversations (the store checks it is theirs)."""
    saved.delete_saved(ctx.store, saved_id, ctx.trainee_id)
    st.session_state.pop(CONFIRM_DELETE, None)
    st.toast("Deleted.")


def _scores_line(scores: dict[str, int]) -> str:
    """Compact per-mistake scores for the history row."""
    return "  \n" + " · ".join(f"{SHORT.get(m, m)} {s}" for m, s in scores.items())


def _open_debrief(ctx: Ctx, session_id: str) -> None:
    """Hand the session to the debrief page (which re-checks ownership)."""
    st.session_state[DEBRIEF_ID] = session_id
    if "debrief" in ctx.pages:
        ctx.go("debrief", session=session_id)

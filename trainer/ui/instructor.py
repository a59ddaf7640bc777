"""Instructor pages: sign-in, cohorts, assignments and the cohort dashboard (heatmap, drill-down, CSV).

Mounted by app.py as `render(ctx: Ctx) -> None`. `require_instructor(ctx)` is reused by the studio page.
The signed-in flag lives in `st.session_state` only (per browser session, expires after `SESSION_HOURS`);
failed attempts are counted in the database by `trainer.instructor.auth`, so lockout holds across replicas.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, date, datetime, timedelta

import streamlit as st

from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.instructor import auth, cohorts, dashboard
from trainer.storage.store import Cohort, StoreError
from trainer.ui import components as ui
from trainer.ui import learning
from trainer.ui.cohort_charts import distribution_chart, heatmap_chart
from trainer.ui.context import Ctx

log = logging.getLogger(__name__)

SIGNED_IN = "instructor_signed_in_at"  # aware UTC datetime of the successful sign-in
AUTH_CLIENT = "instructor_auth_client"  # this browser session's key for attempt counting
COHORT = "instructor_cohort_id"
DRILL = "instructor_drill_session"
NEW_NAME = "instructor_new_cohort_name"
FLASH = "instructor_flash"  # (kind, message) shown once after a form callback
SESSION_HOURS = 8


# ---------------------------------------------------------------- access


def is_instructor() -> bool:
    """Signed in within the last SESSION_HOURS, in this browser session."""
    since = st.session_state.get(SIGNED_IN)
    return isinstance(since, datetime) and datetime.now(UTC) - since < timedelta(hours=SESSION_HOURS)


def require_instructor(ctx: Ctx) -> bool:
    """Show the sign-in form unless already signed in; True when the page may render instructor content."""
    if is_instructor():
        with st.sidebar:
            st.button("Sign out (instructor)", on_click=sign_out, key="instructor_sign_out")
        return True
    _sign_in_form(ctx)
    return False


def sign_out() -> None:
    """Forget instructor rights and any instructor selections in this browser session."""
    for key in (SIGNED_IN, COHORT, DRILL):
        st.session_state.pop(key, None)


def _client_key() -> str:
    """A per-browser-session key for counting failed attempts (a refresh gets a new one; see auth's global cap)."""
    if AUTH_CLIENT not in st.session_state:
        st.session_state[AUTH_CLIENT] = secrets.token_urlsafe(16)
    return st.session_state[AUTH_CLIENT]


def _sign_in_form(ctx: Ctx) -> None:
    """Passphrase form with lockout feedback."""
    st.title("Instructor sign-in")
    stored = ctx.settings.instructor_passphrase_hash
    if not stored:
        st.info(
            "Instructor features are off on this server. An administrator enables them by running "
            "`trainer instructor hash-passphrase` and setting `LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH`."
        )
        return
    with st.form("instructor_sign_in", clear_on_submit=True):
        passphrase = st.text_input("Passphrase", type="password", key="instructor_passphrase")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        _attempt(ctx, passphrase, stored)


def _attempt(ctx: Ctx, passphrase: str, stored: str) -> None:
    """Check one attempt and report the outcome without revealing anything about the passphrase."""
    try:
        result = auth.sign_in(ctx.store, _client_key(), passphrase, stored)
    except auth.AuthConfigError as exc:
        st.error(f"Sign-in is misconfigured: {exc}. Ask the administrator to regenerate the hash.")
        return
    if result.ok:
        st.session_state[SIGNED_IN] = datetime.now(UTC)
        st.rerun()
    elif result.locked_until is not None:
        st.error(result.message, icon="🔒")
    else:
        st.error(result.message)


# ---------------------------------------------------------------- page


def render(ctx: Ctx) -> None:
    """Cohorts, assignments and the dashboard, for a signed-in instructor only."""
    if not require_instructor(ctx):
        return
    st.title("Cohorts")
    cohort = _cohort_picker(ctx)
    tab_dash, tab_assign, tab_manage = st.tabs(["Dashboard", "Assignments", "Manage cohorts"])
    with tab_manage:
        _manage(ctx)
    if cohort is None:
        for tab in (tab_dash, tab_assign):
            with tab:
                st.info("Create a cohort under **Manage cohorts** to get a join code for your trainees.")
        return
    with tab_assign:
        _assignments(ctx, cohort)
    with tab_dash:
        _dashboard(ctx, cohort)


def _cohort_picker(ctx: Ctx) -> Cohort | None:
    """The cohort everything below refers to (None when there are none yet)."""
    all_cohorts = ctx.store.list_cohorts()
    if not all_cohorts:
        return None
    by_id = {c.id: c for c in all_cohorts}
    if st.session_state.get(COHORT) not in by_id:
        st.session_state[COHORT] = all_cohorts[0].id
    chosen = st.selectbox(
        "Cohort",
        options=list(by_id),
        format_func=lambda cid: f"{by_id[cid].name} · code {cohorts.display_code(by_id[cid].join_code)}",
        key=COHORT,
    )
    return by_id[chosen]


def _manage(ctx: Ctx) -> None:
    """Create cohorts and list their codes and sizes."""
    with st.form("new_cohort", clear_on_submit=True):
        st.text_input("New cohort name", placeholder="e.g. Procurement leads, spring intake", key=NEW_NAME)
        st.form_submit_button("Create cohort", on_click=_create_cohort, args=(ctx,))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, message = flash
        (st.success if kind == "ok" else st.error)(message)
    rows = [
        {"cohort": c.name, "join code": cohorts.display_code(c.join_code),
         "trainees": cohorts.cohort_size(ctx.store, c.id), "created": c.created_at.strftime("%Y-%m-%d")}
        for c in ctx.store.list_cohorts()
    ]  # fmt: skip
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")


def _create_cohort(ctx: Ctx) -> None:
    """Form callback: runs before the script, so it may select the new cohort in the picker."""
    try:
        made = cohorts.create_cohort(ctx.store, st.session_state.get(NEW_NAME, ""))
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    st.session_state[COHORT] = made.id
    code = cohorts.display_code(made.join_code)
    st.session_state[FLASH] = ("ok", f"Created **{ui.escape_md(made.name)}**. Join code: `{code}`")


def _assignments(ctx: Ctx, cohort: Cohort) -> None:
    """Assign scenarios (optional due date) and list what is assigned."""
    options = sorted(ctx.scenarios, key=lambda sid: ctx.scenarios[sid].title)
    with st.form("assign", clear_on_submit=True):
        scenario_id = st.selectbox(
            "Scenario",
            options=options,
            format_func=lambda sid: ctx.scenarios[sid].title,
            key="assign_scenario",
        )
        has_due = st.checkbox("Set a due date", key="assign_has_due")
        due = st.date_input("Due date", value=date.today() + timedelta(days=7), key="assign_due")
        submitted = st.form_submit_button("Assign")
    if submitted and scenario_id:
        cohorts.assign(ctx.store, cohort.id, scenario_id, due if has_due else None)
        st.success(f"Assigned {ui.escape_md(ctx.scenarios[scenario_id].title)}.")
    current = cohorts.list_assignments(ctx.store, cohort.id)
    if not current:
        st.caption("Nothing assigned yet.")
    for a in current:
        title = ctx.scenarios[a.scenario_id].title if a.scenario_id in ctx.scenarios else a.scenario_id
        left, right = st.columns([5, 1])
        left.markdown(
            f"**{ui.escape_md(title)}** · due {a.due_date.isoformat() if a.due_date else 'any time'}"
        )
        right.button("Remove", key=f"unassign_{a.id}", on_click=cohorts.unassign,
                     args=(ctx.store, cohort.id, a.scenario_id))  # fmt: skip


# ---------------------------------------------------------------- dashboard


def _dashboard(ctx: Ctx, cohort: Cohort) -> None:
    """Every panel from one snapshot of the cohort's data."""
    data = dashboard.load_cohort(ctx.store, cohort.id)
    if data is None:
        st.warning("This cohort no longer exists.")
        return
    st.caption(
        f"{len(data.trainees)} trainees · {sum(1 for h in data.history if h.evaluated)} evaluated sessions"
    )
    if not data.trainees:
        st.info(
            f"No one has joined yet. Share the code `{cohorts.display_code(cohort.join_code)}` with trainees."
        )
        return
    _heatmap(data)
    _common(data)
    _distributions(data)
    _completion(data, ctx)
    learning.cohort_rewind_setting(ctx, cohort)
    st.download_button(
        "Download CSV", data=dashboard.to_csv(data), file_name=f"leverage-cohort-{cohort.id}.csv",
        mime="text/csv", key="cohort_csv",
    )  # fmt: skip
    _drill_down(ctx, data)


def _heatmap(data: dashboard.CohortData) -> None:
    """Trainees × mistakes, recency-weighted proficiency."""
    st.subheader("Proficiency heatmap")
    st.caption("Recency-weighted score per mistake (100 = handled well); grey = not evaluated yet.")
    st.altair_chart(heatmap_chart(dashboard.heatmap(data)), width="stretch")


def _common(data: dashboard.CohortData) -> None:
    """The most common mistakes, with real lines as evidence."""
    st.subheader("Most common mistakes")
    ranked = dashboard.common_mistakes(data)
    if not ranked:
        st.caption("No mistakes detected yet.")
    for item in ranked:
        with st.expander(f"{item.title}: {item.occurrences} session(s), {item.trainees} trainee(s)"):
            for ex in item.examples:
                st.markdown(f"> {ui.escape_md(ex.quote)}")
                st.caption(f"{ex.trainee} · {ex.scenario_id}")


def _distributions(data: dashboard.CohortData) -> None:
    """Overall score per scenario."""
    st.subheader("Scores per scenario")
    stats = dashboard.score_distributions(data)
    if not stats:
        st.caption("No evaluated sessions yet.")
        return
    st.altair_chart(distribution_chart(stats), width="stretch")
    st.dataframe(
        [{"scenario": s.scenario_id, "sessions": len(s.scores), "mean": s.mean, "median": s.median,
          "low": s.low, "high": s.high} for s in stats],
        hide_index=True, width="stretch",
    )  # fmt: skip


def _completion(data: dashboard.CohortData, ctx: Ctx) -> None:
    """Who has finished each assigned scenario."""
    st.subheader("Assignment completion")
    rows = dashboard.completion(data)
    if not rows:
        st.caption("No scenarios assigned.")
    for row in rows:
        title = ctx.scenarios[row.scenario_id].title if row.scenario_id in ctx.scenarios else row.scenario_id
        due = f" · due {row.due_date.isoformat()}" if row.due_date else ""
        st.progress(row.rate, text=f"{title}: {row.completed}/{row.total}{due}")
        if row.missing:
            st.caption("Not finished: " + ", ".join(row.missing))


def _drill_down(ctx: Ctx, data: dashboard.CohortData) -> None:
    """Open any session of this cohort: transcript and scorecard with evidence."""
    st.subheader("Drill down")
    sessions = list(reversed(data.history))
    if not sessions:
        st.caption("No sessions yet.")
        return
    labels = {
        h.session_id: f"{data.name_of(h.trainee_id)} · {h.scenario_id} · {h.created_at:%Y-%m-%d %H:%M} · "
        + (f"score {h.overall_score}" if h.overall_score is not None else h.status)
        for h in sessions
    }
    chosen = st.selectbox("Session", options=list(labels), format_func=labels.get, index=None, key=DRILL)
    if chosen:
        _session_view(ctx, data.cohort.id, chosen)


def _session_view(ctx: Ctx, cohort_id: int, session_id: str) -> None:
    """The debrief of one session, scoped to the cohort (a crafted id from elsewhere shows nothing)."""
    detail = dashboard.session_detail(ctx.store, cohort_id, session_id)
    if detail is None:
        st.warning("That session is not part of this cohort.")
        return
    st.markdown(
        f"**{ui.escape_md(detail.trainee.display_name)}** · {detail.session.scenario_id} · {detail.session.status}"
    )
    learning.session_extras(ctx, detail.session.id)
    if detail.evaluation is None:
        st.info("Not evaluated yet.")
    else:
        _scorecard(detail.evaluation.report)
    with st.expander("Transcript", expanded=detail.evaluation is None):
        for turn in detail.turns:
            ui.chat_line(turn.speaker, turn.text)


def _scorecard(report: Report) -> None:
    """Per-mistake score with its evidence lines."""
    st.metric("Overall", f"{report.overall_score}/100")
    for m in report.mistakes:
        mark = ":red[:material/error:]" if m.detected else ":green[:material/check_circle:]"
        st.markdown(f"{mark} **{MISTAKE_TITLES.get(m.id, m.title)}**: {m.score}/100")
        for ev in m.evidence:
            st.markdown(f"> {ui.escape_md(ev.quote)}")

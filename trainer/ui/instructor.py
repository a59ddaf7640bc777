"""Instructor pages: sign-in, cohorts, assignments, the cohort dashboard and the grader-calibration workbench.

Mounted by app.py as `render(ctx: Ctx) -> None`. `require_instructor(ctx)` (the signed-in account, or None after
showing the sign-in form) is reused by the studio page.

Who is signed in: a signed, expiring session token (`trainer.instructor.tokens`) held in `st.session_state` for
this browser session and in the `leverage_instructor` cookie, so a reload (a new Streamlit session) signs the
browser back in until the token expires or is revoked. A `leverage_device` cookie marks this browser as one the
account signed in from before, which the sign-in backoff trusts. Streamlit cannot send Set-Cookie headers, so a
small script sets the cookies (SameSite=Strict, Secure over https; not HttpOnly, see docs/deployment.md); every
page run re-checks the token against the database, so a revoked token stops working at the next interaction.
Everything this page shows is read through functions that take the account and check ownership in the store.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import streamlit as st

from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import MistakeFinding, Report
from trainer.instructor import accounts, auth, calibration, cohorts, dashboard, tokens
from trainer.storage.accounts import Account
from trainer.storage.calibration import Review, ReviewedEvaluation
from trainer.storage.store import Cohort, StoreError
from trainer.ui import components as ui
from trainer.ui import learning
from trainer.ui.cohort_charts import agreement_chart, distribution_chart, heatmap_chart
from trainer.ui.context import Ctx

log = logging.getLogger(__name__)

TOKEN = "instructor_token"  # this browser session's session token
DEVICE = "instructor_device_token"  # the device token issued at this browser session's sign-in
COOKIE_CHECKED = "instructor_cookie_checked"  # the cookie of this browser session was already tried once
SIGNED_OUT = "instructor_signed_out"  # signed out in this browser session: keep expiring the session cookie
COHORT = "instructor_cohort_id"
DRILL = "instructor_drill_session"
CAL_SESSION = "calibration_session"
CAL_SIZE = "calibration_sample_size"
NEW_NAME = "instructor_new_cohort_name"
FLASH = "instructor_flash"  # (kind, message) shown once after a form callback
SESSION_COOKIE, DEVICE_COOKIE = "leverage_instructor", "leverage_device"
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9._-]{1,1000}$")


# ---------------------------------------------------------------- access


def _cookie(name: str) -> str | None:
    """A cookie the browser sent when this Streamlit session opened (a reload opens a new one)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) and _TOKEN_CHARS.match(value) else None


def current_account(ctx: Ctx) -> Account | None:
    """The signed-in account for this browser session: from session state, or once from the cookie after a
    reload; None when there is none or its token no longer verifies (expired, revoked, account disabled)."""
    token = st.session_state.get(TOKEN)
    if token is None and not st.session_state.get(COOKIE_CHECKED):
        st.session_state[COOKIE_CHECKED] = True
        token = _cookie(SESSION_COOKIE)
    if token is None:
        return None
    account = tokens.session_account(ctx.store, token)
    if account is None:
        st.session_state.pop(TOKEN, None)
        return None
    st.session_state[TOKEN] = token
    return account


def require_instructor(ctx: Ctx) -> Account | None:
    """The signed-in account, or None after showing the sign-in form; adopts the legacy passphrase first."""
    try:
        accounts.adopt_legacy(ctx.store, ctx.settings.instructor_passphrase_hash)
    except auth.AuthConfigError as exc:
        st.error(f"Sign-in is misconfigured: {exc}. Ask the administrator to regenerate the hash.")
        return None
    account = current_account(ctx)
    _sync_cookies(account is not None)
    if account is not None:
        with st.sidebar:
            st.caption(f"Signed in as **{ui.escape_md(account.username)}**" + (" · admin" if account.is_admin else ""))
            st.button("Sign out (instructor)", on_click=sign_out, args=(ctx,), key="instructor_sign_out")
        return account
    _sign_in_form(ctx)
    return None


def sign_out(ctx: Ctx) -> None:
    """End this browser's session in the database and forget every instructor selection here."""
    tokens.end_session(ctx.store, st.session_state.get(TOKEN))
    for key in (TOKEN, COHORT, DRILL, CAL_SESSION):
        st.session_state.pop(key, None)
    st.session_state[COOKIE_CHECKED] = True  # the stale cookie of this Streamlit session is not read again
    st.session_state[SIGNED_OUT] = True


def _sync_cookies(signed_in: bool) -> None:
    """Make the browser's cookies match this session, on every run: set them while signed in, expire the session
    cookie when signed out but the browser sent one. Repeating it is harmless and survives a run that Streamlit
    interrupts before the browser got the script (a one-shot script could be lost that way). In the sidebar, so the
    page's own elements keep their places and state."""
    if signed_in and st.session_state.get(TOKEN):
        script = _cookie_js(SESSION_COOKIE, st.session_state[TOKEN], int(tokens.SESSION_TTL.total_seconds()))
        if st.session_state.get(DEVICE):
            script += _cookie_js(DEVICE_COOKIE, st.session_state[DEVICE], int(tokens.DEVICE_TTL.total_seconds()))
    elif _cookie(SESSION_COOKIE) or st.session_state.get(SIGNED_OUT):  # expire the session cookie; the device
        script = _cookie_js(SESSION_COOKIE, "", 0)  # cookie stays (it only vouches for this browser to the backoff)
    else:
        return
    st.sidebar.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def _cookie_js(name: str, value: str, max_age: int) -> str:
    """One `document.cookie` assignment; the value is checked to be base64url and dots, so it cannot break out."""
    if value and not _TOKEN_CHARS.match(value):
        raise ValueError("refusing to put an unexpected value in a cookie")
    return (
        f"document.cookie='{name}={value}; Max-Age={max_age}; Path=/; SameSite=Strict'"
        "+(location.protocol==='https:'?'; Secure':'');"
    )


def _client(ctx: Ctx, username: str) -> auth.Client:
    """This browser as the backoff sees it: trusted by a valid device token for this account, else by address."""
    device = tokens.device_id(ctx.store, st.session_state.get(DEVICE) or _cookie(DEVICE_COOKIE), username)
    address = st.context.ip_address
    return auth.Client.browser(address if isinstance(address, str) else None, device)


def _sign_in_form(ctx: Ctx) -> None:
    """Name and passphrase, with the backoff's answer when it says wait."""
    st.title("Instructor sign-in")
    if not accounts.features_on(ctx.store, ctx.settings.instructor_passphrase_hash):
        st.info(
            "Instructor features are off on this server: there are no instructor accounts yet. An administrator "
            "creates the first one with `trainer instructor add NAME --role admin`."
        )
        return
    with st.form("instructor_sign_in", clear_on_submit=True):
        username = st.text_input("Name", key="instructor_username", autocomplete="username")
        passphrase = st.text_input("Passphrase", type="password", key="instructor_passphrase")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        _attempt(ctx, username, passphrase)


def _attempt(ctx: Ctx, username: str, passphrase: str) -> None:
    """Check one attempt; on success store the session token and schedule the cookies."""
    try:
        result = auth.sign_in(ctx.store, username, passphrase, _client(ctx, username))
    except auth.AuthConfigError as exc:
        st.error(f"Sign-in is misconfigured: {exc}. Ask the administrator to reset this account.")
        return
    if result.ok and result.account is not None:
        st.session_state[TOKEN] = tokens.issue_session(ctx.store, result.account)
        st.session_state[DEVICE] = tokens.issue_device(ctx.store, result.account)
        st.session_state.pop(SIGNED_OUT, None)
        st.rerun()
    st.error(result.message, icon="🔒" if result.retry_at is not None else None)


# ---------------------------------------------------------------- page


def render(ctx: Ctx) -> None:
    """Cohorts, calibration, assignments and the dashboard, for a signed-in instructor's own cohorts only."""
    account = require_instructor(ctx)
    if account is None:
        return
    st.title("Cohorts")
    cohort = _cohort_picker(ctx, account)
    tab_dash, tab_cal, tab_assign, tab_manage = st.tabs(
        ["Dashboard", "Calibrate the grader", "Assignments", "Manage cohorts"]
    )
    with tab_manage:
        _manage(ctx, account)
    if cohort is None:
        for tab in (tab_dash, tab_cal, tab_assign):
            with tab:
                st.info("Create a cohort under **Manage cohorts** to get a join code for your trainees.")
        return
    with tab_assign:
        _assignments(ctx, account, cohort)
    with tab_cal:
        _calibration(ctx, account, cohort)
    with tab_dash:
        _dashboard(ctx, account, cohort)


def _title(ctx: Ctx, scenario_id: str) -> str:
    """A scenario's title, or its id when the library no longer has it."""
    return ctx.scenarios[scenario_id].title if scenario_id in ctx.scenarios else scenario_id


def _cohort_picker(ctx: Ctx, account: Account) -> Cohort | None:
    """The cohort everything below refers to: one of this account's (None when it has none yet)."""
    mine = cohorts.my_cohorts(ctx.store, account)
    if not mine:
        return None
    by_id = {c.id: c for c in mine}
    if st.session_state.get(COHORT) not in by_id:  # also replaces an id planted from elsewhere
        st.session_state[COHORT] = mine[0].id
    chosen = st.selectbox("Cohort", options=list(by_id), format_func=lambda cid: _cohort_label(by_id, cid), key=COHORT)
    return by_id.get(chosen, mine[0])


def _cohort_label(by_id: dict[int, Cohort], cohort_id: int) -> str:
    """'Name · code ABCDE-FGHJK' for one of this account's cohorts (any other id has no name here)."""
    cohort = by_id.get(cohort_id)
    return "?" if cohort is None else f"{cohort.name} · code {cohorts.display_code(cohort.join_code)}"


def _manage(ctx: Ctx, account: Account) -> None:
    """Create cohorts and list this account's cohorts with their codes and sizes."""
    with st.form("new_cohort", clear_on_submit=True):
        st.text_input("New cohort name", placeholder="e.g. Procurement leads, spring intake", key=NEW_NAME)
        st.form_submit_button("Create cohort", on_click=_create_cohort, args=(ctx, account))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, message = flash
        (st.success if kind == "ok" else st.error)(message)
    sizes = cohorts.cohort_sizes(ctx.store, account)
    rows = [
        {"cohort": c.name, "join code": cohorts.display_code(c.join_code), "trainees": sizes.get(c.id, 0),
         "created": c.created_at.strftime("%Y-%m-%d")}
        for c in cohorts.my_cohorts(ctx.store, account)
    ]  # fmt: skip
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")


def _create_cohort(ctx: Ctx, account: Account) -> None:
    """Form callback: runs before the script, so it may select the new cohort in the picker."""
    try:
        made = cohorts.create_cohort(ctx.store, account, st.session_state.get(NEW_NAME, ""))
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    st.session_state[COHORT] = made.id
    code = cohorts.display_code(made.join_code)
    st.session_state[FLASH] = ("ok", f"Created **{ui.escape_md(made.name)}**. Join code: `{code}`")


def _assignments(ctx: Ctx, account: Account, cohort: Cohort) -> None:
    """Assign scenarios (optional due date) and list what is assigned."""
    options = sorted(ctx.scenarios, key=lambda sid: ctx.scenarios[sid].title)
    with st.form("assign", clear_on_submit=True):
        scenario_id = st.selectbox(
            "Scenario", options=options, format_func=lambda sid: ctx.scenarios[sid].title, key="assign_scenario"
        )
        has_due = st.checkbox("Set a due date", key="assign_has_due")
        due = st.date_input("Due date", value=date.today() + timedelta(days=7), key="assign_due")
        submitted = st.form_submit_button("Assign")
    if submitted and scenario_id:
        cohorts.assign(ctx.store, account, cohort.id, scenario_id, due if has_due else None)
        st.success(f"Assigned {ui.escape_md(ctx.scenarios[scenario_id].title)}.")
    current = cohorts.list_assignments(ctx.store, account, cohort.id)
    if not current:
        st.caption("Nothing assigned yet.")
    else:
        st.caption("A trainee completes an assignment by finishing a session of it started after it was assigned "
                   "and after they joined the cohort.")
    for a in current:
        left, right = st.columns([5, 1])
        left.markdown(
            f"**{ui.escape_md(_title(ctx, a.scenario_id))}** · due {a.due_date.isoformat() if a.due_date else 'any time'}"
        )
        right.button("Remove", key=f"unassign_{a.id}", on_click=cohorts.unassign,
                     args=(ctx.store, account, cohort.id, a.scenario_id))  # fmt: skip


# ---------------------------------------------------------------- dashboard


def _dashboard(ctx: Ctx, account: Account, cohort: Cohort) -> None:
    """Every panel from one snapshot of the cohort's data."""
    data = dashboard.load_cohort(ctx.store, account, cohort.id)
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
    _common(ctx, data)
    _distributions(ctx, data)
    _completion(ctx, data)
    learning.cohort_rewind_setting(ctx, cohort)
    st.download_button(
        "Download CSV", data=dashboard.to_csv(data), file_name=f"leverage-cohort-{cohort.id}.csv",
        mime="text/csv", key="cohort_csv",
    )  # fmt: skip
    _drill_down(ctx, account, data)


def _heatmap(data: dashboard.CohortData) -> None:
    """Trainees × mistakes, recency-weighted proficiency."""
    st.subheader("Proficiency heatmap")
    st.caption("Recency-weighted score per mistake (100 = handled well); grey = not evaluated yet.")
    st.altair_chart(heatmap_chart(dashboard.heatmap(data)), width="stretch")


def _common(ctx: Ctx, data: dashboard.CohortData) -> None:
    """The most common mistakes, with real lines as evidence."""
    st.subheader("Most common mistakes")
    ranked = dashboard.common_mistakes(data)
    if not ranked:
        st.caption("No mistakes detected yet.")
    for item in ranked:
        with st.expander(f"{item.title}: {item.occurrences} session(s), {item.trainees} trainee(s)"):
            for ex in item.examples:
                st.markdown(f"> {ui.escape_md(ex.quote)}")
                st.caption(f"{ui.escape_md(ex.trainee)} · {ui.escape_md(_title(ctx, ex.scenario_id))}")


def _distributions(ctx: Ctx, data: dashboard.CohortData) -> None:
    """Overall score per scenario, named by title."""
    st.subheader("Scores per scenario")
    stats = dashboard.score_distributions(data, {sid: s.title for sid, s in ctx.scenarios.items()})
    if not stats:
        st.caption("No evaluated sessions yet.")
        return
    st.altair_chart(distribution_chart(stats), width="stretch")
    st.dataframe(
        [{"scenario": s.title, "sessions": len(s.scores), "mean": s.mean, "median": s.median,
          "low": s.low, "high": s.high} for s in stats],
        hide_index=True, width="stretch",
    )  # fmt: skip


def _completion(ctx: Ctx, data: dashboard.CohortData) -> None:
    """Who has done each assigned scenario."""
    st.subheader("Assignment completion")
    rows = dashboard.completion(data)
    if not rows:
        st.caption("No scenarios assigned.")
    for row in rows:
        due = f" · due {row.due_date.isoformat()}" if row.due_date else ""
        st.progress(row.rate, text=f"{_title(ctx, row.scenario_id)}: {row.completed}/{row.total}{due}")
        if row.missing:
            st.caption("Not done: " + ", ".join(ui.escape_md(name) for name in row.missing))


def _drill_down(ctx: Ctx, account: Account, data: dashboard.CohortData) -> None:
    """Open any session of this cohort: transcript and scorecard with evidence."""
    st.subheader("Drill down")
    sessions = list(reversed(data.history))
    if not sessions:
        st.caption("No sessions yet.")
        return
    labels = {
        h.session_id: f"{data.name_of(h.trainee_id)} · {_title(ctx, h.scenario_id)} · {h.created_at:%Y-%m-%d %H:%M} · "
        + (f"score {h.overall_score}" if h.overall_score is not None else h.status)
        for h in sessions
    }
    if st.session_state.get(DRILL) not in labels:  # a session id planted from elsewhere is dropped, not shown
        st.session_state.pop(DRILL, None)
    chosen = st.selectbox("Session", options=list(labels), format_func=labels.get, index=None, key=DRILL)
    if chosen:
        _session_view(ctx, account, data.cohort.id, chosen)


def _session_view(ctx: Ctx, account: Account, cohort_id: int, session_id: str) -> None:
    """The debrief of one session, scoped to an owned cohort (a crafted id from elsewhere shows nothing)."""
    detail = dashboard.session_detail(ctx.store, account, cohort_id, session_id)
    if detail is None:
        st.warning("That session is not part of this cohort.")
        return
    st.markdown(
        f"**{ui.escape_md(detail.trainee.display_name)}** · {ui.escape_md(_title(ctx, detail.session.scenario_id))}"
        f" · {detail.session.status}"
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


# ---------------------------------------------------------------- calibration workbench


def _calibration(ctx: Ctx, account: Account, cohort: Cohort) -> None:
    """Review a stable sample of the cohort's evaluated sessions, then see how well you and the grader agree."""
    st.subheader("Check the grader")
    st.caption("Mark each finding agree, disagree or unsure, and add any mistake the grader missed, with the turn. "
               "Your marks stay yours; the figures below compare them with the grader.")  # fmt: skip
    size = st.select_slider("Sample size", options=[5, 10, 20, 50], value=calibration.SAMPLE_SIZE, key=CAL_SIZE)
    picks = calibration.sample(ctx.store, account, cohort.id, size)
    reviewed = calibration.reviewed(ctx.store, account, cohort.id)
    if not picks:
        st.info("No evaluated sessions in this cohort yet.")
    else:
        done = {r.review.evaluation_id for r in reviewed}
        names = {t.id: t.display_name for t in cohorts.trainees(ctx.store, account, cohort.id)}
        labels = {
            s.session_id: ("✓ " if s.evaluation_id in done else "") + f"{names.get(s.trainee_id, '?')} · "
            f"{_title(ctx, s.scenario_id)} · {s.created_at:%Y-%m-%d %H:%M}"
            for s in picks
        }
        st.caption(f"{sum(1 for s in picks if s.evaluation_id in done)} of {len(picks)} sampled sessions reviewed.")
        if st.session_state.get(CAL_SESSION) not in labels:
            st.session_state.pop(CAL_SESSION, None)
        chosen = st.selectbox("Session to review", list(labels), format_func=labels.get, index=None, key=CAL_SESSION)
        if chosen:
            _review(ctx, account, cohort.id, chosen)
    _agreement(calibration.reviewed(ctx.store, account, cohort.id))  # read again: a review saved just now counts


def _review(ctx: Ctx, account: Account, cohort_id: int, session_id: str) -> None:
    """The transcript beside the rubric: one verdict per finding, and missed mistakes with their turns."""
    detail = dashboard.session_detail(ctx.store, account, cohort_id, session_id)
    if detail is None or detail.evaluation is None:
        st.warning("That session is not part of this cohort.")
        return
    evaluation, report = detail.evaluation, detail.evaluation.report
    saved = calibration.review_of(ctx.store, account, cohort_id, evaluation.id)
    trainee_turns = [i for i, t in enumerate(detail.turns) if t.speaker == "trainee"]
    left, right = st.columns([3, 2])
    with left:
        for i, turn in enumerate(detail.turns):
            ui.chat_line(turn.speaker, turn.text, name=f"Turn {i}")
    with right, st.form(f"calibration_{evaluation.id}"):
        choices = {f.id: _finding_inputs(evaluation.id, f, trainee_turns, saved) for f in report.mistakes}
        submitted = st.form_submit_button("Save review", type="primary")
    if submitted:
        _save_review(ctx, account, cohort_id, detail, choices)


def _finding_inputs(
    evaluation_id: int, finding: MistakeFinding, trainee_turns: list[int], saved: Review | None
) -> tuple[str | None, list[int]]:
    """The widgets for one mistake; returns (verdict or None, chosen turns) as read at submit time."""
    mark = saved.marks.get(finding.id) if saved is not None else None
    st.markdown(f"**{MISTAKE_TITLES[finding.id]}**")
    key = f"cal_{evaluation_id}_{finding.id}"
    if finding.detected:
        for ev in finding.evidence:
            st.caption(f"Grader: turn {ev.turn}: “{ui.escape_md(ev.quote)}”")
        options = list(calibration.FINDING_VERDICTS)
        verdict = st.radio("Your verdict", options, horizontal=True, key=f"{key}_verdict",
                           index=options.index(mark.verdict) if mark and mark.verdict in options else None)  # fmt: skip
        default = list(mark.turns) if mark and mark.turns else [e.turn for e in finding.evidence if e.turn in trainee_turns]
        turns = st.multiselect("Evidence turns", trainee_turns, default=default, key=f"{key}_turns")
        return verdict, turns
    st.caption("Grader: not flagged.")
    missed = st.checkbox("Missed: the trainee made this mistake", key=f"{key}_missed",
                         value=bool(mark and mark.verdict == "missed"))  # fmt: skip
    turns = st.multiselect("At turn(s)", trainee_turns, default=list(mark.turns) if mark else [], key=f"{key}_turns")
    return ("missed" if missed else "absent"), turns


def _save_review(
    ctx: Ctx, account: Account, cohort_id: int, detail: dashboard.SessionDetail,
    choices: dict[str, tuple[str | None, list[int]]],
) -> None:  # fmt: skip
    """Validate and store the marks; problems are shown next to the form."""
    unanswered = [MISTAKE_TITLES[m] for m, (verdict, _) in choices.items() if verdict is None]
    if unanswered or detail.evaluation is None:
        st.error("Give a verdict on every flagged finding: " + "; ".join(unanswered))
        return
    answered = {m: (verdict, turns) for m, (verdict, turns) in choices.items() if verdict is not None}
    try:
        marks = calibration.build_marks(detail.evaluation.report, detail.turns, answered)
        calibration.save_review(ctx.store, account, cohort_id, detail.session.id, detail.evaluation.id, marks)
    except (calibration.ReviewError, StoreError) as exc:
        st.error(str(exc))
        return
    st.success("Review saved.")


def _agreement(reviewed: list[ReviewedEvaluation]) -> None:
    """Raw agreement and kappa per mistake, their change by month, and the findings rejected most."""
    st.subheader("Grader agreement")
    if not reviewed:
        st.caption("No reviews yet: the figures appear after your first saved review.")
        return
    table = calibration.agreement_table(reviewed)
    st.dataframe(
        [{"mistake": a.title, "reviewed": a.pairs, "unsure": a.unsure,
          "agreement": None if a.agreement is None else f"{a.agreement:.0%}",
          "Cohen's kappa": "n/a" if a.kappa is None else f"{a.kappa:.2f}",
          "grader only": a.evaluator_only, "you only": a.instructor_only} for a in table],
        hide_index=True, width="stretch",
    )  # fmt: skip
    st.caption("Kappa corrects agreement for chance: 1 = perfect, 0 = no better than chance; n/a when both of you "
               "gave the same answer every time.")  # fmt: skip
    trend = calibration.over_time(reviewed)
    if len({row.period for row in trend}) > 1:
        st.altair_chart(agreement_chart(trend), width="stretch")
    rejected = calibration.most_rejected(reviewed)
    st.markdown("**Findings you reject most**")
    if not rejected:
        st.caption("You have not rejected any finding yet.")
    for r in rejected:
        with st.expander(f"{r.title}: rejected {r.rejected} of {r.flagged} ({r.rate:.0%})"):
            for quote in r.quotes:
                st.markdown(f"> {ui.escape_md(quote)}")

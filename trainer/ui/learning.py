"""Learning by replaying, on the pages: the level and the preparation sheet on the brief, rewind in the chat, the
price of each mistake, branch comparison and plan-versus-play in the debrief, and the sheet and the cohort's rewind
limit for instructors.

Thin like every page module: the work is in `trainer.app.replay`, `trainer.app.branches` and
`trainer.app.preparation`; the practice, debrief and instructor pages call these helpers at one place each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from pydantic import ValidationError

from trainer.app import branches, preparation
from trainer.app import practice as svc
from trainer.app.replay import ALL, Price, better_line, session_prices, target_turn
from trainer.domain.mistakes import BY_ID
from trainer.domain.report import MistakeFinding
from trainer.engine.difficulty import level_of
from trainer.scenarios.levels import LEVELS, Level, default_level
from trainer.scenarios.schema import Scenario
from trainer.storage import branches as lineage
from trainer.storage.store import Cohort
from trainer.ui import components as ui
from trainer.ui.context import Ctx
from trainer.ui.keys import DEBRIEF_ID, SUGGESTED_LINE

log = logging.getLogger(__name__)

LEVEL_KEY = "level-"  # + scenario id: the level chosen on the brief
SHEETS = "prep_sheets"  # scenario id -> the Sheet checked on the brief, saved when the session starts
PRICES = "prices:"  # + session id: the debrief's replay prices, computed once per browser session
LEVEL_HELP = {
    Level.introductory: "More room to agree, quicker to move, gentler with your mistakes.",
    Level.standard: "The scenario as written.",
    Level.hard: "Less room, more patience, harder on every mistake, and pressure tactics such as a false deadline.",
}
VERDICT = {
    "saves": ":green[:material/trending_up:]",
    "costs": ":red[:material/trending_down:]",
    "same": ":gray[:material/trending_flat:]",
    "none": ":gray[:material/block:]",
}


# ---------------------------------------------------------------- the brief


def level_picker(scenario: Scenario) -> Level:
    """The counterparty's level for the next session (the scenario's own by default)."""
    default = default_level(scenario.difficulty)
    choice = st.radio(
        "Counterparty level",
        options=[level.value for level in LEVELS],
        index=LEVELS.index(default),
        format_func=lambda v: Level(v).label + (" (this scenario's level)" if v == default.value else ""),
        horizontal=True,
        key=LEVEL_KEY + scenario.id,
        help="The level changes how the counterparty negotiates, not just how it sounds.",
    )
    level = Level(choice or default.value)
    st.caption(LEVEL_HELP[level])
    return level


def preparation_form(scenario: Scenario) -> None:
    """The optional preparation sheet, checked for the five mistakes before play."""
    sheets: dict[str, preparation.Sheet] = st.session_state.setdefault(SHEETS, {})
    with st.expander("Suggested: prepare before you play (optional, about five minutes)", icon=":material/edit_note:"):
        st.caption("Write down your plan. It is checked for the five mistakes now, saved with your session, and after "
                   "play the debrief compares it with what you did.")  # fmt: skip
        with st.form(f"prep-{scenario.id}"):
            issues = _issue_inputs(scenario)
            alternatives = st.text_area("What you know or suspect of their alternatives", max_chars=preparation.MAX_TEXT)
            stakeholders = st.text_area("Who else on their side decides or is affected", max_chars=preparation.MAX_TEXT)
            questions = st.text_area("Questions you plan to ask (one per line)")
            private = st.text_area("What you will keep to yourself (one per line)")
            agenda = st.text_area("The agenda you will propose (one per line)")
            checked = st.form_submit_button("Check my plan", icon=":material/fact_check:")
        if checked:
            try:
                sheets[scenario.id] = preparation.Sheet(
                    issues=issues, their_alternatives=alternatives, their_stakeholders=stakeholders,
                    questions=preparation.lines_of(questions), keep_private=preparation.lines_of(private),
                    agenda=preparation.lines_of(agenda),
                )  # fmt: skip
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                st.error(f"The plan could not be read: {where}: {first['msg']}.")
        if scenario.id in sheets:
            _tips(sheets[scenario.id], scenario)


def _issue_inputs(scenario: Scenario) -> list[preparation.IssuePlan]:
    """A target and a walk-away per issue, both optional."""
    plans = []
    for issue in scenario.issues:
        left, right = st.columns(2)
        target = left.number_input(f"Your target: {issue.label} ({issue.unit})", value=None, step=float(issue.step),
                                   key=f"prep-target-{issue.id}")  # fmt: skip
        walkaway = right.number_input(f"Your walk-away: {issue.label} ({issue.unit})", value=None,
                                      step=float(issue.step), key=f"prep-walk-{issue.id}")  # fmt: skip
        plans.append(preparation.IssuePlan(issue_id=issue.id, target=target, walkaway=walkaway))
    return plans


def _tips(sheet: preparation.Sheet, scenario: Scenario) -> None:
    """One short tip per problem, or a go-ahead."""
    if sheet.empty:
        st.caption("The plan is empty; fill in what you can and check it again.")
        return
    tips = preparation.check(sheet, scenario)
    if not tips:
        st.success("No problems found in your plan. It will be saved with the session.", icon=":material/check:")
        return
    st.markdown(f"**{len(tips)} thing(s) to reconsider** (your plan is saved with the session either way):")
    for tip in tips:
        st.warning(f"**{ui.escape_md(BY_ID[tip.mistake].title)}.** {ui.escape_md(tip.problem)} "
                   f"{ui.escape_md(tip.tip)}", icon=":material/lightbulb:")  # fmt: skip


def start_options(scenario: Scenario) -> tuple[Level, preparation.Sheet | None]:
    """What the brief chose: the level, and the checked sheet if one was written."""
    raw = st.session_state.get(LEVEL_KEY + scenario.id)
    level = Level(raw) if raw in {lv.value for lv in LEVELS} else default_level(scenario.difficulty)
    sheet = st.session_state.get(SHEETS, {}).get(scenario.id)
    return level, sheet if sheet is not None and not sheet.empty else None


def keep_sheet(ctx: Ctx, live: svc.Live, sheet: preparation.Sheet | None) -> None:
    """Save the checked sheet with the session that just started."""
    if sheet is None:
        return
    try:
        preparation.save(ctx.store, live.session_id, live.trainee_id, sheet)
        st.session_state.get(SHEETS, {}).pop(live.scenario.id, None)
    except Exception:  # noqa: BLE001 - the session goes ahead without its plan
        log.exception("saving the preparation sheet failed")


# ---------------------------------------------------------------- the chat


def session_panel(ctx: Ctx, live: svc.Live, busy: bool, open_live: Callable[[svc.Live], None]) -> None:
    """The level, where this branch comes from, and Rewind: back to any counterparty turn in a new branch."""
    place = lineage.lineage(ctx.store, live.session_id, live.trainee_id)
    note = f"Counterparty level: {level_of(live.scenario).label}"
    if place is not None and not place.is_root:
        note += f" · a branch from turn {(place.branch_turn or 0) + 1}; the original is kept"
    st.caption(note)
    status = branches.rewind_status(ctx.store, live)
    label = f"Rewind ({status.left} of {status.limit} left)"
    with st.popover(label, icon=":material/undo:", disabled=busy or status.left == 0, width="stretch"):
        points = branches.rewind_points(live)
        labels = {p.index: p.label for p in points}
        chosen = st.selectbox("Go back to", options=list(labels), format_func=labels.__getitem__, key="rewind_turn")
        st.caption("You continue from just after that turn in a new branch. This conversation stays as it is.")
        if st.button("Rewind and branch", type="primary", key="rewind_go"):
            _rewind(ctx, live, chosen, open_live)
    if status.left == 0:
        st.caption(f"You have used all {status.limit} rewinds for this session.")


def _rewind(ctx: Ctx, live: svc.Live, turn: int, open_live: Callable[[svc.Live], None]) -> None:
    """Open the branch, or say why not."""
    try:
        branch = branches.rewind(svc.Practice(ctx.store, ctx.scenarios), live, turn)
    except svc.PracticeError as exc:
        st.error(str(exc))
        return
    except Exception:  # noqa: BLE001
        log.exception("rewind failed for %s", live.session_id)
        st.error("The rewind could not be saved. Try again; your conversation is unchanged.")
        return
    open_live(branch)


def suggestion(live: svc.Live, say: Callable[[str], None]) -> None:
    """In a branch opened from the debrief: the better line, ready to say."""
    offer = st.session_state.get(SUGGESTED_LINE)
    if not offer or offer.get("session") != live.session_id:
        return
    if live.status != svc.ACTIVE or live.pending is not None:
        return
    st.info("A better line to try here: " + ui.escape_md(offer["text"]), icon=":material/chat:")
    if st.button("Say this line", key="say_suggested", icon=":material/send:"):
        st.session_state.pop(SUGGESTED_LINE, None)
        say(offer["text"])


# ---------------------------------------------------------------- the debrief


def debrief_prices(ctx: Ctx, debrief: svc.Debrief) -> dict[str, Price]:
    """The replay price of each finding and of all better lines together (computed once per browser session)."""
    key = PRICES + debrief.session_id
    if key not in st.session_state:
        try:
            found = session_prices(ctx.store, debrief.session_id, ctx.trainee_id or "", debrief.report,
                                   debrief.lines, debrief.scenario)  # fmt: skip
        except Exception:  # noqa: BLE001 - the debrief stands without its replays
            log.exception("replaying %s failed", debrief.session_id)
            found = None
        st.session_state[key] = found or {}
    return st.session_state[key]


def all_lines_price(prices: dict[str, Price]) -> None:
    """The session as a whole: every better line at once, against what happened."""
    price = prices.get(ALL)
    if price is not None and price.verdict != "none":
        st.markdown(f"{VERDICT[price.verdict]} **Replayed:** {ui.escape_md(price.summary)}")


def finding_extras(ctx: Ctx, debrief: svc.Debrief, prices: dict[str, Price]) -> Callable[[MistakeFinding], None]:
    """What each detected finding's card adds: its replayed price and a way to try the better line."""

    def render(finding: MistakeFinding) -> None:
        price = prices.get(finding.id)
        if price is not None:
            st.markdown(f"{VERDICT[price.verdict]} **The price of this line.** {ui.escape_md(price.summary)}")
        _try_again(ctx, debrief, finding)

    return render


def _try_again(ctx: Ctx, debrief: svc.Debrief, finding: MistakeFinding) -> None:
    """Rewind to the counterparty's turn before the line and offer the better line there."""
    turn = target_turn(finding, debrief.lines)
    before = [i for i in range(turn or 0) if debrief.lines[i].speaker == svc.COUNTERPARTY]
    if turn is None or not before or ctx.trainee_id is None:
        return
    if st.button("Rewind and try the better line", key=f"try-{finding.id}", icon=":material/undo:"):
        practice = svc.Practice(ctx.store, ctx.scenarios)
        live = practice.resume(ctx.trainee_id, debrief.session_id)
        try:
            if live is None:
                raise svc.PracticeError("This session is not available.")
            branch = branches.rewind(practice, live, before[-1])
        except svc.PracticeError as exc:
            st.error(str(exc))
            return
        text = better_line(finding, debrief.lines[turn], debrief.scenario).text
        st.session_state[SUGGESTED_LINE] = {"session": branch.session_id, "text": text}
        st.session_state.pop(DEBRIEF_ID, None)
        ctx.go("practice", session=branch.session_id)


def branches_and_plan(ctx: Ctx, debrief: svc.Debrief) -> None:
    """The family side by side, and the plan against the play."""
    st.subheader("Branches")
    views = branches.compare_family(ctx.store, ctx.scenarios, debrief.session_id, ctx.trainee_id or "")
    if len(views) < 2:
        st.caption("No branches yet. Rewind from any of their turns (in the chat, or from a mistake above) to try "
                   "another line; the comparison appears here.")  # fmt: skip
    else:
        _side_by_side(ctx, views)
    st.subheader("Your plan against your play")
    sheet = preparation.load(ctx.store, debrief.session_id, ctx.trainee_id)
    if sheet is None:
        st.caption("No preparation sheet for this session. The brief offers one before you start.")
        return
    for check in preparation.compare(sheet, debrief.lines, debrief.scenario, debrief.outcome):
        mark = {True: ":green[:material/check:]", False: ":red[:material/close:]", None: ":gray[:material/info:]"}
        st.markdown(f"{mark[check.kept]} {ui.escape_md(check.text)}")


def _side_by_side(ctx: Ctx, views: list[branches.BranchView]) -> None:
    """One column per branch: status, headline score, terms and mistakes."""
    st.caption("Same scenario, level and seed; each branch continues from the turn it names.")
    for col, view in zip(st.columns(len(views)), views, strict=True):
        with col, st.container(border=True):
            st.markdown(f"**{ui.escape_md(view.label)}**" + (" · :blue-badge[this debrief]" if view.current else ""))
            st.metric("Headline score", f"{view.score}/100")
            basis = "Agreed" if view.basis == "agreed" else f"{view.status.replace('_', ' ')}; their last offer"
            st.caption(basis)
            for label, value in view.terms.items():
                st.markdown(f"{ui.escape_md(label)}: **{ui.escape_md(value)}**")
            mistakes = ", ".join(view.mistakes) if view.mistakes else "none"
            st.markdown(f"Mistakes: {ui.escape_md(mistakes)}")
            if not view.current and st.button("Open this debrief", key=f"open-{view.session_id}"):
                st.session_state[DEBRIEF_ID] = view.session_id
                st.query_params["session"] = view.session_id
                st.rerun()


# ---------------------------------------------------------------- instructors


def session_extras(ctx: Ctx, session_id: str) -> None:
    """In the cohort drill-down: the session's level and branches, and its preparation sheet."""
    family = lineage.family(ctx.store, session_id, None)
    if family:
        root = family[0]
        level = Level(root.level) if root.level in {lv.value for lv in LEVELS} else Level.standard
        st.caption(f"Counterparty level: {level.label} · {len(family) - 1} branch(es)")
        for member in family[1:]:
            stored = ctx.store.latest_evaluation(member.session_id)
            score = f"score {stored.overall_score}" if stored is not None else member.status
            st.caption(f"Branch from turn {(member.branch_turn or 0) + 1}: {score}")
    sheet = preparation.load(ctx.store, session_id, None)
    with st.expander("Preparation sheet", expanded=False):
        if sheet is None:
            st.caption("No preparation sheet.")
            return
        _sheet_view(sheet)


def _sheet_view(sheet: preparation.Sheet) -> None:
    """The sheet as written (escaped)."""
    for plan in sheet.issues:
        if plan.target is not None or plan.walkaway is not None:
            st.markdown(f"- {ui.escape_md(plan.issue_id)}: target {plan.target if plan.target is not None else '—'}, "
                        f"walk-away {plan.walkaway if plan.walkaway is not None else '—'}")  # fmt: skip
    for title, value in (("Their alternatives", sheet.their_alternatives),
                         ("Their stakeholders", sheet.their_stakeholders)):  # fmt: skip
        if value:
            st.markdown(f"**{title}:** {ui.escape_md(value)}")
    for title, items in (("Questions", sheet.questions), ("Kept private", sheet.keep_private),
                         ("Agenda", sheet.agenda)):  # fmt: skip
        if items:
            st.markdown(f"**{title}:**")
            for item in items:
                st.markdown("- " + ui.escape_md(item))


def cohort_rewind_setting(ctx: Ctx, cohort: Cohort) -> None:
    """The cohort's rewind limit (empty: each scenario's own)."""
    current = lineage.get_cohort_rewind_limit(ctx.store, cohort.id)
    with st.form(f"rewinds-{cohort.id}"):
        value = st.number_input("Rewinds per session for this cohort (empty: each scenario's own, usually 3)",
                                min_value=0, max_value=lineage.MAX_COHORT_LIMIT, value=current, step=1,
                                key=f"rewind-limit-{cohort.id}")  # fmt: skip
        if st.form_submit_button("Save rewind limit"):
            lineage.set_cohort_rewind_limit(ctx.store, cohort.id, None if value is None else int(value))
            st.success("Saved.")

"""Practice page: pick a scenario, read the brief, negotiate. Reads/writes st.session_state, calls trainer/."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from trainer.app import acceptance, factories
from trainer.app import practice as svc
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.llm.chat import LLMUnavailable
from trainer.scenarios.schema import Scenario
from trainer.ui import components as ui
from trainer.ui import learning
from trainer.ui.context import Ctx, knowledge_index
from trainer.ui.keys import BRIEFING, DEBRIEF_ID, FOCUS_FILTER
from trainer.ui.progress import assignments_box, join_form

log = logging.getLogger(__name__)

LIVE = "live"  # svc.Live of the session on screen
GENERATING = "generating"  # True while a reply is being produced: the input is disabled
VOICE_ERROR = "voice_error"
VOICE_OVERRIDE = "voice_override"  # "template" for one reply after "continue with the quick voice"
HINT = "hint"
CHAT_HEIGHT = 520  # px: fits a 768-900 px tall laptop screen with the input below
MODEL_ERROR = "model_error"  # why the model could not be loaded at Start (offers the quick voice)
CONFIRM = "confirm_below_walkaway"  # a message that would accept terms below the walk-away, waiting for a yes


def render(ctx: Ctx) -> None:
    """Route between picker, briefing and chat, resuming a session named in the URL if it is ours."""
    _resume_from_url(ctx)
    live: svc.Live | None = st.session_state.get(LIVE)
    if live is not None:
        _chat(ctx, live)
    elif st.session_state.get(BRIEFING) in ctx.scenarios:
        _briefing(ctx, ctx.scenarios[st.session_state[BRIEFING]])
    else:
        _picker(ctx)


# ---------------------------------------------------------------- resume


def _resume_from_url(ctx: Ctx) -> None:
    """After a refresh or restart, `?session=<id>` brings the conversation back (owner only)."""
    session_id = st.query_params.get("session")
    live = st.session_state.get(LIVE)
    if live is not None:
        st.query_params["session"] = live.session_id
        return
    if not session_id:
        return
    try:
        resumed = svc.Practice(ctx.store, ctx.scenarios).resume(ctx.trainee_id, session_id)
    except svc.PracticeError as exc:
        st.warning(str(exc))
        resumed = None
    except Exception:  # noqa: BLE001
        log.exception("resume failed for %s", session_id)
        resumed = None
    if resumed is None:
        del st.query_params["session"]
        st.info("That session link isn't available in this browser. Pick a scenario to start a new one.")
        return
    st.session_state[LIVE] = resumed
    st.toast("Welcome back. Your session was restored where you left it.")


# ---------------------------------------------------------------- picker


def _picker(ctx: Ctx) -> None:
    """Scenario cards, filterable by the mistake they train."""
    st.title("Practice a negotiation")
    errors = ctx.library.errors
    if not ctx.scenarios:
        st.warning("No scenarios are available yet. Add YAML files to `scenarios/`, then reload this page.")
        for err in errors:
            st.caption(ui.escape_md(err))
        return
    _cohort_box(ctx)
    _first_run_guidance(ctx)
    focus = st.pills(
        "Practise a specific mistake",
        options=list(MISTAKE_TITLES),
        format_func=lambda m: MISTAKE_TITLES[m],
        selection_mode="multi",
        key=FOCUS_FILTER,
    )
    shown = [s for s in ctx.scenarios.values() if not focus or set(focus) & set(s.learning_focus)]
    shown.sort(key=lambda s: (s.difficulty, s.title))
    if not shown:
        st.info("No scenario trains that combination yet. Clear a filter to see more.")
        return
    cols = st.columns(3)
    for n, scenario in enumerate(shown):
        with cols[n % 3]:
            _card(scenario)
    if errors:
        with st.expander(f"{len(errors)} scenario file(s) could not be loaded"):
            for err in errors:
                st.caption(ui.escape_md(err))


def _cohort_box(ctx: Ctx) -> None:
    """The start page shows the cohort join form and the trainee's assignments (from the progress page)."""
    try:
        join_form(ctx)
        assignments_box(ctx)
    except Exception:  # noqa: BLE001 - the picker must work even if the cohort tables are unavailable
        log.exception("cohort box failed")


def _first_run_guidance(ctx: Ctx) -> None:
    """A short orientation for people who have never done a session."""
    try:
        has_history = bool(ctx.store.list_sessions(ctx.trainee_id))
    except Exception:  # noqa: BLE001
        has_history = False
    if not has_history:
        st.info(
            "**How it works.** Pick a scenario, read your private brief, then negotiate in your own words "
            "against a counterparty who pushes on every weakness you show. End the session whenever you like "
            "for a debrief: five classic mistakes scored with the exact lines that caused them, the ground you "
            "gave away, and what to say instead.",
            icon=":material/waving_hand:",
        )


def _card(scenario: Scenario) -> None:
    """One scenario card: what it is, who you face, how hard, how long, what it trains."""
    cp = scenario.counterparty
    with st.container(border=True):
        st.subheader(ui.escape_md(scenario.title))
        st.caption(ui.escape_md(f"vs {cp.name}, {cp.role}, {cp.organisation}"))
        st.markdown(f"{ui.difficulty_label(scenario.difficulty)} · ~{scenario.estimated_minutes} min")
        st.markdown(" ".join(f":blue-badge[{MISTAKE_TITLES[m]}]" for m in scenario.learning_focus))
        st.markdown(ui.escape_md(scenario.summary))
        if st.button("Read the brief", key=f"brief-{scenario.id}", type="primary", width="stretch"):
            st.session_state[BRIEFING] = scenario.id
            st.rerun()


# ---------------------------------------------------------------- briefing


def _briefing(ctx: Ctx, scenario: Scenario) -> None:
    """The trainee's private brief, then Start."""
    brief = scenario.trainee
    if st.button("← All scenarios"):
        st.session_state.pop(BRIEFING, None)
        st.rerun()
    st.title(ui.escape_md(scenario.title))
    st.markdown(ui.escape_md(scenario.public_setting))
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Your role")
        st.markdown(ui.escape_md(f"{brief.role}, {brief.organisation}. {brief.background}"))
        st.subheader("Goals")
        for goal in brief.goals:
            st.markdown("- " + ui.escape_md(goal))
        st.subheader("Must-haves and red lines")
        for item in brief.must_haves:
            st.markdown(":green[:material/check_circle:] " + ui.escape_md(item))
        for item in brief.red_lines:
            st.markdown(":red[:material/block:] " + ui.escape_md(item))
    with right:
        st.subheader("Targets and walk-away")
        st.dataframe(_targets_rows(scenario), hide_index=True, width="stretch")
        st.subheader("Private: for your eyes only")
        st.warning(
            "The counterparty does not know any of this. Revealing it tends to cost you: keep it private "
            "unless saying it gets you something.",
            icon=":material/lock:",
        )
        for pressure in brief.private_pressures:
            st.markdown("- " + ui.escape_md(pressure.description))
        st.markdown(ui.escape_md(f"Your alternative ({brief.alternative.strength.value}): ")
                    + ui.escape_md(brief.alternative.description))
    st.divider()
    learning.level_picker(scenario)
    learning.preparation_form(scenario)
    cp = scenario.counterparty
    st.markdown(ui.escape_md(f"You will meet {cp.name}, {cp.role} at {cp.organisation}."))
    if st.button("Start the negotiation", type="primary", icon=":material/play_arrow:"):
        st.session_state.pop(MODEL_ERROR, None)
        _start(ctx, scenario)
    if st.session_state.get(MODEL_ERROR):
        st.error(st.session_state[MODEL_ERROR], icon=":material/error:")
        if st.button("Start with the quick voice", icon=":material/bolt:"):
            st.session_state.pop(MODEL_ERROR, None)
            ctx.prefs.realizer = "template"
            _start(ctx, scenario)


def _targets_rows(scenario: Scenario) -> list[dict[str, str]]:
    """Issue, target and walk-away as display strings."""
    return [
        {
            "Issue": i.label,
            "Your target": ui.fmt_value(i, i.trainee_target),
            "Walk-away": ui.fmt_value(i, i.trainee_walkaway),
        }
        for i in scenario.issues
    ]


def _start(ctx: Ctx, scenario: Scenario) -> None:
    """Create the stored session, make sure the voice is ready, then show the chat."""
    voice_name = _voice_name(ctx)
    if voice_name == "llm" and not _warm_model(ctx):
        return
    with ui.friendly_errors("Starting the session", "Reload the page and try again; your data is safe."):
        level, sheet = learning.start_options(scenario)
        live = svc.Practice(ctx.store, ctx.scenarios).start(ctx.trainee_id, scenario.id, realizer=voice_name, level=level)
        learning.keep_sheet(ctx, live, sheet)
        st.session_state[LIVE] = live
        st.session_state.pop(BRIEFING, None)
        st.query_params["session"] = live.session_id
        st.rerun()


# ---------------------------------------------------------------- the voice


def _voice_name(ctx: Ctx) -> str:
    """'template' when the backend or the user's preference says so, else 'llm'."""
    return factories.voice_name(ctx.effective_settings(), ctx.prefs.realizer)


def _warm_model(ctx: Ctx) -> bool:
    """Load the embedded model before the first reply, explaining the wait the first time."""
    settings = ctx.effective_settings()
    first = not ctx.prefs.seen_model_explainer
    label = "Loading the embedded model…" if settings.llm_backend == "local" else "Connecting to the model…"
    try:
        holder = st.empty()
        with holder.status(label, expanded=first):
            if first and settings.llm_backend == "local":
                st.write(
                    "The counterparty's voice runs on a small model on this computer, so nothing you type "
                    "leaves the machine. Loading it takes a few seconds the first time; later sessions start "
                    "at once."
                )
            factories.warm_model(settings)
        holder.empty()
        ctx.prefs.seen_model_explainer = True
        return True
    except LLMUnavailable as exc:
        log.warning("model not available: %s", exc)
        message = f"{exc} You can still practise with the quick voice (scripted lines, same negotiator)."
    except Exception:  # noqa: BLE001
        log.exception("loading the model failed")
        message = "The model could not be loaded. You can still practise with the quick voice."
    st.session_state[MODEL_ERROR] = message
    st.rerun()
    return False


# ---------------------------------------------------------------- chat


def _chat(ctx: Ctx, live: svc.Live) -> None:
    """The role-play: transcript, streamed reply, side panel with the terms and actions."""
    scenario = live.scenario
    generating = bool(st.session_state.get(GENERATING)) and live.pending is not None
    # Rendered first (it is pinned to the bottom anyway) so it is already disabled while the reply streams.
    text = st.chat_input(
        _input_placeholder(live, generating),
        disabled=generating or live.pending is not None or live.status != svc.ACTIVE,
        key="chat_text",
    )
    if text and not generating:
        _send(ctx, live, text)
    main, side = st.columns([3, 2], gap="large")
    with side:
        _side_panel(ctx, live, generating)
    with main:
        st.markdown(f"**{ui.escape_md(scenario.title)}** · with {ui.escape_md(scenario.counterparty.name)}, "
                    f"{ui.escape_md(scenario.counterparty.role)}")  # fmt: skip
        # A fixed-height transcript keeps the terms panel in view on a laptop screen; it sticks to the bottom.
        with st.container(height=CHAT_HEIGHT, border=False):
            _transcript(ctx, live, generating)
        _hint_box()
        _confirm_box(ctx, live)
        learning.suggestion(live, lambda text: _send(ctx, live, text))
        if live.status != svc.ACTIVE:
            _session_over(ctx, live)


def _transcript(ctx: Ctx, live: svc.Live, generating: bool) -> None:
    """Every line so far, then the streaming reply or the controls for a pending turn."""
    for line in live.lines:
        ui.chat_line(line.speaker, line.text, name=_speaker_name(line.speaker, live.scenario))
        if (line.meta or {}).get("fallback"):
            st.caption(":material/bolt: The model's line didn't pass the checks, so this reply used the quick voice.")
    if generating:
        _stream_reply(ctx, live)
    elif live.pending is not None:
        _pending_controls()


def _speaker_name(speaker: str, scenario: Scenario) -> str:
    """'You' or the counterparty's name."""
    return "You" if speaker == svc.TRAINEE else scenario.counterparty.name


def _input_placeholder(live: svc.Live, generating: bool) -> str:
    """Tell people why the box is disabled, or what to try first."""
    if generating:
        return f"{live.scenario.counterparty.name} is replying…"
    if live.status != svc.ACTIVE:
        return "This session is over. Open the debrief."
    if live.pending is not None:
        return "Retry the reply above first."
    if live.trainee_turns == 0:
        return "Your opening words… (try a question before any number)"
    return "Your reply…"


def _send(ctx: Ctx, live: svc.Live, text: str) -> None:
    """Commit the trainee's words, unless they would accept terms below the walk-away: then ask first."""
    st.session_state.pop(CONFIRM, None)  # a new message replaces one still waiting for confirmation
    if _needs_confirmation(live, text):
        return
    _submit(ctx, lambda practice: practice.send(live, text))


def _needs_confirmation(live: svc.Live, text: str, values: dict[str, float] | None = None) -> bool:
    """Keep a message that accepts a package below the walk-away until the trainee confirms it."""
    acts = svc.proposal_acts(values, live.scenario) if values is not None else None
    try:
        labels = acceptance.issues_below_walkaway(live, text, acts)
    except Exception:  # noqa: BLE001 - the check is a safeguard; a failure must not block the turn
        log.exception("the below-walk-away check failed")
        labels = []
    if not labels:
        return False
    st.session_state[CONFIRM] = {"text": text, "values": values, "labels": labels}
    st.rerun()
    return True


def _confirm_box(ctx: Ctx, live: svc.Live) -> None:
    """'This would accept terms below your walk-away on X and Y. Accept anyway?' with both answers."""
    pending = st.session_state.get(CONFIRM)
    if not pending or live.status != svc.ACTIVE:
        return
    st.warning(ui.escape_md(acceptance.confirm_question(pending["labels"])), icon=":material/warning:")
    a, b = st.columns(2)
    if a.button("Accept anyway", key="confirm-accept", width="stretch"):
        st.session_state.pop(CONFIRM, None)
        values = pending["values"]
        if values is not None:
            _submit(ctx, lambda practice: practice.propose(live, values))
        else:
            _submit(ctx, lambda practice: practice.send(live, pending["text"]))
    if b.button("Keep negotiating", key="confirm-back", type="primary", width="stretch"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()


def _submit(ctx: Ctx, commit: Callable[[svc.Practice], None]) -> None:
    """Commit the trainee's turn (words or a button's typed acts), then rerun with the input disabled while the
    reply streams."""
    try:
        commit(svc.Practice(ctx.store, ctx.scenarios))
    except svc.PracticeError as exc:
        st.error(str(exc))
        return
    except Exception:  # noqa: BLE001
        log.exception("saving a turn failed")
        st.error("Your message could not be saved. Check the disk or database, then try again.")
        return
    st.session_state[GENERATING] = True
    st.session_state.pop(VOICE_ERROR, None)
    st.session_state.pop(HINT, None)
    st.rerun()


def _stream_reply(ctx: Ctx, live: svc.Live) -> None:
    """Stream the counterparty's reply; on failure keep the trainee's turn pending and say what to do."""
    name = st.session_state.pop(VOICE_OVERRIDE, None) or _voice_name(ctx)
    try:
        with st.chat_message("assistant", avatar=ui.AVATARS["counterparty"]):
            st.caption(ui.escape_md(live.scenario.counterparty.name))
            thinking = st.empty()
            thinking.markdown(f"_{ui.escape_md(live.scenario.counterparty.name)} is thinking…_")
            realizer = factories.realizer(ctx.effective_settings(), name)
            queue = factories.model_queue(ctx.effective_settings(), name)  # the one local model: wait in line
            chunks = svc.Practice(ctx.store, ctx.scenarios).reply(
                live, realizer, realizer_name=name, queue=queue,
                on_wait=lambda wait: thinking.info(wait.message(), icon=":material/hourglass_top:"),
            )  # fmt: skip
            st.write_stream(ui.escaped_stream(_clear_on_first(chunks, thinking)))
    except (svc.PracticeError, LLMUnavailable) as exc:
        st.session_state[VOICE_ERROR] = str(exc)
    except Exception:  # noqa: BLE001
        log.exception("reply failed for session %s", live.session_id)
        st.session_state[VOICE_ERROR] = "Something went wrong while replying. Your message is saved."
    st.session_state[GENERATING] = False
    if ctx.prefs.live_hints and VOICE_ERROR not in st.session_state:
        st.session_state[HINT] = _live_hint(ctx, live, on_request=False)
    st.rerun()


def _clear_on_first(chunks: Iterator[str], placeholder: DeltaGenerator) -> Iterator[str]:
    """Remove the 'thinking' line as soon as the first words arrive."""
    first = True
    for chunk in chunks:
        if first:
            placeholder.empty()
            first = False
        yield chunk


def _pending_controls() -> None:
    """The trainee's message has no reply: explain and offer Retry or the quick voice."""
    error = st.session_state.get(VOICE_ERROR) or "The reply to your last message didn't arrive."
    st.error(error, icon=":material/error:")
    a, b = st.columns(2)
    if a.button("Retry", icon=":material/replay:", width="stretch"):
        st.session_state[GENERATING] = True
        st.rerun()
    if b.button("Continue with the quick voice", icon=":material/bolt:", width="stretch"):
        st.session_state[VOICE_OVERRIDE] = "template"
        st.session_state[GENERATING] = True
        st.rerun()


def _session_over(ctx: Ctx, live: svc.Live) -> None:
    """The deal closed or the trainee ended it: point to the debrief."""
    labels = {"agreed": "You reached an agreement.", "walked_away": "You walked away."}
    st.success(labels.get(live.status, "The session has ended.") + " Your debrief is ready.")
    c1, c2 = st.columns(2)
    if c1.button("Open the debrief", type="primary", icon=":material/assignment:", width="stretch"):
        _go_debrief(ctx, live)
    if c2.button("Back to scenarios", width="stretch"):
        _leave()


# ---------------------------------------------------------------- side panel


def _side_panel(ctx: Ctx, live: svc.Live, generating: bool) -> None:
    """Terms on the table plus the actions; everything is disabled while a reply is generated."""
    st.markdown("**Terms on the table**")
    with st.container(border=True):
        for r in svc.terms_on_table(live.state, live.scenario):
            issue = live.scenario.issue(r.issue_id)
            st.markdown(
                f"**{ui.escape_md(r.label)}**  \n"
                f":gray[Them] {ui.escape_md(ui.fmt_value(issue, r.theirs))} · "
                f":gray[You] {ui.escape_md(ui.fmt_value(issue, r.yours))} · "
                f":gray[Target] {ui.escape_md(ui.fmt_value(issue, r.target))}"
            )
    busy = generating or live.status != svc.ACTIVE
    blocked = busy or live.pending is not None
    ctx.prefs.live_hints = st.toggle(
        "Live coaching", value=ctx.prefs.live_hints, help="A short nudge after each reply, grounded in the notes."
    )
    if st.button("Hint", icon=":material/lightbulb:", disabled=busy, width="stretch"):
        st.session_state[HINT] = _live_hint(ctx, live)
    _propose_popover(ctx, live, blocked)
    with st.popover("Walk away", icon=":material/logout:", disabled=blocked, width="stretch"):
        st.markdown("Walk away and fall back on your alternative? The counterparty will hear it.")
        if st.button("Yes, walk away", type="primary"):
            _submit(ctx, lambda practice: practice.walk_away(live))
    if st.button("End and debrief", icon=":material/assignment:", type="primary", disabled=generating, width="stretch"):
        _end(ctx, live)
    learning.session_panel(ctx, live, generating, _open_branch)
    with st.expander("Your brief"):
        brief = live.scenario.trainee
        for goal in brief.goals:
            st.markdown("- " + ui.escape_md(goal))
        st.caption("Private: " + ui.escape_md("; ".join(p.description for p in brief.private_pressures)))


def _propose_popover(ctx: Ctx, live: svc.Live, blocked: bool) -> None:
    """Propose a full agreement: one value per issue, pre-filled with the current table."""
    with st.popover("Propose agreement", icon=":material/handshake:", disabled=blocked, width="stretch"):
        values: dict[str, float] = {}
        for row in svc.terms_on_table(live.state, live.scenario):
            start = row.yours if row.yours is not None else (row.theirs if row.theirs is not None else row.target)
            issue = live.scenario.issue(row.issue_id)
            values[row.issue_id] = st.number_input(
                f"{row.label} ({row.unit})", value=float(start), step=float(issue.step), key=f"prop-{row.issue_id}"
            )
        if st.button("Send proposal", type="primary"):
            if not _needs_confirmation(live, svc.proposal_text(values, live.scenario), values):
                _submit(ctx, lambda practice: practice.propose(live, values))


def _hint_box() -> None:
    """Show the latest hint, if one was asked for."""
    hint = st.session_state.get(HINT)
    if hint:
        st.info(ui.escape_md(hint), icon=":material/lightbulb:")


def _live_hint(ctx: Ctx, live: svc.Live, on_request: bool = True) -> str | None:
    """The coach's nudge (a generic one if the coach is unavailable and the trainee asked)."""
    try:
        index = knowledge_index(ctx) if on_request else None
        return svc.hint_for(live, index, on_request=on_request)
    except Exception:  # noqa: BLE001
        log.exception("hint failed")
    if not on_request:
        return None
    return "Ask about their constraints before you move on any number, and trade rather than concede."


# ---------------------------------------------------------------- ending


def _end(ctx: Ctx, live: svc.Live) -> None:
    """End the session (if still open) and go to the debrief, which computes the evaluation."""
    if live.status == svc.ACTIVE:
        with ui.friendly_errors("Ending the session", "Try again; your turns are saved."):
            svc.Practice(ctx.store, ctx.scenarios).end(live, "ended")
    _go_debrief(ctx, live)


def _go_debrief(ctx: Ctx, live: svc.Live) -> None:
    """Hand the session to the debrief page and leave the chat."""
    st.session_state[DEBRIEF_ID] = live.session_id
    _clear_chat()
    ctx.go("debrief", session=live.session_id)


def _open_branch(live: svc.Live) -> None:
    """Show a branch just opened by a rewind (the session it came from stays in the store)."""
    _clear_chat()
    st.session_state[LIVE] = live
    st.query_params["session"] = live.session_id
    st.rerun()


def _leave() -> None:
    """Back to the picker; the session stays in the store."""
    _clear_chat()
    st.rerun()


def _clear_chat() -> None:
    """Forget the on-screen session (it stays in the store)."""
    for key in (LIVE, GENERATING, VOICE_ERROR, HINT, VOICE_OVERRIDE, CONFIRM):
        st.session_state.pop(key, None)
    if "session" in st.query_params:
        del st.query_params["session"]

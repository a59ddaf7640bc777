"""Scenario studio page (instructors): start from the template or a clone, edit YAML with live validation,
a form for the common fields, test-play in a side panel with the engine's hidden state, save drafts, publish.

Mounted by app.py as `render(ctx: Ctx) -> None`; signed-in instructors only (see `trainer.ui.instructor`).
Logic lives in `trainer.app.studio`; this module only lays it out. Test-play state is kept per browser session.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from trainer.app import studio
from trainer.app.session import Session
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.scenarios.schema import Scenario
from trainer.ui import components as ui
from trainer.ui.context import Ctx, refresh_library
from trainer.ui.instructor import require_instructor

log = logging.getLogger(__name__)

TEXT = "studio_yaml"  # the editor's text
SOURCE = "studio_source"
DRAFT_NAME = "studio_draft_name"
PLAY = "studio_play"  # the test-play's Session (the same driver a trainee's session uses)
PLAY_INPUT = "studio_play_input"
TEMPLATE, CLONE, DRAFT = "New from template", "Clone a scenario", "Open a draft"


def render(ctx: Ctx) -> None:
    """The studio: editor on the left, validation and test-play on the right."""
    if not require_instructor(ctx):
        return
    st.title("Scenario studio")
    _apply_pending_form()
    _source_picker(ctx)
    if TEXT not in st.session_state:
        st.info("Start from the template, clone a scenario or open a draft.")
        return
    editor, side = st.columns([3, 2])
    with editor:
        st.text_area("Scenario YAML", key=TEXT, height=520)
        result = studio.validate_text(st.session_state[TEXT])
        _form(result)
    with side:
        _validation(result)
        _save(ctx, result)
        _test_play(result)


# ---------------------------------------------------------------- loading


def _source_picker(ctx: Ctx) -> None:
    """Where the editor's text comes from."""
    kind = st.radio("Start", [TEMPLATE, CLONE, DRAFT], horizontal=True, key=SOURCE)
    if kind == TEMPLATE:
        st.button("Load the template", on_click=_load, args=(studio.template_text(), "new-scenario"))
    elif kind == CLONE:
        _clone_picker(ctx)
    else:
        _draft_picker(ctx)


def _clone_picker(ctx: Ctx) -> None:
    """Pick a published scenario and a new id for the copy."""
    if not ctx.scenarios:
        st.caption("No published scenarios to clone.")
        return
    source = st.selectbox("Scenario", sorted(ctx.scenarios), key="studio_clone_source")
    st.text_input("New id (lowercase-with-hyphens)", value=f"{source}-copy", key="studio_clone_id")
    st.button("Clone", on_click=_clone, args=(ctx,))


def _clone(ctx: Ctx) -> None:
    """Callback: reads the widgets' current values (a closure would see the previous run's)."""
    source, new_id = st.session_state["studio_clone_source"], st.session_state["studio_clone_id"].strip()
    _load(studio.clone_text(ctx.scenarios[source], new_id), new_id)


def _draft_picker(ctx: Ctx) -> None:
    """Re-open a saved draft."""
    names = studio.list_drafts(ctx.settings)
    if not names:
        st.caption("No drafts saved yet.")
        return
    st.selectbox("Draft", names, key="studio_draft_pick")
    st.button("Open draft", on_click=_open_draft, args=(ctx,))


def _open_draft(ctx: Ctx) -> None:
    """Callback: load the draft currently selected."""
    name = st.session_state["studio_draft_pick"]
    _load(studio.load_draft(ctx.settings, name), name)


def _load(text: str, name: str) -> None:
    """Replace the editor's text (callback: runs before the text area is drawn) and reset test-play."""
    st.session_state[TEXT] = text
    st.session_state[DRAFT_NAME] = name
    st.session_state.pop(PLAY, None)


# ---------------------------------------------------------------- validation and form


def _validation(result: studio.Validation) -> None:
    """Live messages from the same validator as `trainer scenarios validate`."""
    st.subheader("Validation")
    if result.ok:
        st.success("Valid: this scenario can be published.", icon="✅")
        return
    st.error(f"{len(result.errors)} problem(s): it can be saved as a draft, not published.", icon="⛔")
    for line in result.errors[:40]:
        st.caption(ui.escape_md(line.removeprefix("editor: ")))


def _form(result: studio.Validation) -> None:
    """Common fields as a form; applying it rewrites the YAML (comments are dropped)."""
    data = result.data
    if data is None:
        return
    with st.expander("Edit common fields with a form"), st.form("studio_form"):
        values: dict[str, Any] = {
            "id": st.text_input("Id", value=str(data.get("id", ""))),
            "title": st.text_input("Title", value=str(data.get("title", ""))),
            "summary": st.text_area("Summary", value=str(data.get("summary", ""))),
            "difficulty": st.slider("Difficulty", 1, 3, value=_int(data.get("difficulty"), 1, 1, 3)),
            "estimated_minutes": st.number_input(
                "Estimated minutes", 5, 120, value=_int(data.get("estimated_minutes"), 20, 5, 120)
            ),
            "tags": [
                t.strip()
                for t in st.text_input("Tags (comma-separated)", value=_tags(data)).split(",")
                if t.strip()
            ],
            "learning_focus": st.multiselect(
                "Learning focus", list(MISTAKE_TITLES), default=_focus(data), format_func=MISTAKE_TITLES.get
            ),
        }
        if st.form_submit_button("Apply to YAML"):
            st.session_state["studio_pending_form"] = values
            st.rerun()


def _int(value: Any, default: int, low: int, high: int) -> int:
    """A form default from possibly bad YAML."""
    return min(high, max(low, value)) if isinstance(value, int) else default


def _tags(data: dict[str, Any]) -> str:
    tags = data.get("tags")
    return ", ".join(str(t) for t in tags) if isinstance(tags, list) else ""


def _focus(data: dict[str, Any]) -> list[str]:
    focus = data.get("learning_focus")
    return [f for f in focus if f in MISTAKE_TITLES] if isinstance(focus, list) else []


def _apply_pending_form() -> None:
    """Form values are merged before the text area is drawn (a widget's value can't change after)."""
    values = st.session_state.pop("studio_pending_form", None)
    if values and TEXT in st.session_state:
        st.session_state[TEXT] = studio.apply_form(st.session_state[TEXT], values)


# ---------------------------------------------------------------- saving


def _save(ctx: Ctx, result: studio.Validation) -> None:
    """Drafts always; publishing only when valid."""
    st.subheader("Save")
    name = st.text_input("Draft name", key=DRAFT_NAME)
    cols = st.columns(2)
    if cols[0].button("Save draft", key="studio_save_draft"):
        path = studio.save_draft(ctx.settings, name or "untitled", st.session_state[TEXT])
        st.success(f"Draft saved: {path.name}")
    if cols[1].button("Publish", type="primary", disabled=not result.ok, key="studio_publish"):
        _publish(ctx)


def _publish(ctx: Ctx) -> None:
    """Write the scenario where the library will pick it up, then refresh the library cache."""
    path, errors = studio.publish(ctx.settings, st.session_state[TEXT], ctx.library.paths)
    if errors:
        for line in errors:
            st.error(ui.escape_md(line.removeprefix("editor: ")))
        return
    refresh_library()
    st.success(f"Published to {path}. Trainees see it within a minute.")


# ---------------------------------------------------------------- test-play


def _test_play(result: studio.Validation) -> None:
    """Play the edited scenario against the engine; the hidden state is visible here (instructors only)."""
    st.subheader("Test-play")
    if not result.ok:
        st.caption("Fix the validation problems to test-play.")
        return
    play: Session | None = st.session_state.get(PLAY)
    if play is None or play.scenario != result.scenario:
        if st.button("Start test-play", key="studio_play_start"):
            _start_play(result.scenario)
            st.rerun()
        return
    for line in play.lines:
        ui.chat_line(line.speaker, line.text)
    with st.form("studio_play_form", clear_on_submit=True):
        said = st.text_input("You say", key=PLAY_INPUT)
        sent = st.form_submit_button("Send")
    if sent and said.strip():
        studio.play_step(play, said.strip())
        st.rerun()
    _hidden_state(play)
    st.button(
        "Restart test-play", key="studio_play_restart", on_click=lambda: st.session_state.pop(PLAY, None)
    )


def _start_play(scenario: Scenario) -> None:
    """Open a fresh test-play (seed 0: reproducible for the author)."""
    st.session_state[PLAY] = studio.play_open(scenario)


def _hidden_state(play: Session) -> None:
    """What the trainee never sees: the deal state, the chosen move and how the last line was read."""
    with st.expander("Hidden state (instructor only)", expanded=True):
        if play.state is not None:
            st.json(play.state.model_dump(mode="json"), expanded=1)
        move = play.lines[-1].move if play.lines else None
        if move is not None:
            st.caption("Counterparty's move")
            st.json(move.model_dump(mode="json"), expanded=1)
        if play.last_step is not None:
            st.caption("How your last line was read")
            st.json(play.last_step.analysis.model_dump(mode="json"), expanded=1)

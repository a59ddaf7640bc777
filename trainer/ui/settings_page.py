"""Settings: which model voices the counterparty, the quick voice, live hints. Per browser session only."""

from __future__ import annotations

import logging
import time

import streamlit as st

from trainer.app import factories
from trainer.llm.chat import LLMUnavailable
from trainer.ui.components import escape_md
from trainer.ui.context import Ctx, Prefs, effective_settings, overrides_problem

log = logging.getLogger(__name__)

BACKENDS = {
    "local": "Embedded model (runs on this computer)",
    "openai": "OpenAI-compatible endpoint (URL, model, key)",
    "template": "No model: quick voice only",
}


def render(ctx: Ctx) -> None:
    """Backend, connection check, voice and hints; the API key is kept in memory for this browser session."""
    st.title("Settings")
    prefs = ctx.prefs
    env = ctx.settings
    st.caption("These choices apply to this browser session. The server's defaults come from LEVERAGE_* "
               "environment variables (see `trainer doctor`).")  # fmt: skip
    _backend_form(ctx, prefs, env.llm_backend)
    _check_connection(ctx)
    st.divider()
    st.subheader("Practice")
    voice = st.radio(
        "Counterparty voice",
        ["llm", "template"],
        index=0 if prefs.realizer == "llm" else 1,
        format_func=lambda v: "The model's voice (natural, a few seconds a reply)" if v == "llm"
        else "Quick voice (scripted lines, instant; same negotiator underneath)",
    )  # fmt: skip
    hints = st.toggle("Live coaching hints after each reply", value=prefs.live_hints)
    if (voice, hints) != (prefs.realizer, prefs.live_hints):
        prefs.realizer, prefs.live_hints = voice, hints
        st.toast("Saved.")
    st.divider()
    st.caption(f"Data directory: {env.data_dir}")


def _backend_form(ctx: Ctx, prefs: Prefs, env_backend: str) -> None:
    """Choose the backend; a new key replaces the old one, is cleared from the field, and is never shown."""
    state = st.session_state
    state.setdefault("set_backend", prefs.backend or env_backend)
    state.setdefault("set_url", prefs.base_url or ctx.settings.llm_base_url or "")
    state.setdefault("set_model", prefs.model or ctx.settings.llm_model or "")
    has_key = bool(prefs.api_key) or ctx.settings.openai_api_key is not None
    with st.form("backend"):
        st.radio("Language model", list(BACKENDS), format_func=BACKENDS.__getitem__, key="set_backend")
        st.text_input("Endpoint URL", placeholder="http://localhost:8000/v1", key="set_url")
        st.text_input("Model name", key="set_model")
        st.text_input(
            "API key",
            type="password",
            key="set_key",
            placeholder="A key is set (hidden). Type to replace it." if has_key else "Only if your endpoint needs one",
            help="Kept in memory for this browser session only: never displayed, never written to the database.",
        )
        st.form_submit_button("Save", type="primary", on_click=_save, args=(ctx,))
    message = state.pop("settings_message", None)
    if message:
        (st.success if message.startswith("Saved") else st.error)(message)
    if prefs.api_key and st.button("Forget the API key"):
        prefs.api_key = None
        st.rerun()


def _save(ctx: Ctx) -> None:
    """Form callback: validate like the environment is validated, then keep the choices for this session."""
    state, prefs = st.session_state, ctx.prefs
    candidate = Prefs(**{**prefs.__dict__, "backend": state["set_backend"],
                         "base_url": state["set_url"].strip() or None, "model": state["set_model"].strip() or None,
                         "api_key": state["set_key"].strip() or prefs.api_key})  # fmt: skip
    state["set_key"] = ""  # the typed key never survives into the next run's widgets
    problem = overrides_problem(ctx.settings, candidate)
    if problem:
        state["settings_message"] = f"Not saved: {problem}"
        return
    prefs.backend, prefs.base_url, prefs.model, prefs.api_key = (
        candidate.backend, candidate.base_url, candidate.model, candidate.api_key
    )
    state["settings_message"] = "Saved for this browser session."


def _check_connection(ctx: Ctx) -> None:
    """Ask the configured model for a one-word reply and report the result and latency."""
    if not st.button("Check connection", icon=":material/power:"):
        return
    settings = effective_settings(ctx.settings, ctx.prefs)
    if settings.llm_backend == "template":
        st.info("No model is configured: the quick voice needs no connection.")
        return
    started = time.monotonic()
    try:
        with st.spinner("Asking the model for a one-word reply (the embedded model may take a few seconds to load)…"):
            words = factories.ping(settings)
        st.success(f"Connected in {time.monotonic() - started:.1f} s. The model replied: {escape_md(words)}")
    except LLMUnavailable as exc:
        st.error(f"{exc}")
    except Exception:  # noqa: BLE001
        log.exception("connection check failed")
        st.error("The check failed. Verify the URL and model name, then try again; details are in the log.")

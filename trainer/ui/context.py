"""The `Ctx` every page function receives: shared resources plus who is using this browser session.

Pages are mounted as `st.Page(partial(render, ctx))` in app.py, so every page has the signature
`render(ctx: Ctx) -> None`. Process-wide resources (store, library, embedded model) are cached with
`st.cache_resource`; anything per user lives in `st.session_state` (never in module globals).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import SecretStr

from trainer.config import Settings, get_settings

log = logging.getLogger(__name__)

# st.session_state keys owned by the app shell (pages may read them).
TRAINEE_KEY = "trainee_id"
CLIENT_KEY = "client_key"  # the random key that names this browser's solo trainee (kept in the URL as ?me=)
PREFS_KEY = "prefs"
IDENTITY_PARAM = "me"


@dataclass
class Prefs:
    """Per-browser-session choices from the Settings page; the API key lives only here, never in the DB."""

    backend: str | None = None  # None = from the environment; "local" | "openai" | "template"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never in reprs, logs or the database
    realizer: str = "llm"  # "llm" (the model's voice) | "template" (the quick voice)
    live_hints: bool = False
    seen_model_explainer: bool = False
    seen_index_explainer: bool = False


@dataclass
class Ctx:
    """What a page needs: settings, the store, the scenario library, and the current trainee."""

    settings: Settings
    store: Any  # trainer.storage.store.Store
    library: Any  # trainer.scenarios.library.Library
    trainee_id: Any
    prefs: Prefs = field(default_factory=Prefs)
    pages: dict[str, Any] = field(default_factory=dict)  # name -> st.Page, filled by app.py

    def go(self, name: str, **query: str) -> None:
        """Switch to another page, keeping this browser's identity in the URL."""
        params = {IDENTITY_PARAM: st.session_state.get(CLIENT_KEY, "")} | query
        st.switch_page(self.pages[name], query_params={k: v for k, v in params.items() if v})

    @property
    def scenarios(self) -> dict[str, Any]:
        """Scenario id -> Scenario (empty when the library failed to load)."""
        return dict(getattr(self.library, "scenarios", {}) or {})

    def effective_settings(self) -> Settings:
        """Environment settings overlaid with this browser session's Settings-page choices."""
        return effective_settings(self.settings, self.prefs)


def effective_settings(base: Settings, prefs: Prefs) -> Settings:
    """Apply the Settings-page overrides without touching the environment or the database."""
    if not prefs.backend:
        return base
    overrides: dict[str, Any] = {"llm_backend": prefs.backend}
    if prefs.backend == "openai":
        overrides["llm_base_url"] = prefs.base_url or base.llm_base_url
        overrides["llm_model"] = prefs.model or base.llm_model
        if prefs.api_key:
            overrides["openai_api_key"] = SecretStr(prefs.api_key)
    return base.model_copy(update=overrides)


def overrides_problem(base: Settings, prefs: Prefs) -> str | None:
    """Validate the Settings-page choices the same way the environment is validated (None = fine)."""
    from trainer.config import ConfigError

    if not prefs.backend:
        return None
    try:
        get_settings(**{k: v for k, v in effective_settings(base, prefs).model_dump().items() if v is not None})
    except ConfigError as exc:
        return str(exc)
    return None


@st.cache_resource(show_spinner=False)
def _store(db_url: str) -> Any:
    """One Store (connection pool) per database URL for the whole process."""
    from trainer.storage.store import Store

    store = Store(db_url)
    store.migrate()
    return store


def scenario_dirs() -> list[Path]:
    """The bundled library (or LEVERAGE_SCENARIOS_DIR) plus instructor-saved scenarios in the data directory."""
    from trainer.scenarios.library import default_dirs

    return default_dirs()


@st.cache_resource(show_spinner=False, ttl=60)
def _library(dirs: tuple[str, ...]) -> Any:
    """The scenario library, re-read at most once a minute (instructors may publish new ones)."""
    from trainer.scenarios.library import load_library

    return load_library([Path(d) for d in dirs])


def _prefs() -> Prefs:
    """This browser session's preferences, created on first use."""
    if PREFS_KEY not in st.session_state:
        st.session_state[PREFS_KEY] = Prefs()
    return st.session_state[PREFS_KEY]


def _trainee_id(store: Any) -> Any:
    """The trainee for this browser session, restored from `?me=` after a refresh or created on first visit."""
    trainee_id = st.session_state.get(TRAINEE_KEY)
    if trainee_id is not None:
        key = st.session_state.get(CLIENT_KEY)
    else:
        key = st.query_params.get(IDENTITY_PARAM)
        trainee = store.find_trainee_by_client_key(key) if key else None
        if trainee is not None:
            trainee_id = trainee.id
        else:
            key = secrets.token_urlsafe(18)
            trainee_id = store.create_trainee(display_name="Solo trainee", client_key=key).id
    st.session_state[TRAINEE_KEY] = trainee_id
    st.session_state[CLIENT_KEY] = key
    if key and st.query_params.get(IDENTITY_PARAM) != key:
        st.query_params[IDENTITY_PARAM] = key
    return trainee_id


def build_ctx() -> Ctx:
    """Assemble the context for this run of the script (cheap: the heavy parts are cached)."""
    settings = get_settings()
    store = _store(settings.db_url)
    library = _library(tuple(str(d) for d in scenario_dirs()))
    return Ctx(settings=settings, store=store, library=library, trainee_id=_trainee_id(store), prefs=_prefs())


def set_trainee(trainee_id: Any, client_key: str | None = None) -> None:
    """Switch this browser session to another trainee (e.g. after joining a cohort with a client key)."""
    st.session_state[TRAINEE_KEY] = trainee_id
    st.session_state[CLIENT_KEY] = client_key

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
from streamlit.navigation.page import StreamlitPage

from trainer.app import factories
from trainer.coaching.index import KnowledgeIndex
from trainer.config import ConfigError, Settings, get_settings, install_log_redaction, redact, register_secret
from trainer.scenarios.loading import Library, default_dirs
from trainer.scenarios.schema import Scenario
from trainer.storage.store import Store

log = logging.getLogger(__name__)

# st.session_state keys owned by the app shell (pages may read them).
TRAINEE_KEY = "trainee_id"
CLIENT_KEY = "client_key"  # the random key that names this browser's solo trainee (kept in the URL as ?me=)
PREFS_KEY = "prefs"
INDEX_READY = "index_ready"  # the notes index was built (or found) in this browser session
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
    store: Store
    library: Library
    trainee_id: str | None
    prefs: Prefs = field(default_factory=Prefs)
    pages: dict[str, StreamlitPage] = field(default_factory=dict)  # url path -> st.Page, filled by app.py

    def go(self, name: str, **query: str) -> None:
        """Switch to another page, keeping this browser's identity in the URL."""
        params = {IDENTITY_PARAM: st.session_state.get(CLIENT_KEY, "")} | query
        st.switch_page(self.pages[name], query_params={k: v for k, v in params.items() if v})

    @property
    def scenarios(self) -> dict[str, Scenario]:
        """Scenario id -> Scenario (the usable ones; broken files are in `library.errors`)."""
        return self.library.scenarios

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
            register_secret(prefs.api_key)  # typed on the Settings page: masked in every message and log from now
            overrides["openai_api_key"] = SecretStr(prefs.api_key)
    return base.model_copy(update=overrides)


def overrides_problem(base: Settings, prefs: Prefs) -> str | None:
    """Validate the Settings-page choices the same way the environment is validated (None = fine)."""
    if not prefs.backend:
        return None
    try:
        get_settings(**{k: v for k, v in effective_settings(base, prefs).model_dump().items() if v is not None})
    except ConfigError as exc:
        return str(exc)
    return None


@st.cache_resource(show_spinner=False)
def _store(db_url: str) -> Store:
    """One Store (connection pool) per database URL for the whole process."""
    return factories.open_store(db_url)


@st.cache_resource(show_spinner=False, ttl=60)
def _library(dirs: tuple[str, ...]) -> Library:
    """The scenario library, re-read at most once a minute (instructors may publish new ones)."""
    return factories.scenario_library(Path(d) for d in dirs)


def refresh_library() -> None:
    """Drop this process's cached library so a newly published scenario shows up now (other replicas: within
    the cache's TTL)."""
    _library.clear()


@st.cache_resource(show_spinner=False)
def _index(data_dir: str, chroma_url: str, _settings: Settings) -> KnowledgeIndex:
    """One notes index per process and location (Chroma client plus embedding model).

    `data_dir` and `chroma_url` are the cache key; `_settings` (not hashed) is what the index is built from.
    """
    return factories.knowledge_index(_settings)


def knowledge_index(ctx: Ctx) -> KnowledgeIndex | None:
    """The notes index for citations, built on first use with an explanation; None if it is unavailable."""
    settings = ctx.settings
    key = (settings.data_dir.as_posix(), settings.chroma_url or "", settings)
    if INDEX_READY in st.session_state:
        try:
            return _index(*key)
        except Exception:  # noqa: BLE001 - citations are optional
            log.info("knowledge index not available", exc_info=True)
            return None
    first = not ctx.prefs.seen_index_explainer
    holder = st.empty()
    try:
        with holder.status("Preparing the coaching notes…", expanded=first):
            if first:
                st.write("The debrief cites short notes on negotiation. The first time, Leverage indexes "
                         "them on this computer; this takes a few seconds and is reused afterwards.")
            index = _index(*key)
    except Exception:  # noqa: BLE001 - citations are optional: the debrief stands without them
        log.exception("building the knowledge index failed")
        st.caption("Cited notes are unavailable right now (the notes index could not be built).")
        return None
    holder.empty()
    st.session_state[INDEX_READY] = True
    ctx.prefs.seen_index_explainer = True
    return index


def _prefs() -> Prefs:
    """This browser session's preferences, created on first use."""
    if PREFS_KEY not in st.session_state:
        st.session_state[PREFS_KEY] = Prefs()
    return st.session_state[PREFS_KEY]


def _trainee_id(store: Store) -> str:
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


class StartupError(Exception):
    """The app cannot start; the message names the part that failed and why, in one line, credentials masked."""


def _reason(exc: BaseException) -> str:
    """The first line of an error, without SQLAlchemy's "Background on this error" links, credentials masked."""
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return redact(line.split(" (Background on this error")[0]).strip() or type(exc).__name__


def build_ctx() -> Ctx:
    """Assemble the context for this run of the script (cheap: the heavy parts are cached). Each part that can fail
    says so by name: a broken scenario file never stops the start (it is listed on the picker), a database that
    cannot be opened is reported as that, with the masked URL and the driver's reason."""
    install_log_redaction()
    settings = get_settings()
    where = redact(settings.db_url)
    try:
        store = _store(settings.db_url)
    except Exception as exc:
        raise StartupError(f"the database at {where} could not be opened: {_reason(exc)}.") from exc
    try:
        library = _library(tuple(str(d) for d in default_dirs()))
    except Exception as exc:
        raise StartupError(f"the scenario library could not be read: {_reason(exc)}.") from exc
    try:
        trainee_id = _trainee_id(store)
    except Exception as exc:
        raise StartupError(f"the database at {where} could not be read: {_reason(exc)}.") from exc
    return Ctx(settings=settings, store=store, library=library, trainee_id=trainee_id, prefs=_prefs())


def startup_message(exc: BaseException) -> str:
    """What the app says when it cannot start: the real cause and what to check, on one line."""
    if isinstance(exc, ConfigError | StartupError):
        cause = str(exc).splitlines()[0]
    else:
        cause = f"an unexpected error ({type(exc).__name__}: {_reason(exc)})"
    return f"Leverage could not start: {redact(cause)} Check the LEVERAGE_* settings (see `trainer doctor`), then reload."


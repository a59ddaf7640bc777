"""Builders for the heavy parts pages and commands need: the store, the scenario library, the chat model, the
counterparty's voice and the knowledge index.

Pages call these and cache what they return; they never build models themselves. Tests replace these public
functions (see tests/conftest.py) to run the app without a model, instead of patching a page's internals.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from trainer.app.model_queue import ModelQueue
from trainer.app.session import Realizer
from trainer.coaching.index import KnowledgeIndex
from trainer.config import Settings
from trainer.llm.chat import LLMUnavailable, LocalChatModel, get_chat_model
from trainer.scenarios.loading import Library, load_library
from trainer.storage.store import Store
from trainer.voice.realizer import LLMRealizer, TemplateRealizer

VOICES = ("llm", "template")  # the model's voice, or the quick (template) voice
_LOCAL_QUEUE = ModelQueue()  # one embedded model per process, so one queue per process


def open_store(db_url: str) -> Store:
    """The store for a database URL, migrated to the schema this code expects."""
    store = Store(db_url)
    store.migrate()
    return store


def scenario_library(dirs: Iterable[Path]) -> Library:
    """The scenario library from these folders (broken files are listed in `errors`, not raised)."""
    return load_library(list(dirs))


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model (None for the template backend; LLMUnavailable when it cannot be built)."""
    return get_chat_model(settings)


def ping(settings: Settings) -> str:
    """Ask the configured model for one word and return its reply (LLMUnavailable when it cannot answer)."""
    model = chat_model(settings)
    if model is None:
        raise LLMUnavailable("No model is configured (LEVERAGE_LLM_BACKEND is 'template').")
    return model.invoke("Reply with the single word OK.").text.strip()[:40]


def voice_name(settings: Settings, preference: str) -> str:
    """'template' when the backend or the trainee's preference says so, else 'llm'."""
    return "template" if settings.llm_backend == "template" or preference == "template" else "llm"


def realizer(settings: Settings, name: str, reply_tokens: int | None = None) -> Realizer:
    """The voice called `name`; the LLM voice needs a model (LLMUnavailable propagates with its reason)."""
    if name == "template":
        return TemplateRealizer()
    model = chat_model(settings)
    if model is None:
        return TemplateRealizer()
    tokens = settings.max_tokens if reply_tokens is None else reply_tokens
    return LLMRealizer(model, n_ctx=settings.n_ctx, reply_tokens=tokens, turn_deadline=settings.total_deadline)


def model_realizer(settings: Settings, reply_tokens: int | None = None) -> Realizer:
    """The configured model's voice and nothing else: LLMUnavailable when no model is configured or it cannot be
    built (for measurements, which must never time the quick voice and call it the model)."""
    if settings.llm_backend == "template":
        raise LLMUnavailable("No model is configured (LEVERAGE_LLM_BACKEND is 'template').")
    voice = realizer(settings, "llm", reply_tokens)
    if not isinstance(voice, LLMRealizer):
        raise LLMUnavailable("The configured backend has no model to measure.")
    return voice


def model_queue(settings: Settings, name: str) -> ModelQueue | None:
    """The process's queue for the embedded model when voice `name` runs on it; None when replies need not
    wait their turn (the quick voice, or an endpoint that serves requests concurrently)."""
    return _LOCAL_QUEUE if name == "llm" and settings.llm_backend == "local" else None


def warm_model(settings: Settings) -> None:
    """Load the embedded model's weights now (once per process), so the first reply does not wait for them."""
    model = chat_model(settings)
    if isinstance(model, LocalChatModel):
        model.loaded()


def knowledge_index(settings: Settings) -> KnowledgeIndex:
    """The notes index for citations and hints, built incrementally (fast when nothing changed)."""
    index = KnowledgeIndex(settings)
    index.build(incremental=True)
    return index

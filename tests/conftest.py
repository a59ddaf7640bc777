"""Shared fixtures and the one set of fakes the app tests use (voices and chat models stand in for the LLM)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from trainer.app import factories
from trainer.config import Settings, get_settings
from trainer.llm.chat import LLMUnavailable

_ENV_VARS = ("LEVERAGE_LLM_BASE_URL", "LEVERAGE_LLM_MODEL", "LEVERAGE_CHROMA_URL", "LEVERAGE_MODEL_PATH",
             "LEVERAGE_TEMPERATURE", "LEVERAGE_MAX_TOKENS", "LEVERAGE_N_CTX", "LEVERAGE_N_THREADS",
             "LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", "OPENAI_API_KEY")
UNREACHABLE = "Cannot reach the LLM endpoint at http://127.0.0.1:9/v1."


@pytest.fixture
def tmp_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose data and database live in tmp_path, template backend, no stray env from the shell."""
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "leverage"
    data_dir.mkdir()
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LEVERAGE_DB_URL", f"sqlite:///{data_dir / 'leverage.db'}")
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "template")
    return get_settings()


# ---------------------------------------------------------------- fakes


class FakeVoice:
    """A realizer that voices a move as 'FAKE[kind] ok.' in two chunks.

    `fail` simulates an outage: "unavailable" (the endpoint is down, as LLMUnavailable), "before" (an error
    before any word) or "during" (an error after the first chunk).
    """

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail
        self.calls = 0
        self.last_meta: dict[str, Any] = {}

    def stream(self, move: Any, state: Any, scenario: Any, history: Sequence[tuple[str, str]]) -> Iterator[str]:
        self.calls += 1
        if self.fail == "unavailable":
            raise LLMUnavailable(UNREACHABLE)
        if self.fail == "before":
            raise ConnectionError("endpoint down")
        yield f"FAKE[{move.kind}] "
        if self.fail == "during":
            raise ConnectionError("dropped")
        yield "ok."


class BrokenChatModel:
    """A chat model whose endpoint is down: streaming raises LLMUnavailable before any token."""

    streams = True
    supports_json_schema = False
    is_small_local = False

    def stream(self, messages: Any, **kwargs: Any) -> Iterator[Any]:
        raise LLMUnavailable(UNREACHABLE)
        yield  # pragma: no cover


@pytest.fixture
def fake_voice() -> type[FakeVoice]:
    """The FakeVoice class, to make voices that fail in a chosen way."""
    return FakeVoice


@pytest.fixture
def broken_chat_model() -> BrokenChatModel:
    return BrokenChatModel()


@pytest.fixture
def app_voices(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeVoice]:
    """A model backend whose voices are FakeVoices, at the public factory (set voices['llm'].fail for outages)."""
    voices = {"llm": FakeVoice(), "template": FakeVoice()}
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "local")
    monkeypatch.setattr(factories, "realizer", lambda settings, name, reply_tokens=None: voices[name])
    monkeypatch.setattr(factories, "warm_model", lambda settings: None)
    return voices


@pytest.fixture
def llm_backend(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """Call with a chat model (a LangChain fake) to make it the configured backend's model, or with an
    exception to make building the model fail with it."""

    def use(model: Any) -> None:
        def build(settings: Settings) -> Any:
            if isinstance(model, Exception):
                raise model
            return model

        monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "local")
        monkeypatch.setattr(factories, "chat_model", build)

    return use


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` with the template voice and a temporary data dir, stopped afterwards (browser tests;
    a module that needs other settings defines its own)."""
    from browser_support import running_app

    with running_app(tmp_path) as url:
        yield url

"""LLM deadlines: a hung endpoint fails a turn within the first-token deadline, Retry likewise, the trainee's message
is kept and the quick voice still answers. Servers are real sockets on 127.0.0.1 (tests/llm_servers.py).

Issue 16, defect 5: a server that accepted the connection and never answered took 122.9 s to fail, and 120.7 s again
on Retry (a 60-second read timeout plus one automatic retry).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from llm_servers import StallServer

from trainer.app import factories
from trainer.app import practice as svc
from trainer.app.session import Session
from trainer.config import ConfigError, Settings, get_settings
from trainer.llm import chat as llm
from trainer.llm.chat import LLMTimeout, LocalChatModel
from trainer.llm.deadlines import Call, DeadlineExceeded, Deadlines, call_within, stream_within
from trainer.llm.local import LoadedLlama
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store
from trainer.voice.realizer import LLMRealizer, TemplateRealizer

FIRST, TOTAL = 0.6, 1.5  # short deadlines for the tests; the defaults are 10 s and 30 s
SLACK = 0.75  # thread start, socket set-up and a loaded machine (2 shared cores)
SCENARIO = "carmaker-renewal"


# ---------------------------------------------------------------- the runner


def _slow(delays: list[float], text: str = "w") -> Any:
    def produce(call: Call) -> Iterator[str]:
        for delay in delays:
            time.sleep(delay)
            yield text

    return produce


def test_first_token_deadline_frees_the_caller() -> None:
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded) as info:
        list(stream_within(_slow([5.0]), Deadlines(0.3, 2.0)))
    assert info.value.first_token and time.monotonic() - start < 0.3 + SLACK


def test_overall_deadline_counts_from_the_start() -> None:
    start = time.monotonic()
    got: list[str] = []
    with pytest.raises(DeadlineExceeded) as info:
        for item in stream_within(_slow([0.1] * 100), Deadlines(0.5, 0.8)):
            got.append(item)
    assert not info.value.first_token and got and 0.8 <= time.monotonic() - start < 0.8 + SLACK


def test_items_without_text_do_not_meet_the_first_token_deadline() -> None:
    with pytest.raises(DeadlineExceeded) as info:
        list(stream_within(_slow([0.0, 5.0], text=""), Deadlines(0.3, 2.0)))
    assert info.value.first_token


def test_a_queued_call_starts_its_clock_when_the_model_takes_it() -> None:
    """Waiting behind other trainees for the one embedded model is not the model being slow."""
    lock = threading.Lock()
    lock.acquire()
    start = time.monotonic()  # before the timer, so the wait measured is at least the timer's 0.6 s
    threading.Timer(0.6, lock.release).start()

    def produce(call: Call) -> Iterator[str]:
        with lock:
            call.begin()
            yield "word"

    assert list(stream_within(produce, Deadlines(0.3, 0.5), queued=True)) == ["word"]
    assert time.monotonic() - start >= 0.6  # longer than both deadlines, and still answered


def test_errors_and_results_cross_the_thread() -> None:
    def fail(call: Call) -> Iterator[str]:
        raise ValueError("boom")
        yield ""  # pragma: no cover

    with pytest.raises(ValueError, match="boom"):
        list(stream_within(fail, Deadlines(1, 1)))
    assert call_within(lambda call: 42, 1.0) == 42
    with pytest.raises(DeadlineExceeded) as info:
        call_within(lambda call: time.sleep(2), 0.2)
    assert not info.value.first_token  # a whole reply has no first token: its deadline is the overall one


def test_a_caller_that_stops_early_stops_the_producer() -> None:
    produced: list[int] = []

    def produce(call: Call) -> Iterator[int]:
        for n in range(1000):
            produced.append(n)
            yield n

    stream = stream_within(produce, Deadlines(1, 1))
    assert next(stream) == 0
    stream.close()
    assert len(produced) <= 3  # lockstep: the worker never runs far ahead, and stops once the caller goes


# ---------------------------------------------------------------- the OpenAI-compatible client


def _settings(tmp_settings: Settings, url: str, **overrides: Any) -> Settings:
    values = {"llm_backend": "openai", "llm_model": "m", "llm_base_url": url, "llm_first_token_timeout": FIRST,
              "llm_timeout": TOTAL, "data_dir": tmp_settings.data_dir, "db_url": tmp_settings.db_url}
    return get_settings(**(values | overrides))


@pytest.mark.parametrize(("mode", "call", "limit", "setting"), [
    ("silent", "stream", FIRST, "FIRST_TOKEN_TIMEOUT"),
    ("headers", "stream", FIRST, "FIRST_TOKEN_TIMEOUT"),
    ("role", "stream", FIRST, "FIRST_TOKEN_TIMEOUT"),
    ("trickle", "stream", TOTAL, "LEVERAGE_LLM_TIMEOUT"),
    ("silent", "invoke", TOTAL, "LEVERAGE_LLM_TIMEOUT"),
    ("headers", "invoke", TOTAL, "LEVERAGE_LLM_TIMEOUT"),
])
def test_a_hung_endpoint_fails_within_its_deadline(tmp_settings: Settings, mode: str, call: str, limit: float,
                                                   setting: str) -> None:
    with StallServer(mode) as server:
        model = llm.openai_chat_model(_settings(tmp_settings, server.url))
        start = time.monotonic()
        with pytest.raises(LLMTimeout) as info:
            list(model.stream("Hello")) if call == "stream" else model.invoke("Hello")
        took = time.monotonic() - start
    assert limit <= took < limit + SLACK, took
    assert server.url in str(info.value) and setting in str(info.value)


def test_a_working_endpoint_is_not_cut_short(tmp_settings: Settings) -> None:
    with StallServer("ok") as server:
        model = llm.openai_chat_model(_settings(tmp_settings, server.url))
        assert "".join(str(c.content) for c in model.stream("Hello")) == "Thank you for the offer."
        assert model.invoke("Hello").content == "Thank you for the offer."


def test_defaults_are_short_and_configurable(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults, stated in docs/deployment.md: connect 3 s; an endpoint 10 s to the first token and 30 s in all;
    the embedded model, which processes its prompt on our CPU, 45 s and 90 s."""
    remote = get_settings(llm_backend="openai", llm_model="m")
    assert (remote.llm_connect_timeout, remote.first_token_deadline, remote.total_deadline) == (3.0, 10.0, 30.0)
    local = get_settings(llm_backend="local")
    assert (local.first_token_deadline, local.total_deadline) == (45.0, 90.0)
    monkeypatch.setenv("LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT", "4")
    monkeypatch.setenv("LEVERAGE_LLM_TIMEOUT", "12.5")
    monkeypatch.setenv("LEVERAGE_LLM_CONNECT_TIMEOUT", "1")
    chosen = get_settings(llm_backend="local")
    assert (chosen.llm_connect_timeout, chosen.first_token_deadline, chosen.total_deadline) == (1.0, 4.0, 12.5)
    with pytest.raises(ConfigError, match="LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT must not exceed"):
        get_settings(llm_first_token_timeout=40, llm_timeout=30)
    with pytest.raises(ConfigError, match="LEVERAGE_LLM_TIMEOUT"):
        get_settings(llm_timeout=0)


# ---------------------------------------------------------------- a practice turn, Retry, the quick voice


@pytest.fixture
def session(tmp_settings: Settings) -> tuple[Store, svc.Practice, svc.Live]:
    store = Store(tmp_settings.db_url)
    store.migrate()
    trainee = store.create_trainee("Ada", client_key="k1")
    practice = svc.Practice(store, load_library().scenarios)
    return store, practice, practice.start(trainee.id, SCENARIO, seed=1)


@pytest.mark.parametrize("mode", ["silent", "headers"])
def test_a_turn_and_its_retry_fail_within_the_deadline_and_keep_the_message(
    tmp_settings: Settings, session: tuple, mode: str
) -> None:
    store, practice, live = session
    message = "What matters most to you in phase two?"
    practice.send(live, message)
    with StallServer(mode) as server:
        settings = _settings(tmp_settings, server.url)
        for attempt in ("first", "retry"):
            start = time.monotonic()
            with pytest.raises(svc.PracticeError) as info:
                list(practice.reply(live, factories.realizer(settings, "llm")))
            took = time.monotonic() - start
            assert FIRST <= took < FIRST + SLACK, (attempt, took)
            assert "Retry, or continue with the quick voice" in str(info.value)
            assert live.pending == message
            assert [t.speaker for t in store.list_turns(live.session_id)] == ["counterparty", "trainee"]
    text = "".join(practice.reply(live, TemplateRealizer(), realizer_name="template"))
    assert text and live.pending is None
    assert store.list_turns(live.session_id)[-1].meta["realizer"] == "template"


def test_a_reply_stalling_midway_is_completed_by_the_quick_voice(tmp_settings: Settings, session: tuple) -> None:
    """Past the overall deadline with words already shown, the template voice finishes the line (no Retry)."""
    store, practice, live = session
    practice.send(live, "What does your launch timeline look like for phase two?")  # earns a reveal and a move
    with StallServer("trickle", gap=0.15) as server:
        settings = _settings(tmp_settings, server.url, llm_timeout=1.5)
        start = time.monotonic()
        text = "".join(practice.reply(live, factories.realizer(settings, "llm")))
        assert time.monotonic() - start < 1.5 + SLACK
    meta = store.list_turns(live.session_id)[-1].meta
    assert text.startswith("more more") and meta["repaired"] and "error:LLMTimeout" in meta["problems"]


# ---------------------------------------------------------------- the voice's turn budget


class _Slow:
    """A chat model whose replies take `delay` seconds and break a guardrail; records each call's options."""

    streams, supports_json_schema, is_small_local = True, False, False

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.options: list[dict[str, Any]] = []

    def stream(self, messages: Any, **options: Any) -> Iterator[AIMessage]:
        self.options.append(options)
        time.sleep(self.delay)
        yield AIMessage(content="As an AI language model I cannot negotiate.")

    def invoke(self, messages: Any, **options: Any) -> AIMessage:  # pragma: no cover - streams
        raise NotImplementedError


def _voice_turn(voice: LLMRealizer, model: _Slow) -> tuple[str, dict[str, Any]]:
    """One trainee turn voiced by `voice` (the opening line's calls are not counted)."""
    game = Session(load_library().get(SCENARIO), voice, seed=1)
    list(game.open())
    model.options.clear()
    text = "".join(game.say("What matters most to you?"))
    return text, voice.last_meta


def test_the_second_attempt_only_gets_what_is_left_of_the_turn() -> None:
    model = _Slow(0.2)
    _, meta = _voice_turn(LLMRealizer(model, counter=lambda t: len(t) // 4, turn_deadline=5.0), model)
    assert meta["attempts"] == 2 and len(model.options) == 2
    first, second = (o["deadline"] for o in model.options)
    assert first == pytest.approx(5.0, abs=0.1) and second < first - 0.15


def test_no_second_attempt_once_the_turn_is_over() -> None:
    model = _Slow(0.4)
    text, meta = _voice_turn(LLMRealizer(model, counter=lambda t: len(t) // 4, turn_deadline=0.3), model)
    assert len(model.options) == 1 and meta["fallback"] and "deadline" in meta["problems"]
    assert text == meta["text"]  # the template line answered


# ---------------------------------------------------------------- the embedded model


class _StuckLlama:
    """A llama whose prompt processing takes `delay` seconds before the first token."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def create_chat_completion(self, messages: list[dict], stream: bool = False, **kwargs: Any) -> Any:
        time.sleep(self.delay)
        if not stream:
            return {"choices": [{"message": {"content": "Fine."}, "finish_reason": "stop"}], "usage": {}}
        return iter([{"choices": [{"delta": {"content": "Fine."}, "finish_reason": "stop"}]}])


def _local(monkeypatch: pytest.MonkeyPatch, delay: float, lock: threading.Lock) -> LocalChatModel:
    loaded = LoadedLlama(_StuckLlama(delay), lock, 0.0, True)
    monkeypatch.setattr(llm, "load_llama", lambda path, n_ctx, n_threads=None: loaded)
    return LocalChatModel(model_path=Path("/models/fake.gguf"), n_ctx=512, first_token_timeout=0.3,
                          total_timeout=0.6)


@pytest.mark.parametrize(("call", "message", "limit"), [
    ("stream", "The local model sent no reply within 0.3 s", 0.3),
    ("invoke", "The local model did not finish its reply within 0.6 s", 0.6),
])
def test_the_local_model_is_held_to_its_deadlines(monkeypatch: pytest.MonkeyPatch, call: str, message: str,
                                                  limit: float) -> None:
    """A prompt that takes 2 s to process: the caller is free at the deadline. (llama.cpp cannot be interrupted
    mid-prompt, so the abandoned call still holds the model until its prompt is processed.)"""
    model = _local(monkeypatch, 2.0, threading.Lock())
    start = time.monotonic()
    with pytest.raises(LLMTimeout, match=message):
        list(model.stream("Hello")) if call == "stream" else model.invoke("Hello")
    assert time.monotonic() - start < limit + SLACK


def test_the_local_queue_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another trainee holds the model for 0.8 s: our call waits, then gets its own 0.3 s for the first token."""
    lock = threading.Lock()
    model = _local(monkeypatch, 0.05, lock)
    lock.acquire()
    threading.Timer(0.8, lock.release).start()
    assert "".join(str(c.content) for c in model.stream("Hello")) == "Fine."

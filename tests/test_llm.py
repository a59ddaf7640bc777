"""The chat-model seam without real weights: a fake Llama, LangChain fakes, a mocked HTTP transport."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from trainer.config import Settings, get_settings
from trainer.llm import chat as llm
from trainer.llm.chat import LLMUnavailable, LocalChatModel, get_chat_model, to_llama_messages, token_counter
from trainer.llm.local import LoadedLlama
from trainer.llm.protocol import ChatModel

httpx = llm.sdk_http()  # the mocks must be built from the library the openai SDK uses


class FakeLlama:
    """Records create_chat_completion calls and answers like llama_cpp does."""

    def __init__(self, lock: threading.Lock) -> None:
        self.calls: list[dict[str, Any]] = []
        self.lock = lock
        self.locked_while_streaming: list[bool] = []

    def create_chat_completion(self, messages: list[dict], stream: bool = False, **kwargs: Any) -> Any:
        self.calls.append({"messages": messages, "stream": stream, **kwargs})
        if stream:
            return self._chunks()
        return {"choices": [{"message": {"role": "assistant", "content": "Twelve percent."},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}}

    def _chunks(self) -> Any:
        yield {"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]}
        for word in ["No", " deal", "."]:
            self.locked_while_streaming.append(self.lock.locked())
            yield {"choices": [{"delta": {"content": word}, "finish_reason": None}]}
        yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}

    def tokenize(self, data: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(range(len(data.split())))


@pytest.fixture
def fake_llama(monkeypatch: pytest.MonkeyPatch) -> FakeLlama:
    """LocalChatModel wired to a FakeLlama instead of loading weights."""
    lock = threading.Lock()
    fake = FakeLlama(lock)
    monkeypatch.setattr(llm, "load_llama", lambda path, n_ctx, n_threads=None: LoadedLlama(fake, lock, 0.0, True))
    return fake


def local_model(**kwargs: Any) -> LocalChatModel:
    return LocalChatModel(model_path=Path("/models/fake.gguf"), n_ctx=512, **kwargs)


def test_messages_keep_roles_and_flatten_blocks() -> None:
    converted = to_llama_messages([
        SystemMessage("Be firm."),
        HumanMessage(content=[{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]),
        AIMessage("Hello."),
    ])
    assert converted == [{"role": "system", "content": "Be firm."}, {"role": "user", "content": "Hi there"},
                         {"role": "assistant", "content": "Hello."}]


def test_invoke_passes_settings_and_reports_usage(fake_llama: FakeLlama) -> None:
    reply = local_model(temperature=0.1, max_tokens=7).invoke([HumanMessage("Offer?")])
    assert reply.content == "Twelve percent."
    assert reply.usage_metadata == {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12}
    call = fake_llama.calls[-1]
    assert (call["stream"], call["temperature"], call["max_tokens"]) == (False, 0.1, 7)
    assert call["messages"] == [{"role": "user", "content": "Offer?"}]
    assert "stop" not in call


def test_bind_response_format_and_stop_reach_llama(fake_llama: FakeLlama) -> None:
    schema = {"type": "object", "properties": {"offer": {"type": "integer"}}}
    model = local_model(stop=["\n\n"]).bind(response_format={"type": "json_object", "schema": schema},
                                            max_tokens=50, stop=["END"], unknown_option=True)
    model.invoke("Offer as JSON")
    call = fake_llama.calls[-1]
    assert call["response_format"] == {"type": "json_object", "schema": schema}
    assert call["max_tokens"] == 50
    assert call["stop"] == ["\n\n", "END"]
    assert "unknown_option" not in call


def test_stream_yields_text_under_the_lock(fake_llama: FakeLlama) -> None:
    chunks = list(local_model().stream("Well?"))
    assert "".join(c.content for c in chunks) == "No deal."
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    assert merged.response_metadata["finish_reason"] == "stop"
    assert fake_llama.locked_while_streaming == [True, True, True]
    assert not fake_llama.lock.locked()  # released once the stream ends
    assert fake_llama.calls[-1]["stream"] is True


def test_abandoned_stream_releases_the_lock(fake_llama: FakeLlama) -> None:
    stream = local_model().stream("Well?")
    next(stream)
    assert fake_llama.lock.locked()
    stream.close()
    assert not fake_llama.lock.locked()


def test_template_backend_has_no_model(tmp_settings: Settings) -> None:
    assert get_chat_model(tmp_settings) is None


def test_local_backend_uses_model_path_override(tmp_settings: Settings, tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    settings = tmp_settings.model_copy(update={"llm_backend": "local", "model_path": gguf, "n_ctx": 1024})
    model = get_chat_model(settings)
    assert isinstance(model, LocalChatModel)
    assert (model.model_path, model.n_ctx, model.max_tokens) == (gguf, 1024, settings.max_tokens)


def test_local_backend_missing_model_is_unavailable(tmp_settings: Settings, tmp_path: Path) -> None:
    settings = tmp_settings.model_copy(update={"llm_backend": "local", "model_path": tmp_path / "none.gguf"})
    with pytest.raises(LLMUnavailable, match="LEVERAGE_MODEL_PATH"):
        get_chat_model(settings)


def openai_settings(monkeypatch: pytest.MonkeyPatch, url: str = "http://llm.test:8080/v1") -> Settings:
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "openai")
    monkeypatch.setenv("LEVERAGE_LLM_BASE_URL", url)
    monkeypatch.setenv("LEVERAGE_LLM_MODEL", "qwen2.5")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-xyz")
    return get_settings()


def test_openai_backend_is_configured_from_env(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    model = get_chat_model(openai_settings(monkeypatch))
    assert model is not None
    # no automatic retry (it doubled the wait on a hung server); the deadlines come from the settings
    assert (model.openai_api_base, model.model_name, model.max_retries) == ("http://llm.test:8080/v1", "qwen2.5", 0)
    assert (model.first_token_timeout, model.total_timeout) == (10.0, 30.0)
    assert (model.request_timeout.connect, model.request_timeout.read) == (3.0, 30.0)  # read: the abandoned worker
    assert model.openai_api_key.get_secret_value() == "sk-secret-xyz"
    assert "sk-secret-xyz" not in repr(model)


def test_both_real_models_are_chat_models_with_their_capabilities(
    tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    local, remote = local_model(), get_chat_model(openai_settings(monkeypatch))
    assert isinstance(local, ChatModel) and isinstance(remote, ChatModel)
    assert (local.streams, local.supports_json_schema, local.is_small_local) == (True, True, True)
    assert (remote.streams, remote.supports_json_schema, remote.is_small_local) == (True, True, False)


def test_openai_without_key_or_url_is_unavailable(tmp_settings: Settings) -> None:
    settings = tmp_settings.model_copy(update={"llm_backend": "openai", "llm_model": "gpt-4o-mini"})
    with pytest.raises(LLMUnavailable, match="OPENAI_API_KEY is not set"):
        get_chat_model(settings)


def mocked(handler: Any) -> httpx.Client:
    """A client that never opens a socket, from the HTTP library the installed openai SDK is built on."""
    http = llm.sdk_http()
    return http.Client(transport=http.MockTransport(handler))


def refuse(request: httpx.Request) -> httpx.Response:
    raise llm.sdk_http().ConnectError("connection refused", request=request)


@pytest.mark.parametrize("call", ["invoke", "stream"])
def test_unreachable_endpoint_names_the_url(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                            call: str) -> None:
    model = llm.openai_chat_model(openai_settings(monkeypatch), http_client=mocked(refuse))
    with pytest.raises(LLMUnavailable) as info:
        result = getattr(model, call)("hello")
        list(result) if call == "stream" else None
    message = str(info.value)
    assert "http://llm.test:8080/v1" in message and "sk-secret-xyz" not in message


def test_rejected_key_is_reported_without_the_key(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    deny = mocked(lambda request: httpx.Response(401, json={"error": {"message": "bad key sk-secret-xyz"}}))
    model = llm.openai_chat_model(openai_settings(monkeypatch), http_client=deny)
    with pytest.raises(LLMUnavailable, match="rejected the API key") as info:
        model.invoke("hello")
    assert "sk-secret-xyz" not in str(info.value)


def test_working_endpoint_answers(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"id": "x", "object": "chat.completion", "created": 0, "model": "qwen2.5",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Deal."}, "finish_reason": "stop"}]}
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    model = llm.openai_chat_model(openai_settings(monkeypatch), http_client=mocked(answer))
    assert model.invoke("hello").content == "Deal."
    assert str(seen[0].url) == "http://llm.test:8080/v1/chat/completions"
    assert seen[0].headers["authorization"] == "Bearer sk-secret-xyz"


def test_token_counter_local_uses_the_models_tokenizer(fake_llama: FakeLlama) -> None:
    assert token_counter(local_model())("one two three four") == 4


def test_token_counter_remote_uses_offline_cl100k() -> None:
    count = token_counter(GenericFakeChatModel(messages=iter([])))
    assert count("hello world") == 2
    assert count("<|endoftext|>") > 1  # special tokens are counted as text, never rejected


def test_token_counter_falls_back_to_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm, "_tiktoken_counter", lambda: None)
    assert token_counter(None)("x" * 10) == 3


def test_one_llama_per_path_and_context(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from trainer.llm import local as local_llama

    built: list[tuple[str, int]] = []

    def construct(path: str, n_ctx: int, n_threads: int | None) -> tuple[object, bool]:
        built.append((path, n_ctx))
        return object(), True

    monkeypatch.setattr(local_llama, "_construct", construct)
    monkeypatch.setattr(local_llama, "_LOADED", {})
    model = tmp_path / "m.gguf"
    first = local_llama.load_llama(model, 512)
    assert local_llama.load_llama(tmp_path / "." / "m.gguf", 512) is first
    assert local_llama.load_llama(model, 1024) is not first
    assert built == [(str(model.resolve()), 512), (str(model.resolve()), 1024)]
    assert local_llama.is_loaded(model, 512) and not local_llama.is_loaded(model, 2048)


def test_extra_buffers_can_be_switched_off_for_a_load() -> None:
    """The AMX workaround: llama_cpp's model defaults are patched only while a model loads."""
    llama_module = pytest.importorskip("llama_cpp.llama")
    from trainer.llm import local as local_llama

    before = llama_module.llama_cpp.llama_model_default_params
    with local_llama._without_extra_buffers():
        assert llama_module.llama_cpp.llama_model_default_params().use_extra_bufts is False
    assert llama_module.llama_cpp.llama_model_default_params is before
    assert before().use_extra_bufts is True
    assert isinstance(local_llama.amx_build(), bool)

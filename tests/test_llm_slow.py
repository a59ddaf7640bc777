"""Real tokens through LocalChatModel: SmolLM2 (fast fixture model) and once the embedded 1.5B default."""

from __future__ import annotations

import json
import threading

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from trainer.config import get_settings
from trainer.llm.chat import LocalChatModel, token_counter
from trainer.llm.weights import prepare_default_model, smollm2_path

pytestmark = pytest.mark.slow

PROMPT = [SystemMessage("You are a terse supplier."), HumanMessage("Can you lower the price?")]


@pytest.fixture(scope="module")
def smol() -> LocalChatModel:
    """SmolLM2-135M, greedy, few tokens: coherent enough to exercise every code path quickly."""
    pytest.importorskip("llama_cpp")
    return LocalChatModel(model_path=smollm2_path(), n_ctx=512, max_tokens=12, temperature=0.0, seed=7)


def test_stream_matches_invoke(smol: LocalChatModel) -> None:
    chunks = [chunk.content for chunk in smol.stream(PROMPT)]
    streamed = "".join(chunks)
    assert len([c for c in chunks if c]) > 3
    assert streamed.strip()
    assert smol.invoke(PROMPT).content == streamed  # greedy decoding: same text either way


def test_json_schema_output_parses(smol: LocalChatModel) -> None:
    schema = {"type": "object",
              "properties": {"price": {"type": "integer"}, "reason": {"type": "string", "maxLength": 30}},
              "required": ["price", "reason"]}
    reply = smol.bind(response_format={"type": "json_object", "schema": schema}, max_tokens=48).invoke(
        [HumanMessage("Reply with JSON: your price and a short reason.")])
    data = json.loads(reply.content)
    assert isinstance(data["price"], int) and isinstance(data["reason"], str)
    assert len(data["reason"]) <= 30


def test_stop_sequence_cuts_the_reply(smol: LocalChatModel) -> None:
    full = smol.invoke(PROMPT).content
    words = full.split()
    assert len(words) >= 2, full
    cut = smol.invoke(PROMPT, stop=[words[1]]).content
    assert words[1] not in cut and len(cut) < len(full)


def test_concurrent_streams_are_serialised(smol: LocalChatModel) -> None:
    expected = smol.invoke(PROMPT).content
    results: list[str] = []

    def run() -> None:
        results.append("".join(c.content for c in smol.stream(PROMPT)))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [expected] * 3  # no interleaving, no corrupted context


def test_local_token_counter_is_the_models_tokenizer(smol: LocalChatModel) -> None:
    text = "We need 12% off and ninety-day terms."
    count = token_counter(smol)(text)
    assert count == len(smol.llama.tokenize(text.encode(), add_bos=False, special=False))
    assert 5 < count < len(text)


def test_one_llama_per_path_and_context(smol: LocalChatModel) -> None:
    twin = LocalChatModel(model_path=smol.model_path, n_ctx=512, temperature=0.9)
    assert twin.llama is smol.llama


def test_default_model_generates() -> None:
    """The embedded 1.5B (joined and verified into the data dir, like `make run`) produces real text."""
    pytest.importorskip("llama_cpp")
    path = prepare_default_model(get_settings().data_dir)
    model = LocalChatModel(model_path=path, n_ctx=512, max_tokens=8, temperature=0.0)
    reply = model.invoke([HumanMessage("Say 'hello' and nothing else.")])
    assert "hello" in reply.content.lower()
    assert reply.usage_metadata["output_tokens"] <= 8


def test_doctor_generates_with_a_local_model(tmp_settings, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from trainer.measure.doctor import check_llm

    settings = tmp_settings.model_copy(update={"llm_backend": "local", "model_path": smollm2_path(), "n_ctx": 512})
    result = check_llm(settings)
    assert result.ok, result.details
    assert result.details["generation"]["text"].strip()
    assert 0 < result.details["generation"]["output_tokens"] <= 10
    assert result.details["hash_verified"] is None  # an override is not pinned


def test_bench_llm_reports_both_paths() -> None:
    from trainer.measure.llm_bench import run_llm_bench

    result = run_llm_bench(smollm2_path(), n_ctx=512, max_tokens=6, runs=1)
    assert result["same_text"] is True  # greedy: raw and adapter produce the same tokens
    assert result["raw"]["tokens"] == result["adapter"]["tokens"]
    assert 3 <= result["raw"]["tokens"] <= 8  # re-tokenised text of 6 generated tokens
    assert result["overhead_ratio"] > 0 and result["peak_rss_mb"] > 50
    assert result["prompt_tokens"] > 50

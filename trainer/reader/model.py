"""The learned act reader at run time: int8 ONNX MiniLM through onnxruntime, calibrated per act.

One session per process (loading costs a few hundred ms, paid once). Input is (previous counterparty line,
trainee sentence); output is one calibrated probability per act in `LABELS` order. No torch needed here.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.domain.acts import ActKind
from trainer.reader.scoring import Platt
from trainer.resources import ResourceMissing, cpu_session, minilm_file

MODEL_DIR = Path(__file__).resolve().parent / "model"
BATCH = 32


@dataclass(frozen=True)
class Card:
    """What reader.json records about the shipped weights."""

    labels: tuple[ActKind, ...]
    platt: Platt
    max_tokens: int
    context_words: int
    data_sha256: str

    @classmethod
    def load(cls, path: Path) -> Card:
        data = json.loads(path.read_text())
        return cls(tuple(ActKind(v) for v in data["labels"]), Platt.from_json(data["calibration"]),
                   int(data["max_tokens"]), int(data["context_words"]), data["data_sha256"])


class ActReader:
    """Calibrated act probabilities for (context, sentence) pairs."""

    _lock = threading.Lock()
    _shared: ActReader | None = None

    def __init__(self, model_dir: Path = MODEL_DIR):
        from tokenizers import Tokenizer

        onnx_path, card_path = model_dir / "reader.onnx", model_dir / "reader.json"
        if not onnx_path.is_file() or not card_path.is_file():
            raise ResourceMissing(f"{model_dir}: reader.onnx or reader.json missing; run `trainer train reader`")
        self.card = Card.load(card_path)
        self.session = cpu_session(onnx_path, min(2, os.cpu_count() or 1))
        self.tokenizer = Tokenizer.from_file(str(minilm_file("tokenizer.json")))
        self.tokenizer.enable_truncation(max_length=self.card.max_tokens)
        self.tokenizer.no_padding()

    @classmethod
    def shared(cls) -> ActReader:
        """The process-wide reader, loaded on first use."""
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, n_acts) calibrated probabilities, in input order."""
        if not pairs:
            return np.zeros((0, len(self.card.labels)), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(context_tail(c, self.card.context_words), s) for c, s in pairs])
        logits = np.zeros((len(pairs), len(self.card.labels)), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            logits[idx] = self.session.run(["logits"], pad_encodings([encodings[i] for i in idx]))[0]
        return self.card.platt.apply(logits)


def context_tail(context: str, words: int) -> str:
    """The last `words` words of the counterparty's line: its end is what the trainee answers."""
    return " ".join(context.split()[-words:]) if words else ""


def pad_encodings(encodings: Sequence) -> dict[str, np.ndarray]:
    """int64 arrays padded to the batch's longest pair: what both onnxruntime and the training loop take."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    types, mask = np.zeros_like(ids), np.zeros_like(ids)
    for i, e in enumerate(encodings):
        ids[i, : len(e.ids)] = e.ids
        types[i, : len(e.ids)] = e.type_ids
        mask[i, : len(e.ids)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}

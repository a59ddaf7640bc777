"""`trainer train reader`: fine-tune MiniLM end to end on the act corpus, calibrate, export int8 ONNX.

Seeded and single-threaded where it matters, so the same data and seed give the same weights. Needs the
`train` extra (torch, safetensors, onnx); the app itself only needs onnxruntime to run the result.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tokenizers import Encoding, Tokenizer

from trainer.reader.corpus import CORPUS_DIR, LABELS, Row, data_hash, label_vector, load_split, split_files
from trainer.reader.encoder import ActModel, load_pretrained
from trainer.reader.model import context_tail, pad_encodings
from trainer.reader.scoring import act_metrics, fit_platt
from trainer.resources import minilm_file

MAX_TOKENS = 160
CONTEXT_WORDS = 40  # the end of the counterparty's line is what the trainee answers


@dataclass
class TrainConfig:
    """Everything that decides the weights, recorded next to them."""

    seed: int = 13
    epochs: int = 4
    batch_size: int = 16
    lr: float = 6e-5
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    train_splits: tuple[str, ...] = ("train",)
    dev_split: str = "dev"
    limit: int | None = None  # train on the first N rows only (the smoke test)
    threads: int = 2


@dataclass
class TrainResult:
    """What a run produced and measured."""

    out_dir: Path
    metrics: dict
    seconds: float
    files: list[Path] = field(default_factory=list)


def make_tokenizer() -> Tokenizer:
    """MiniLM's tokenizer, truncating pairs to MAX_TOKENS without padding (batches pad themselves)."""
    tok = Tokenizer.from_file(str(minilm_file("tokenizer.json")))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()
    return tok


def encode_pairs(tok: Tokenizer, pairs: Sequence[tuple[str, str]]) -> list[Encoding]:
    """Token ids and segment ids for each (context, sentence) pair."""
    return tok.encode_batch([(context_tail(c, CONTEXT_WORDS), s) for c, s in pairs])


def _batches(n: int, size: int, lengths: Sequence[int], rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: padding dominates the cost on 2 cores."""
    order = sorted(range(n), key=lambda i: (lengths[i], rng.random()))
    chunks = [order[i : i + size] for i in range(0, n, size)]
    rng.shuffle(chunks)
    return chunks


def _to_torch(batch: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(v) for k, v in batch.items()}


def logits_for(model: ActModel, encoded: Sequence[Encoding], size: int = 64) -> np.ndarray:
    """Raw logits for many pairs, in input order."""
    model.eval()
    out = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
    with torch.no_grad():
        for start in range(0, len(order), size):
            idx = order[start : start + size]
            out[idx] = model(**_to_torch(pad_encodings([encoded[i] for i in idx]))).numpy()
    return out


def _seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _schedule(step: int, total: int, warmup: int) -> float:
    """Linear warm-up, then linear decay to zero."""
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def fit(model: ActModel, rows: Sequence[Row], tok: Tokenizer, cfg: TrainConfig,
        log: Callable[[str], None]) -> None:
    """Fine-tune the whole model with binary cross-entropy, one output per act."""
    encoded = encode_pairs(tok, [(r.context, r.text) for r in rows])
    targets = torch.tensor([label_vector(r) for r in rows])
    rng = random.Random(cfg.seed)
    head = [p for n, p in model.named_parameters() if n.startswith("head.")]
    body = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    optim = torch.optim.AdamW([{"params": body, "lr": cfg.lr}, {"params": head, "lr": cfg.head_lr}],
                              weight_decay=cfg.weight_decay)
    base = [g["lr"] for g in optim.param_groups]
    steps_per_epoch = -(-len(rows) // cfg.batch_size)
    total, step = steps_per_epoch * cfg.epochs, 0
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for epoch in range(cfg.epochs):
        model.train()
        running, started = 0.0, time.perf_counter()
        for idx in _batches(len(rows), cfg.batch_size, [len(e.ids) for e in encoded], rng):
            scale = _schedule(step, total, int(total * cfg.warmup))
            for group, lr in zip(optim.param_groups, base, strict=True):
                group["lr"] = lr * scale
            loss = loss_fn(model(**_to_torch(pad_encodings([encoded[i] for i in idx]))), targets[idx])
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += loss.item()
            step += 1
        log(f"epoch {epoch + 1}/{cfg.epochs}: loss {running / steps_per_epoch:.4f} "
            f"({time.perf_counter() - started:.0f} s)")


def export_onnx(model: ActModel, path: Path, tok: Tokenizer) -> None:
    """fp32 ONNX with dynamic batch and length axes."""
    model.eval()
    sample = _to_torch(pad_encodings(encode_pairs(tok, [("Our price is 200.", "Could you do 190?")])))
    torch.onnx.export(
        model, (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]), str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={k: {0: "batch", 1: "tokens"} for k in sample} | {"logits": {0: "batch"}},
        opset_version=17, dynamo=False,
    )


def quantize(src: Path, dst: Path) -> None:
    """Dynamic int8 weights: a quarter of the size and faster on CPU."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def onnx_logits(path: Path, encoded: Sequence[Encoding]) -> np.ndarray:
    """Logits from an exported file, to check that export and quantisation kept the model's answers."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
    for start in range(0, len(encoded), 64):
        chunk = encoded[start : start + 64]
        out[start : start + len(chunk)] = session.run(["logits"], pad_encodings(chunk))[0]
    return out


def train_reader(out_dir: Path, cfg: TrainConfig, corpus_dir: Path = CORPUS_DIR,
                 log: Callable[[str], None] = print) -> TrainResult:
    """Train, calibrate on the dev split, export, and record how the weights were made."""
    started = time.perf_counter()
    _seed_everything(cfg.seed, cfg.threads)
    train_rows = [r for split in cfg.train_splits for r in load_split(split, corpus_dir)]
    if cfg.limit:
        train_rows = train_rows[: cfg.limit]
    dev_rows = load_split(cfg.dev_split, corpus_dir)
    log(f"train {len(train_rows)} sentences, dev {len(dev_rows)}")
    tok = make_tokenizer()
    model = load_pretrained(minilm_file("config.json").parent, len(LABELS))
    fit(model, train_rows, tok, cfg, log)
    dev_encoded = encode_pairs(tok, [(r.context, r.text) for r in dev_rows])
    dev_logits = logits_for(model, dev_encoded)
    truth = np.array([label_vector(r) for r in dev_rows])
    platt = fit_platt(dev_logits, truth)
    out_dir.mkdir(parents=True, exist_ok=True)
    fp32, int8 = out_dir / "reader.fp32.onnx", out_dir / "reader.onnx"
    export_onnx(model, fp32, tok)
    quantize(fp32, int8)
    q_logits = onnx_logits(int8, dev_encoded)
    fp32.unlink()
    metrics = {
        "dev_fp32": act_metrics(platt.apply(dev_logits), truth),
        "dev_int8": act_metrics(platt.apply(q_logits), truth),
    }
    files = [p for split in (*cfg.train_splits, cfg.dev_split) for p in split_files(split, corpus_dir)]
    card = {
        "labels": [k.value for k in LABELS],
        "calibration": platt.to_json(),
        "max_tokens": MAX_TOKENS,
        "context_words": CONTEXT_WORDS,
        "data_sha256": data_hash(files),
        "data_files": [str(p.relative_to(corpus_dir)) for p in sorted(files)],
        "train_rows": len(train_rows),
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(cfg).items()},
        "command": "trainer train reader" + (f" --seed {cfg.seed}" if cfg.seed != TrainConfig.seed else ""),
        "metrics": metrics,
        "torch": torch.__version__,
    }
    (out_dir / "reader.json").write_text(json.dumps(card, indent=1) + "\n")
    return TrainResult(out_dir, metrics, time.perf_counter() - started, [int8, out_dir / "reader.json"])

"""Calibration and act metrics, in numpy only, so the app can apply a calibration without torch.

Platt scaling per act (p = sigmoid(a * logit + b)), fitted on a split the model did not train on, makes a
probability of 0.9 mean roughly nine in ten right, which is what the confidence thresholds rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trainer.domain.acts import ActKind


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


@dataclass(frozen=True)
class Platt:
    """Per-act slope and intercept."""

    a: np.ndarray
    b: np.ndarray

    def apply(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, shape like `logits`."""
        return sigmoid(logits * self.a + self.b)

    def to_json(self) -> dict[str, list[float]]:
        return {"a": [round(float(v), 6) for v in self.a], "b": [round(float(v), 6) for v in self.b]}

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> Platt:
        return cls(np.asarray(data["a"], dtype=np.float32), np.asarray(data["b"], dtype=np.float32))


def _fit_one(z: np.ndarray, y: np.ndarray, steps: int = 200) -> tuple[float, float]:
    """Newton's method on the log loss for one act, with Platt's smoothed targets against overconfidence."""
    pos, neg = y.sum(), len(y) - y.sum()
    if pos == 0 or neg == 0:
        return 1.0, 0.0
    t = np.where(y > 0, (pos + 1) / (pos + 2), 1 / (neg + 2))
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = sigmoid(a * z + b)
        w = np.maximum(p * (1 - p), 1e-9)
        g = np.array([((p - t) * z).sum(), (p - t).sum()])
        h = np.array([[(w * z * z).sum(), (w * z).sum()], [(w * z).sum(), w.sum()]]) + 1e-6 * np.eye(2)
        delta = np.linalg.solve(h, g)
        a, b = a - delta[0], b - delta[1]
        if np.abs(delta).max() < 1e-7:
            break
    return float(max(a, 1e-3)), float(b)  # a positive slope keeps the model's ranking


def fit_platt(logits: np.ndarray, truth: np.ndarray) -> Platt:
    """One (a, b) per act column."""
    pairs = [_fit_one(logits[:, j].astype(np.float64), truth[:, j]) for j in range(logits.shape[1])]
    return Platt(np.array([p[0] for p in pairs], dtype=np.float32), np.array([p[1] for p in pairs], dtype=np.float32))


def prf(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean arrays (an act never predicted nor present scores 1.0)."""
    tp = float((pred & truth).sum())
    fp, fn = float((pred & ~truth).sum()), float((~pred & truth).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def act_metrics(probs: np.ndarray, truth: np.ndarray, threshold: float = 0.5) -> dict:
    """Per-act precision/recall/F1/support at `threshold`, and macro-F1 over acts that occur in `truth`."""
    labels = list(ActKind)
    pred, gold = probs >= threshold, truth > 0.5
    per_act = {}
    for j, kind in enumerate(labels):
        p, r, f = prf(pred[:, j], gold[:, j])
        per_act[kind.value] = {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "n": int(gold[:, j].sum())}
    present = [v["f1"] for v in per_act.values() if v["n"] > 0]
    return {"macro_f1": round(float(np.mean(present)), 3) if present else 0.0, "threshold": threshold,
            "rows": int(len(truth)), "acts": per_act}

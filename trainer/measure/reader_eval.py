"""`trainer eval reader`: act-level precision, recall and F1 of the rules, the learned model, and their union.

Run on a split nobody trained or tuned on (the blind `heldout` round, or CaSiNo's real chat) for figures that
say something about new phrasings; the `dev` split was used for calibration, so its figures are optimistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trainer.domain.acts import ActKind
from trainer.reader.analysis import analyse_turn
from trainer.reader.corpus import LABELS, Row, label_vector
from trainer.reader.model import ActReader
from trainer.reader.scoring import act_metrics


@dataclass
class ReaderReport:
    """One split's figures for each variant."""

    split: str
    rows: int
    variants: dict[str, dict]

    def to_json(self) -> dict:
        return {"split": self.split, "rows": self.rows, "variants": self.variants}


def rule_matrix(rows: Sequence[Row]) -> np.ndarray:
    """1.0 where the hand-written rules find the act in the sentence (read with its context)."""
    out = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
    index = {kind: j for j, kind in enumerate(LABELS)}
    for i, row in enumerate(rows):
        for act in analyse_turn(row.text, None, row.context or None).acts:
            out[i, index[act.kind]] = 1.0
    return out


def evaluate_reader(split: str, rows: Sequence[Row], reader: ActReader | None = None,
                    threshold: float = 0.5) -> ReaderReport:
    """Figures for rules only, model only and the union, on the same rows."""
    truth = np.array([label_vector(r) for r in rows], dtype=np.float32)
    reader = reader or ActReader.shared()
    model = reader.probabilities([(r.context, r.text) for r in rows])
    rules = rule_matrix(rows)
    union = np.maximum((model >= threshold).astype(np.float32), rules)
    variants = {
        "rules": act_metrics(rules, truth),
        "model": act_metrics(model, truth, threshold),
        "union": act_metrics(union, truth),
    }
    return ReaderReport(split, len(rows), variants)


def format_report(report: ReaderReport) -> str:
    """A table per act: F1 of each variant, then precision/recall of the model."""
    names = list(report.variants)
    lines = [f"split {report.split}: {report.rows} sentences",
             f"{'act':28} {'n':>4} " + " ".join(f"{n:>7}" for n in names) + "  model P   model R"]
    for kind in ActKind:
        row = [report.variants[n]["acts"][kind.value] for n in names]
        model = report.variants["model"]["acts"][kind.value]
        lines.append(f"{kind.value:28} {row[0]['n']:>4} " + " ".join(f"{r['f1']:>7.3f}" for r in row)
                     + f"  {model['p']:>7.3f}  {model['r']:>7.3f}")
    lines.append(f"{'macro-F1':33} " + " ".join(f"{report.variants[n]['macro_f1']:>7.3f}" for n in names))
    return "\n".join(lines)

"""Measuring the evaluator against the labelled gold transcripts in evals/gold/<split>/ (and timing it)."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from trainer.config import REPO_ROOT
from trainer.domain.gold import GoldTranscript, load_gold_file
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.domain.transcripts import Turn
from trainer.evaluation.evaluator import Detection, detect, evaluate
from trainer.evaluation.judge import LLMJudge, combine

SPLITS = ("dev", "train", "heldout", "casino")
# Real human chat: sides of CaSiNo test/valid dialogues, labelled for the five mistakes (see evals/reader/README.md).
CASINO_SIDES = REPO_ROOT / "evals" / "reader" / "casino" / "sides.jsonl"
MISTAKES = list(MISTAKE_TITLES)


def gold_dir() -> Path:
    """evals/gold next to the package."""
    return REPO_ROOT / "evals" / "gold"


@dataclass
class GoldItem:
    """One labelled transcript: turns, per-mistake presence and evidence turns."""

    id: str
    turns: list[Turn]
    present: dict[str, bool]
    evidence: dict[str, set[int]]


def _item(item_id: str, doc: dict) -> GoldItem:
    """A labelled transcript from its JSON document (gold file or CaSiNo side)."""
    labels = doc["labels"]
    return GoldItem(
        id=item_id,
        turns=[Turn(speaker=t["speaker"], text=t["text"]) for t in doc["turns"]],
        present={m: bool(labels[m]["present"]) for m in MISTAKES},
        evidence={m: set(labels[m].get("evidence_turns", [])) for m in MISTAKES},
    )


def load_split(split: str, root: Path | None = None) -> list[GoldItem]:
    """All labelled transcripts of one split (read for scoring only; their text is never printed)."""
    if split == "casino" and root is None:
        lines = CASINO_SIDES.read_text(encoding="utf-8").splitlines() if CASINO_SIDES.is_file() else []
        docs = [json.loads(line) for line in lines if line.strip()]
        return [_item(f"casino-{d['split']}-{d['dialogue_id']}-{d['side']}", d) for d in docs]
    items: list[GoldItem] = []
    for path in sorted(((root or gold_dir()) / split).glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        items.append(_item(doc["id"], doc))
    return items


def load_labels(path: Path) -> list[GoldItem]:
    """Labelled transcripts from one file in the gold format (e.g. `trainer instructor export-labels`), validated
    by `trainer.domain.gold` (GoldFormatError names the file, document and field)."""
    return [_gold_item(doc) for doc in load_gold_file(path)]


def _gold_item(doc: GoldTranscript) -> GoldItem:
    """A validated gold document as the scorer's item."""
    return GoldItem(
        id=doc.id,
        turns=[Turn(speaker=t.speaker, text=t.text) for t in doc.turns],
        present={m: doc.labels[m].present for m in MISTAKES},
        evidence={m: set(doc.labels[m].evidence_turns) for m in MISTAKES},
    )


@dataclass
class Counts:
    """Confusion counts for one mistake plus evidence hits on true positives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    evidence_hits: int = 0
    errors: list[str] = field(default_factory=list)  # gold ids that were wrong (for the dev split only)

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


def score(items: list[GoldItem], run: Callable[[list[Turn]], Report],
          clean_flags: list[bool] | None = None) -> dict[str, Counts]:
    """Run the evaluator over every item and count agreements per mistake.

    `clean_flags`, when given, receives one entry per item with no labelled mistake: whether anything was
    flagged on it (the false-alarm rate a trainee with a clean conversation would meet)."""
    counts = {m: Counts() for m in MISTAKES}
    for item in items:
        report = run(item.turns)
        if clean_flags is not None and not any(item.present.values()):
            clean_flags.append(any(f.detected for f in report.mistakes))
        for finding in report.mistakes:
            _count(counts[finding.id], finding.detected, item.present[finding.id],
                   {e.turn for e in finding.evidence}, item.evidence[finding.id], item.id)
    return counts


def summary(counts: dict[str, Counts]) -> dict[str, object]:
    """Per-mistake precision/recall/F1 and confusion counts, macro-F1 and the evidence-turn hit rate."""
    per = {
        m: {"precision": round(c.precision(), 3), "recall": round(c.recall(), 3), "f1": round(c.f1(), 3),
            "tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn}
        for m, c in counts.items()
    }
    tps = sum(c.tp for c in counts.values())
    hits = sum(c.evidence_hits for c in counts.values())
    return {
        "per_mistake": per,
        "macro_f1": round(statistics.mean(c.f1() for c in counts.values()), 3),
        "evidence_hit_rate": round(hits / tps, 3) if tps else 0.0,
        "transcripts": None,
    }


def format_table(split: str, n: int, result: dict[str, object]) -> str:
    """A readable metrics table for one split."""
    lines = [f"split {split}: {n} transcripts", f"{'mistake':<20} {'P':>6} {'R':>6} {'F1':>6}   TP  FP  FN  TN"]
    for m, r in result["per_mistake"].items():  # type: ignore[union-attr]
        lines.append(f"{m:<20} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}  "
                     f"{r['tp']:>3} {r['fp']:>3} {r['fn']:>3} {r['tn']:>3}")
    lines.append(f"macro-F1 {result['macro_f1']:.3f}   evidence-turn hit rate {result['evidence_hit_rate']:.3f}")
    if "clean_sides" in result:
        lines.append(f"false alarms on clean conversations: {result['clean_flagged']} of {result['clean_sides']} "
                     f"({result['clean_false_alarm_rate']:.1%})")
    return "\n".join(lines)


def bench_turns(n: int = 20) -> list[Turn]:
    """A synthetic n-turn transcript that exercises every rule (numbers, cues, process, disclosures)."""
    them = [
        "Thanks for coming in. Our CFO wants eight percent off and payment at 90 days.",
        "We'll send our standard paper tomorrow, and let's leave price for the end.",
        "I'll need to check with the committee before I can say yes to anything.",
        "We do have other suppliers qualified on this part family.",
        "Operations likes your quality, but procurement has targets to hit this quarter.",
    ]
    us = [
        "What is driving the eight percent: budget, volume or a new platform?",
        "We could do 4% if you commit to a 3 year term and 45 days payment.",
        "Our board meets on the 14th, so we need to sign before then.",
        "Market data shows a median of €1.2m for comparable programmes.",
        "Honestly, our other option is a distributor deal that pays far less.",
    ]
    return [Turn(speaker="counterparty" if i % 2 == 0 else "trainee", text=(them if i % 2 == 0 else us)[(i // 2) % 5])
            for i in range(n)]


def bench(runs: int = 50, n_turns: int = 20) -> dict[str, float]:
    """Median and p95 milliseconds to evaluate an n-turn transcript on the deterministic path."""
    turns = bench_turns(n_turns)
    evaluate(turns)  # warm the regex cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluate(turns)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"turns": n_turns, "runs": runs, "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (runs - 1))], 2), "target_ms": 250.0}


def score_with_judge(items: list[GoldItem], judge: LLMJudge) -> dict[str, dict[str, Counts]]:
    """Counts per combination mode (rules, judge alone, confirm, union) from one judge call per transcript."""
    modes = ("rules", "judge", "confirm", "union")
    counts = {mode: {m: Counts() for m in MISTAKES} for mode in modes}
    for item in items:
        _, rules = detect(item.turns)
        try:
            verdicts = judge.verdicts(item.turns)
        except Exception:  # a failed call counts as "no opinion": the rules stand
            verdicts = {}
        for m in MISTAKES:
            v = verdicts.get(m)
            judged = Detection(m, severity=1 if v and v.present else 0)
            picks = {"rules": rules[m], "judge": judged,
                     "confirm": combine(m, rules[m], v, item.turns, "confirm"),
                     "union": combine(m, rules[m], v, item.turns, "union")}
            for mode, det in picks.items():
                _count(counts[mode][m], det.detected, item.present[m], {e.turn for e in det.evidence},
                       item.evidence[m], item.id)
    return counts


def _count(c: Counts, predicted: bool, gold: bool, turns: set[int], gold_turns: set[int], item_id: str) -> None:
    """Add one prediction to the confusion counts."""
    if predicted and gold:
        c.tp += 1
        c.evidence_hits += bool(turns & gold_turns)
    elif predicted:
        c.fp += 1
        c.errors.append(f"FP {item_id}")
    elif gold:
        c.fn += 1
        c.errors.append(f"FN {item_id}")
    else:
        c.tn += 1

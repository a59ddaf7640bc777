"""Reading a trainee turn: the learned model decides what each sentence does; exact rules supply the numbers.

The one entry point for the engine, the evaluator and live hints. Each sentence is read with the
counterparty's previous line as context. An act's `confidence` is the model's calibrated probability, so
callers can act only on confident readings (`Confidence`). Offers keep their values, issues and units from
the number reader, which is exact; the model decides whether a sentence is an offer at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from trainer.domain.acts import Act, ActKind, TurnAnalysis
from trainer.reader.analysis import MAX_CHARS, Sentence, analyse_sentence, split_sentences
from trainer.reader.corpus import LABELS
from trainer.reader.model import ActReader
from trainer.scenarios.schema import Scenario

# Below this calibrated probability an act is not reported at all.
POSSIBLE = 0.35
# At or above this, the engine exploits the reading and the evaluator may report it; in between, the
# counterparty asks in character instead of guessing.
CONFIDENT = 0.6
# Acts whose details (value, issue, unit, aspect) come from the exact rules when both agree.
DETAILED = frozenset({ActKind.offer, ActKind.accept_their_process, ActKind.propose_own_process,
                      ActKind.question_process})


class Source(StrEnum):
    """Where an act's presence is decided."""

    model = "model"
    rules = "rules"
    union = "union"


# Chosen per act on the tuning splits (see README, "How far to trust the evaluator"); the default is the model.
SOURCES: dict[ActKind, Source] = {}


def _rule_acts(sentence: Sentence, scenario: Scenario | None, previous: str | None) -> list[Act]:
    return analyse_sentence(sentence, scenario, previous)


def _sentence_acts(sentence: Sentence, probs: np.ndarray, rules: list[Act]) -> list[Act]:
    """Combine the model's probabilities with the rule acts of one sentence."""
    out: list[Act] = []
    by_kind: dict[ActKind, list[Act]] = {}
    for act in rules:
        by_kind.setdefault(act.kind, []).append(act)
    for j, kind in enumerate(LABELS):
        p = float(probs[j])
        source = SOURCES.get(kind, Source.model)
        ruled = by_kind.get(kind, [])
        if kind == ActKind.offer:
            # an offer needs a value: the rules read it, the model says whether the number is a position
            if ruled and (p >= POSSIBLE or source != Source.model):
                out += [a.model_copy(update={"confidence": max(p, a.confidence if source != Source.model else 0)})
                        for a in ruled]
            continue
        if source == Source.rules or (source == Source.union and ruled):
            out += [a.model_copy(update={"confidence": max(a.confidence, p)}) for a in ruled]
            continue
        if p < POSSIBLE:
            continue
        if kind in DETAILED and ruled:
            out += [a.model_copy(update={"confidence": p}) for a in ruled]
        else:
            out.append(Act(kind=kind, quote=sentence.raw, confidence=round(p, 4)))
    return out


def read_turns(items: Sequence[tuple[str, str | None]], scenario: Scenario | None = None,
               reader: ActReader | None = None) -> list[TurnAnalysis]:
    """Read many (text, previous counterparty line) turns with one batched model call."""
    reader = reader or ActReader.shared()
    split = [split_sentences(text[:MAX_CHARS]) if isinstance(text, str) and text.strip() else []
             for text, _ in items]
    pairs = [(prev or "", s.raw) for (_, prev), sentences in zip(items, split, strict=True) for s in sentences]
    probs = reader.probabilities(pairs)
    out, k = [], 0
    for (text, prev), sentences in zip(items, split, strict=True):
        acts: list[Act] = []
        for sentence in sentences:
            acts += _sentence_acts(sentence, probs[k], _rule_acts(sentence, scenario, prev))
            k += 1
        out.append(TurnAnalysis(text=text if isinstance(text, str) else "", acts=acts))
    return out


def read_turn(text: str, scenario: Scenario | None = None, previous: str | None = None,
              reader: ActReader | None = None) -> TurnAnalysis:
    """Typed acts for one trainee turn, each with its calibrated confidence."""
    return read_turns([(text, previous)], scenario, reader)[0]


def confident(analysis: TurnAnalysis, threshold: float = CONFIDENT) -> TurnAnalysis:
    """Only the acts read with at least `threshold` confidence."""
    return TurnAnalysis(text=analysis.text, acts=[a for a in analysis.acts if a.confidence >= threshold])


def uncertain(analysis: TurnAnalysis, kinds: frozenset[ActKind],
              low: float = POSSIBLE, high: float = CONFIDENT) -> list[Act]:
    """Acts of `kinds` read as possible but not confident: what the counterparty should check before using."""
    return [a for a in analysis.acts if a.kind in kinds and low <= a.confidence < high]

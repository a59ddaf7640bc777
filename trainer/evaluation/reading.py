"""How the evaluator combines the learned reader with the hand-written rules, mistake by mistake.

Each mistake's detector runs on two readings of the same transcript: the rules' acts, and the learned
model's acts above a confidence threshold. Which reading decides (or whether both must agree, or either may)
was chosen per mistake on the blind round 5 (evals/gold, ids 901-950), which then retired into tuning data;
round 6 (951-1000) measures the result. See README "How far to trust the evaluator".

- power_vs_leverage: the rules alone (the model read deference and unasked concessions less well: F1 0.58).
- urgency_signal: both must agree, model at 0.35: the model vetoes the rules' false alarms on other people's
  dates (precision 0.81 -> 0.96 at the same recall).
- weak_alternative: either, model at 0.35: the model finds fallbacks the rules' word lists miss (recall
  0.55 -> 0.77) at little cost in precision.
- unified_actor: the rules alone (a mistake of omission; the model's stakeholder questions add nothing here).
- process_concession: the model alone at 0.6, a threshold chosen for precision (0.91 on round 5), since
  a false accusation costs a trainee's trust more than a missed finding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from trainer.domain.acts import TurnAnalysis
from trainer.domain.transcripts import Turn
from trainer.reader.model import ActReader
from trainer.reader.turns import confident, read_turns
from trainer.resources import ResourceMissing
from trainer.scenarios.schema import Scenario

log = logging.getLogger(__name__)


class Mode(StrEnum):
    """Which reading decides a mistake."""

    rules = "rules"
    model = "model"
    both = "both"  # reported only when the rules and the model both find it
    either = "either"  # reported when either finds it


@dataclass(frozen=True)
class Reading:
    mode: Mode
    threshold: float = 0.6  # the model's calibrated confidence an act needs to count


READINGS: dict[str, Reading] = {
    "power_vs_leverage": Reading(Mode.rules),
    "urgency_signal": Reading(Mode.both, 0.35),
    "weak_alternative": Reading(Mode.either, 0.35),
    "unified_actor": Reading(Mode.rules),
    "process_concession": Reading(Mode.model, 0.6),
}

Analyses = list[TurnAnalysis | None]


def model_analyses(turns: Sequence[Turn], scenario: Scenario | None,
                   reader: ActReader | None = None) -> Analyses | None:
    """Every trainee turn read by the model (one batched call); None when the model is not installed."""
    trainee = [i for i, t in enumerate(turns) if t.speaker == "trainee"]
    items = [(turns[i].text, turns[i - 1].text if i and turns[i - 1].speaker == "counterparty" else None)
             for i in trainee]
    try:
        read = read_turns(items, scenario, reader)
    except ResourceMissing:
        log.warning("the act reader is not installed; scoring with the rules alone")
        return None
    out: Analyses = [None] * len(turns)
    for i, analysis in zip(trainee, read, strict=True):
        out[i] = analysis
    return out


def at_threshold(analyses: Analyses, threshold: float) -> Analyses:
    """Only the acts the model read with at least `threshold` confidence."""
    return [None if a is None else confident(a, threshold) for a in analyses]


def thresholds_needed() -> set[float]:
    """The distinct model thresholds the policy uses (each needs one pass of the detectors)."""
    return {r.threshold for r in READINGS.values() if r.mode != Mode.rules}

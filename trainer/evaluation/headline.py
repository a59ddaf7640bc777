"""The debrief's headline score: the value the deal captured and the five mistakes, in one number (0-100).

Value (60 points) is measured against the trainee's walk-away and against what the counterparty would really have
given; the mistakes (40 points) come from the evaluator's report. Three outcomes, in order:
- a deal at or above the walk-away on every issue: 30-60 value points, by how much it captured;
- no deal (walked away, or ended without agreement): 30 value points, the alternative the trainee keeps;
- a deal below the walk-away on any issue: no value points, and the score is capped below the lowest score any
  no-deal session can get, so accepting a bad deal never outscores walking away.
`trainer play --json` reports this number as `outcome.score`, and the app's debrief shows the same number.
"""

from __future__ import annotations

from typing import Literal

from trainer.domain.base import Strict
from trainer.domain.deal import Status
from trainer.domain.report import Report
from trainer.engine.outcome import Outcome

VALUE_POINTS = 60
MISTAKE_POINTS = 100 - VALUE_POINTS
NO_DEAL_VALUE = 0.5  # the alternative: as good as a deal exactly at the walk-away that captured nothing
NO_DEAL_FLOOR = round(VALUE_POINTS * NO_DEAL_VALUE)  # the least a no-deal session can score
BELOW_WALKAWAY_CAP = NO_DEAL_FLOOR - 1

Basis = Literal["deal", "deal_below_walkaway", "no_deal"]


class Headline(Strict):
    """The headline score and how it was made, for the debrief and `trainer play --json`."""

    score: int
    basis: Basis
    value_points: int
    mistake_points: int
    below_walkaway: list[str]  # labels of the issues a deal left below the walk-away
    summary: str


def capture(outcome: Outcome) -> float:
    """0..1: half against the walk-away-to-target span, half against what they would really have given."""
    room = 1 - (outcome.conceded_beyond_necessity if outcome.conceded_beyond_necessity is not None else 1.0)
    return 0.5 * outcome.trainee_utility + 0.5 * room


def headline(outcome: Outcome, mistakes_score: int) -> Headline:
    """Combine the outcome with the mistakes score (the evaluator's 0-100) into the headline."""
    mistake_points = round(MISTAKE_POINTS * mistakes_score / 100)
    short = [o.label for o in outcome.issues if not o.meets_walkaway]
    if outcome.status != Status.agreed:
        value, basis = NO_DEAL_VALUE, "no_deal"
    elif short:
        value, basis = 0.0, "deal_below_walkaway"
    else:
        value, basis = NO_DEAL_VALUE + (1 - NO_DEAL_VALUE) * capture(outcome), "deal"
    value_points = round(VALUE_POINTS * value)
    score = value_points + mistake_points
    if basis == "deal_below_walkaway":
        score = min(score, BELOW_WALKAWAY_CAP)
    return Headline(score=max(0, min(100, score)), basis=basis, value_points=value_points,
                    mistake_points=mistake_points, below_walkaway=short, summary=_summary(basis, short))


def names(labels: list[str]) -> str:
    """'unit price, payment terms and recall liability cap': labels mid-sentence (acronyms kept)."""
    words = [x if x[:2].isupper() else x[:1].lower() + x[1:] for x in labels]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _summary(basis: Basis, short: list[str]) -> str:
    """One sentence saying which case applied."""
    if basis == "deal_below_walkaway":
        return (f"The deal is below your walk-away on {names(short)}, so it scores below walking away "
                f"(at most {BELOW_WALKAWAY_CAP}).")
    if basis == "no_deal":
        return "No deal: you keep your alternative, worth as much as a deal exactly at your walk-away."
    return "A deal within your walk-away on every term, scored by how much of the available ground you took."


def headline_for(report: Report, outcome: Outcome) -> tuple[Report, Headline]:
    """The report with its overall score replaced by the headline (the mistakes-only score kept beside it)."""
    mistakes = report.mistakes_score if report.mistakes_score is not None else report.overall_score
    result = headline(outcome, mistakes)
    return report.model_copy(update={"overall_score": result.score, "mistakes_score": mistakes}), result

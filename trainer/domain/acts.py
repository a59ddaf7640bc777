"""Dialogue acts: the typed result of analysing one turn. Shared by engine, evaluator and live hints."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ActKind(StrEnum):
    # substance
    offer = "offer"  # a position on an issue, with a value
    concession = "concession"  # moving toward them with nothing asked in return
    conditional_trade = "conditional_trade"  # "if you ..., we can ..."
    # questions (rewarded: they surface hidden information)
    question_interests = "question_interests"
    question_constraints = "question_constraints"
    question_stakeholders = "question_stakeholders"
    question_alternatives = "question_alternatives"  # asks about *their* alternatives
    question_process = "question_process"
    challenge_alternative = "challenge_alternative"  # shows the weakness of *their* alternative
    # disclosures (costly)
    disclose_urgency = "disclose_urgency"  # own deadline, runway, pressure
    disclose_weak_alternative = "disclose_weak_alternative"  # own poor fallback, or having none
    cite_strong_alternative = "cite_strong_alternative"  # a credible, strong alternative (not a mistake)
    deference = "deference"  # "you're much bigger", "we'll take whatever you think is fair"
    # process
    accept_their_process = "accept_their_process"  # their draft / agenda / sequence / cadence
    propose_own_process = "propose_own_process"  # we draft, we set the agenda, substance first
    # other
    objective_standard = "objective_standard"  # market data, index, benchmark, precedent
    accept = "accept"
    reject = "reject"
    walk_away = "walk_away"
    small_talk = "small_talk"


class ProcessAspect(StrEnum):
    draft = "draft"
    agenda = "agenda"
    sequence = "sequence"
    cadence = "cadence"


class Act(BaseModel):
    """One act found in a turn, with the exact words that carry it."""

    model_config = ConfigDict(extra="forbid")

    kind: ActKind
    quote: str  # the words in the turn that carry the act (a substring of the turn text)
    issue_id: str | None = None  # for offers/concessions when a scenario is known
    value: float | None = None
    unit: str | None = None
    aspect: ProcessAspect | None = None  # for process acts
    confidence: float = Field(default=1.0, ge=0, le=1)


class TurnAnalysis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    acts: list[Act] = Field(default_factory=list)

    def has(self, kind: ActKind) -> bool:
        return any(a.kind == kind for a in self.acts)

    def of(self, kind: ActKind) -> list[Act]:
        return [a for a in self.acts if a.kind == kind]

    def offers(self) -> dict[str, float]:
        """Issue id -> value for every offer that names a known issue."""
        return {a.issue_id: a.value for a in self.acts if a.kind == ActKind.offer and a.issue_id and a.value is not None}

"""The evaluator's output: a strict, typed report that the CLI, coach, debrief and store all share."""

from __future__ import annotations

from pydantic import Field

from trainer.domain.base import Strict
from trainer.domain.mistakes import MistakeId


class Evidence(Strict):
    turn: int = Field(ge=0)  # 0-based index into *all* turns of the transcript
    quote: str


class Citation(Strict):
    note_id: str
    title: str
    source: str  # the article's file name and title


class MistakeFinding(Strict):
    id: MistakeId
    title: str
    detected: bool
    severity: int = Field(ge=0, le=3)
    score: int = Field(ge=0, le=100)  # 100 = handled well
    evidence: list[Evidence] = Field(default_factory=list)
    explanation: str
    advice: str  # a rewritten, better version of the offending line
    sources: list[Citation] = Field(default_factory=list)


class Strength(Strict):
    kind: str  # e.g. "question", "conditional_trade", "objective_standard", "drafting", "stakeholder_probe"
    description: str
    evidence: list[Evidence] = Field(default_factory=list)


class Report(Strict):
    mistakes: list[MistakeFinding]  # always all five, in MISTAKE_TITLES order
    overall_score: int = Field(ge=0, le=100)
    strengths: list[Strength] = Field(default_factory=list)

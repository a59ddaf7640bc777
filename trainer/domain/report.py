"""The evaluator's output: a strict, typed report that the CLI, coach, debrief and store all share."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from trainer.domain.base import Strict
from trainer.domain.mistakes import MistakeId


class Evidence(Strict):
    turn: int = Field(ge=0)  # 0-based index into *all* turns of the transcript
    quote: str


class Citation(Strict):
    note_id: str
    title: str  # the note's title
    source: str  # the title of the article the note paraphrases (never a file name)


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
    # the headline: for a practice session it also counts the deal's value (trainer.evaluation.headline); for a
    # pasted conversation, with no deal to score, it is the mistakes score
    overall_score: int = Field(ge=0, le=100)
    strengths: list[Strength] = Field(default_factory=list)
    mistakes_score: int | None = Field(default=None, ge=0, le=100)  # the mistakes alone, when overall counts a deal

    @model_serializer(mode="wrap")
    def _without_empty_mistakes_score(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A pasted conversation's report keeps its documented shape: the field appears only when it is set."""
        data = handler(self)
        if data.get("mistakes_score") is None:
            data.pop("mistakes_score", None)
        return data

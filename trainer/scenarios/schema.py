"""The scenario schema: typed pydantic models for the YAML files every other part of Leverage reads.

Unknown keys are errors (extra="forbid"), so a misspelt field never silently disappears.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from trainer.domain.mistakes import MistakeId
from trainer.scenarios.levels import LevelBounds

# Sane bounds for the numbers of a negotiation: a billion of any unit (EUR, EUR million, days, %) is beyond every
# deal a trainee rehearses, and an offer voiced from 1e308 reads as nonsense. Steps below a thousandth of a unit
# would make offers like "EUR 181.0004".
MAX_AMOUNT = 1e9
MIN_STEP = 0.001
Amount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


class Strict(BaseModel):
    """Base for every scenario model: unknown keys are errors, not silently ignored; .inf and .nan are refused
    wherever a number is expected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Direction(StrEnum):
    higher = "higher"
    lower = "lower"


class AlternativeStrength(StrEnum):
    weak = "weak"
    moderate = "moderate"
    strong = "strong"


class RevealTrigger(Strict):
    """When the trainee earns a piece of hidden information.

    Fires when the trainee turn carries one of `acts` (act kinds from `trainer.domain.acts.ActKind`, e.g.
    `question_stakeholders`) and, if `keywords` is non-empty, mentions at least one keyword (case-insensitive).
    """

    acts: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)


class PrivatePressure(Strict):
    """Something costly to reveal (deadline, runway, board date). The evaluator matches its keywords."""

    id: str
    description: str
    keywords: list[str] = Field(min_length=1)


class TraineeAlternative(Strict):
    description: str
    strength: AlternativeStrength
    keywords: list[str] = Field(min_length=1)


class TraineeBrief(Strict):
    role: str
    organisation: str
    background: str
    goals: list[str] = Field(min_length=1)
    must_haves: list[str] = Field(min_length=1)
    red_lines: list[str] = Field(min_length=1)
    private_pressures: list[PrivatePressure] = Field(min_length=1)
    alternative: TraineeAlternative


class Persona(Strict):
    tone: str
    habits: list[str] = Field(min_length=1)
    pressure_tactics: list[str] = Field(min_length=1)


class SituationalNeed(Strict):
    """A hidden need of the stronger side; surfacing it opens real flexibility on some issues."""

    id: str
    description: str
    reveal_line: str  # what the counterparty admits, in its own voice, once surfaced
    reveal_when: RevealTrigger
    flexibility: dict[str, float] = Field(default_factory=dict)  # issue id -> extra share of range (0..1)


class Stakeholder(Strict):
    id: str
    role: str
    name: str | None = None
    interest: str
    concern: str
    how_to_surface: str  # shown in the debrief: what the trainee had to do
    reveal_line: str
    reveal_when: RevealTrigger
    flexibility: dict[str, float] = Field(default_factory=dict)


class CounterpartyAlternative(Strict):
    """The stronger side's fallback as it presents it, and its real weakness (the carmaker lesson)."""

    id: str
    description: str
    weakness: str
    concede_line: str  # what it admits when the trainee exposes the weakness
    reveal_when: RevealTrigger
    flexibility: dict[str, float] = Field(default_factory=dict)


class Counterparty(Strict):
    name: str
    role: str
    organisation: str
    persona: Persona
    opening_line: str
    situational_needs: list[SituationalNeed] = Field(min_length=1)
    stakeholders: list[Stakeholder] = Field(min_length=1)
    alternatives: list[CounterpartyAlternative] = Field(min_length=1)
    second_voice: str | None = None  # name/role of a second person in the room, if any
    # "quick" when its opening line says it wants to settle fast: it then never claims to be in no rush
    pace: Literal["quick", "patient"] | None = None


class Issue(Strict):
    """One negotiable term. Values are plain numbers in `unit`; each side prefers the opposite direction."""

    id: str
    label: str
    unit: str
    trainee_prefers: Direction
    counterparty_prefers: Direction
    trainee_target: Amount
    trainee_walkaway: Amount
    counterparty_opening: Amount
    counterparty_reservation: Amount  # hidden: never shown to the trainee
    trainee_weight: float = Field(gt=0, le=1)
    counterparty_weight: float = Field(gt=0, le=1)
    step: float = Field(default=1.0, ge=MIN_STEP, le=MAX_AMOUNT)  # smallest sensible movement, for rounding offers
    aliases: list[str] = Field(default_factory=list)  # words that name this issue in free text


class ProcessTrapKind(StrEnum):
    draft = "draft"
    agenda = "agenda"
    sequence = "sequence"
    cadence = "cadence"


class ProcessTrap(Strict):
    id: str
    kind: ProcessTrapKind
    line: str  # how the counterparty proposes it
    default_terms: dict[str, Amount] = Field(default_factory=dict)  # terms its draft would bring (draft traps)


class Scenario(Strict):
    id: str
    title: str
    summary: str
    difficulty: int = Field(ge=1, le=3)
    tags: list[str] = Field(default_factory=list)
    estimated_minutes: int = Field(ge=5, le=120)
    learning_focus: list[MistakeId] = Field(min_length=1)
    public_setting: str
    trainee: TraineeBrief
    counterparty: Counterparty
    issues: list[Issue] = Field(min_length=2, max_length=6)
    process_traps: list[ProcessTrap] = Field(min_length=1)
    levels: LevelBounds = Field(default_factory=LevelBounds)  # difficulty bounds (trainer/scenarios/levels.py)
    rewind_limit: int = Field(default=3, ge=0, le=20)  # rewinds per session; a cohort may override it

    def issue(self, issue_id: str) -> Issue:
        """Look up an issue by id (KeyError if unknown)."""
        for item in self.issues:
            if item.id == issue_id:
                return item
        raise KeyError(issue_id)


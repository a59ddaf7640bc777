"""Typed deal state: the single source of truth for positions, concessions and what has been revealed.

Nothing here is ever parsed back out of prose; the engine updates it from typed acts and typed moves.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from trainer.domain.acts import ProcessAspect
from trainer.domain.base import Strict


class Side(StrEnum):
    trainee = "trainee"
    counterparty = "counterparty"


class Phase(StrEnum):
    opening = "opening"  # process still being set, no substance yet
    exploring = "exploring"  # questions and answers, no offers yet from the trainee
    bargaining = "bargaining"  # offers on the table
    closing = "closing"  # the counterparty is at (or near) what it will give
    agreed = "agreed"
    walked_away = "walked_away"


class Status(StrEnum):
    open = "open"
    agreed = "agreed"
    walked_away = "walked_away"


class Concession(Strict):
    """One movement toward the other side, and what (if anything) was given for it."""

    turn: int
    by: Side
    issue_id: str
    from_value: float | None
    to_value: float
    in_exchange_for: list[str] = Field(default_factory=list)  # empty = given for nothing

    @property
    def unreturned(self) -> bool:
        """True when nothing was asked or received in exchange."""
        return not self.in_exchange_for


class Withdrawal(Strict):
    """A number the counterparty took back, and the reason the voice must state (never silent)."""

    turn: int
    issue_id: str
    from_value: float
    to_value: float
    reason: str  # "reopened": the trainee went back on a term both sides had settled


class Stance(Strict):
    """What the counterparty has said about itself, so it never contradicts it without saying why."""

    pace: str | None = None  # "quick" (its opening wants speed) | "deadline" (it set one) | "no_rush"
    final: bool = False  # it has called its terms final

    @property
    def hurried(self) -> bool:
        """It said it wants this done soon (its opening, or a deadline it set): it may never claim 'no rush'."""
        return self.pace in ("quick", "deadline")


class Mistakes(Strict):
    """What the counterparty has filed away about the trainee, to use for the rest of the session."""

    urgency_revealed: bool = False
    urgency_turn: int | None = None
    weak_alternative_mentioned: bool = False
    weak_alternative_turn: int | None = None
    deference_shown: bool = False
    unprompted_concessions: int = 0
    process_given: list[ProcessAspect] = Field(default_factory=list)


class Credits(Strict):
    """What the trainee has earned by negotiating well (each unlocks movement)."""

    conditional_trades: int = 0
    objective_standards: int = 0
    questions: int = 0


class ProcessControl(Strict):
    """Who holds each piece of process; None = not yet settled."""

    draft: Side | None = None
    agenda: Side | None = None
    sequence: Side | None = None
    cadence: Side | None = None

    def get(self, aspect: ProcessAspect) -> Side | None:
        """Look up one aspect by its enum value."""
        return getattr(self, aspect.value)

    def set(self, aspect: ProcessAspect, side: Side) -> None:
        """Record who controls one aspect."""
        setattr(self, aspect.value, side)


class TurnEvents(Strict):
    """What happened in the latest trainee turn; the policy reacts to this, then it is replaced."""

    input_problem: str | None = None  # "empty" | "too_long"
    offers: dict[str, float] = Field(default_factory=dict)
    unprompted_concessions: list[str] = Field(default_factory=list)  # issue ids
    traded_concessions: list[str] = Field(default_factory=list)  # issue ids moved with something asked back
    new_urgency: bool = False
    new_weak_alternative: bool = False
    new_deference: bool = False
    new_reveals: list[str] = Field(default_factory=list)  # ids of needs/stakeholders/alternatives just earned
    process_accepted: list[ProcessAspect] = Field(default_factory=list)
    process_claimed: list[ProcessAspect] = Field(default_factory=list)
    reopened: list[str] = Field(default_factory=list)  # settled issues the trainee went back on
    conditional_trade: bool = False
    objective_standard: bool = False
    questions: list[str] = Field(default_factory=list)  # act kinds of questions asked
    accepted: bool = False
    rejected: bool = False
    walked_away: bool = False


class DealState(Strict):
    """Everything the engine knows about the negotiation after a turn; JSON round-trips exactly."""

    scenario_id: str
    seed: int = 0
    turn: int = 0  # number of trainee turns processed
    phase: Phase = Phase.opening
    status: Status = Status.open
    trainee_positions: dict[str, float | None] = Field(default_factory=dict)
    counterparty_positions: dict[str, float] = Field(default_factory=dict)
    released_values: dict[str, list[float]] = Field(default_factory=dict)  # every value the counterparty said
    concessions: list[Concession] = Field(default_factory=list)
    revealed_needs: list[str] = Field(default_factory=list)
    revealed_stakeholders: list[str] = Field(default_factory=list)
    exposed_alternatives: list[str] = Field(default_factory=list)
    process: ProcessControl = Field(default_factory=ProcessControl)
    traps_proposed: list[str] = Field(default_factory=list)
    mistakes: Mistakes = Field(default_factory=Mistakes)
    credits: Credits = Field(default_factory=Credits)
    events: TurnEvents = Field(default_factory=TurnEvents)
    agreed_terms: dict[str, float] | None = None
    last_move_kind: str | None = None
    counterparty_moved_since_trainee: bool = True  # did it move since the trainee's last offer?
    pressure_used: list[str] = Field(default_factory=list)  # pressure tactics it has used (each once)
    stance: Stance = Field(default_factory=Stance)
    disclosed: list[str] = Field(default_factory=list)  # facts the trainee gave: "timeline", "alternatives"
    probes_asked: list[str] = Field(default_factory=list)  # questions it has asked (never asked twice)
    withdrawals: list[Withdrawal] = Field(default_factory=list)
    conditional_positions: list[str] = Field(default_factory=list)  # trainee terms offered only on a condition

    def to_json(self) -> str:
        """Serialise for storage (the store keeps this blob per turn)."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, blob: str) -> DealState:
        """Inverse of to_json; raises on unknown keys."""
        return cls.model_validate_json(blob)

    def revealed_ids(self) -> set[str]:
        """Every hidden item the trainee has surfaced so far."""
        return set(self.revealed_needs) | set(self.revealed_stakeholders) | set(self.exposed_alternatives)

    def asked_or_told(self, question: str) -> bool:
        """It already asked this question, or the trainee already gave that fact: never ask it (again)."""
        return question in self.probes_asked or question in self.disclosed

    def trainee_concessions(self) -> list[Concession]:
        """The trainee's own movements, in order."""
        return [c for c in self.concessions if c.by == Side.trainee]

    @property
    def is_over(self) -> bool:
        """True once agreed or walked away: further turns change nothing."""
        return self.status != Status.open

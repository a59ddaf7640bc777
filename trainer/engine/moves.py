"""The counterparty's typed move: what the engine decided, the only thing a voice may say.

Its own module so the policy that makes moves and the invariants that check them both read it without
importing each other.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class MoveKind(StrEnum):
    open = "open"
    process_trap = "process_trap"
    counter = "counter"
    hold = "hold"
    pocket_and_ask = "pocket_and_ask"
    anchor_against_alternative = "anchor_against_alternative"
    slow_down = "slow_down"
    reveal = "reveal"
    accept = "accept"  # it accepts the trainee's terms
    reject = "reject"
    close = "close"  # the trainee accepted its terms; it confirms the deal
    clarify = "clarify"  # bad input: empty or too long
    farewell = "farewell"  # the trainee walked away


class Move(BaseModel):
    """One counterparty decision; the realizer voices exactly this and nothing else."""

    model_config = ConfigDict(extra="forbid")

    kind: MoveKind
    releases: dict[str, float] = Field(default_factory=dict)  # its current terms (all the numbers it may say)
    mentions: list[str] = Field(default_factory=list)  # issues whose values the voice must state
    moved: list[str] = Field(default_factory=list)  # issues on which it conceded this turn
    in_exchange_for: list[str] = Field(default_factory=list)  # why it moved
    asks: list[str] = Field(default_factory=list)  # issues it presses the trainee on
    pocketed: list[str] = Field(default_factory=list)  # trainee concessions it takes without return
    tactic: str | None = None
    probe: str | None = None  # what it fishes for: "timeline" | "alternatives" | "priorities"
    reveal_lines: list[str] = Field(default_factory=list)
    trap_id: str | None = None
    trap_line: str | None = None
    agreed_terms: dict[str, float] | None = None
    note: str | None = None  # plain reason for clarify moves
    withdrawn: dict[str, str] = Field(default_factory=dict)  # issue -> why a released term is taken back
    stance_note: str | None = None  # why its stance changed ("final_reopened"): the voice says it

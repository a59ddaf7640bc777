"""Run a whole session (scripted or turn by turn) and shape its result as the `trainer play --json` document.

Shared by the CLI and the counterparty evaluations, so both measure exactly what a trainee would get.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from trainer.domain.deal import DealState
from trainer.engine.outcome import compute_outcome
from trainer.engine.policy import Move
from trainer.engine.turn import Engine, StepResult
from trainer.scenarios.library import Scenario


class Realizer(Protocol):
    """Anything that voices a move (TemplateRealizer, LLMRealizer)."""

    last_meta: dict[str, Any]

    def stream(self, move: Move, state: DealState, scenario: Scenario, history: Any) -> Iterator[str]: ...


VOICE_META_KEYS = ("realizer", "attempts", "fallback", "repaired", "truncated", "problems", "ttft", "seconds")


@dataclass
class Session:
    """One live session: engine, state, transcript, with the voice's metadata per counterparty turn."""

    scenario: Scenario
    realizer: Realizer
    seed: int = 0
    engine: Engine | None = None
    state: DealState | None = None
    turns: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.engine = self.engine or Engine(self.scenario, self.seed)

    @property
    def history(self) -> list[tuple[str, str]]:
        """(speaker, text) pairs, what the realizer sees."""
        return [(t["speaker"], t["text"]) for t in self.turns]

    def open(self) -> Iterator[str]:
        """Stream the counterparty's opening."""
        self.state, move = self.engine.open()
        yield from self._voice(move)

    def say(self, text: str) -> Iterator[str]:
        """Stream the counterparty's answer to one trainee message."""
        previous = self.turns[-1]["text"] if self.turns else None
        step: StepResult = self.engine.step(self.state, text, previous=previous)
        self.turns.append({"speaker": "trainee", "text": text, "move": None})
        self.state = step.state
        yield from self._voice(step.move)

    def _voice(self, move: Move) -> Iterator[str]:
        """Voice a move and record the turn once the text is complete."""
        started, chunks = time.monotonic(), []
        for chunk in self.realizer.stream(move, self.state, self.scenario, self.history):
            chunks.append(chunk)
            yield chunk
        meta = dict(getattr(self.realizer, "last_meta", {}) or {})
        meta["seconds"] = round(time.monotonic() - started, 3)
        voice = {k: meta[k] for k in VOICE_META_KEYS if k in meta}
        self.turns.append(
            {
                "speaker": "counterparty",
                "text": "".join(chunks).strip(),
                "move": {**move.model_dump(mode="json"), "voice": voice},
            }
        )

    @property
    def over(self) -> bool:
        """True once agreed or walked away."""
        return self.state is not None and self.state.is_over


def run_script(
    scenario: Scenario, lines: Iterable[str], realizer: Realizer, seed: int = 0, engine: Engine | None = None
) -> Session:
    """Play a scripted trainee, one message per line, stopping early if the deal closes."""
    session = Session(scenario, realizer, seed, engine=engine)
    for _ in session.open():
        pass
    for line in lines:
        if session.over:
            break
        for _ in session.say(line):
            pass
    return session


def result_document(session: Session) -> dict[str, Any]:
    """The `trainer play --json` document: status, turns, terms, outcome, revealed."""
    state, scenario = session.state, session.scenario
    outcome = compute_outcome(state, scenario)
    agreed = state.agreed_terms or {}
    terms = {
        i.id: {
            "trainee": state.trainee_positions.get(i.id),
            "counterparty": state.counterparty_positions.get(i.id),
            "agreed": agreed.get(i.id),
        }
        for i in scenario.issues
    }
    return {
        "scenario": scenario.id,
        "status": state.status.value,
        "turns": session.turns,
        "terms": terms,
        "outcome": {
            "trainee_utility": outcome.trainee_utility,
            "conceded_beyond_necessity": outcome.conceded_beyond_necessity,
            "basis": outcome.basis,
            "final_terms": outcome.terms,
            "issues": [o.model_dump(mode="json") for o in outcome.issues],
            "concessions_without_return": [
                c.model_dump(mode="json") for c in outcome.concessions_without_return
            ],
            "counterparty_concessions": outcome.counterparty_concessions,
        },
        "revealed": {
            "stakeholders": list(state.revealed_stakeholders),
            "needs": list(state.revealed_needs),
            "alternatives": list(state.exposed_alternatives),
        },
    }

"""The one session driver: engine, deal state and transcript of a game, voiced line by line.

The practice service (`trainer.app.practice`), the studio's test-play (`trainer.app.studio`), `trainer play`
and the counterparty evaluation (`trainer.measure.counterparty`) all play through `Session`, so that with the
same scenario, seed and trainee lines they play the same game: the same engine seed for every turn, the same
previous line for the reader, the same history for the voice and the same voice metadata.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from trainer.domain.acts import TurnAnalysis
from trainer.domain.deal import DealState
from trainer.domain.transcripts import Turn
from trainer.engine.outcome import compute_outcome
from trainer.engine.policy import Move
from trainer.engine.turn import Engine, StepResult
from trainer.evaluation.evaluator import evaluate
from trainer.evaluation.headline import headline_for
from trainer.scenarios.schema import Scenario

log = logging.getLogger(__name__)

Speaker = Literal["trainee", "counterparty"]
TRAINEE: Speaker = "trainee"
COUNTERPARTY: Speaker = "counterparty"
# The voice's account of a reply that is kept with it (never the raw model text).
VOICE_META_KEYS = ("realizer", "attempts", "fallback", "repaired", "truncated", "problems", "ttft", "seconds")


class Realizer(Protocol):
    """Anything that voices a move (TemplateRealizer, LLMRealizer, test fakes).

    After a stream ends, `last_meta` is the voice's account of it (which voice, attempts, fallback, ...).
    """

    last_meta: dict[str, Any]

    def stream(
        self, move: Move, state: DealState, scenario: Scenario, history: Sequence[tuple[str, str]]
    ) -> Iterator[str]: ...


class SilentVoice(RuntimeError):
    """The voice finished without a word: the reply is not accepted and the trainee's line stays pending."""


@dataclass
class Line:
    """One line of the transcript, with what the engine needs to replay it."""

    speaker: Speaker
    text: str
    move: Move | None = None  # the counterparty's move this line voices
    meta: dict[str, Any] = field(default_factory=dict)  # the voice's account of a counterparty line
    acts: TurnAnalysis | None = None  # typed acts sent by a button; the engine reads them instead of the text

    def document(self) -> dict[str, Any]:
        """The line as `trainer play --json` prints it: the move carries the voice's metadata."""
        move = None if self.move is None else {**self.move.model_dump(mode="json"), "voice": self.voice()}
        return {"speaker": self.speaker, "text": self.text, "move": move}

    def voice(self) -> dict[str, Any]:
        """The voice metadata worth keeping (see VOICE_META_KEYS)."""
        return {k: self.meta[k] for k in VOICE_META_KEYS if k in self.meta}


def voice_meta(realizer: Realizer, seconds: float) -> dict[str, Any]:
    """The realizer's own account of its last reply plus the time it took."""
    meta = {**realizer.last_meta, "seconds": round(seconds, 3)}
    return {k: meta[k] for k in VOICE_META_KEYS if k in meta}


@dataclass
class Session:
    """One game: the engine, the deal state and the transcript; `realizer` is the default voice."""

    scenario: Scenario
    realizer: Realizer | None = None
    seed: int = 0
    engine: Engine | None = None
    state: DealState | None = None
    lines: list[Line] = field(default_factory=list)
    pending_step: StepResult | None = None  # the engine's answer to the unanswered trainee line (kept for retries)
    last_step: StepResult | None = None  # the latest answered step (how the trainee's last line was read)

    def __post_init__(self) -> None:
        self.engine = self.engine or Engine(self.scenario, self.seed)

    # -- reading

    @property
    def history(self) -> list[tuple[str, str]]:
        """(speaker, text) pairs: what the voice sees."""
        return [(line.speaker, line.text) for line in self.lines]

    @property
    def turns(self) -> list[dict[str, Any]]:
        """The transcript as `trainer play --json` prints it."""
        return [line.document() for line in self.lines]

    @property
    def over(self) -> bool:
        """True once agreed or walked away."""
        return self.state is not None and self.state.is_over

    @property
    def pending(self) -> Line | None:
        """The trainee's last line while it has no reply."""
        return self.lines[-1] if self.lines and self.lines[-1].speaker == TRAINEE else None

    def previous_line(self, before: int | None = None) -> str | None:
        """The counterparty's latest line before line `before` (default: the end): the reader reads in context."""
        for line in reversed(self.lines[:before]):
            if line.speaker == COUNTERPARTY:
                return line.text
        return None

    # -- playing

    def open(self, realizer: Realizer | None = None) -> Iterator[str]:
        """Stream the counterparty's opening (its scripted opening line if the voice says nothing)."""
        self.state, move = self._engine.open()
        text, meta = yield from self.speak(move, self.state, realizer)
        self.lines.append(Line(COUNTERPARTY, text or self.scenario.counterparty.opening_line, move, meta))

    def say(self, text: str, acts: TurnAnalysis | None = None, realizer: Realizer | None = None) -> Iterator[str]:
        """Add a trainee line and stream the counterparty's answer."""
        self.add_trainee(text, acts)
        yield from self.answer(realizer)

    def add_trainee(self, text: str, acts: TurnAnalysis | None = None) -> Line:
        """Append the trainee's line; `acts` (from a button) replace reading the text."""
        line = Line(TRAINEE, text, acts=acts)
        self.lines.append(line)
        self.pending_step = None
        return line

    def answer(self, realizer: Realizer | None = None) -> Iterator[str]:
        """Stream the answer to the pending trainee line and accept it once complete (SilentVoice if empty)."""
        step = self.step()
        text, meta = yield from self.speak(step.move, step.state, realizer)
        if not text:
            raise SilentVoice("the voice returned nothing")
        self.accept(step, text, meta)

    def step(self) -> StepResult:
        """The engine's answer to the pending trainee line, computed once so a retry never moves the deal twice."""
        pending = self.pending
        if pending is None or self.state is None:
            raise RuntimeError("no trainee line is waiting for an answer")
        if self.pending_step is None:
            self.pending_step = self._step(self.state, pending, len(self.lines) - 1)
        return self.pending_step

    def speak(
        self, move: Move, state: DealState, realizer: Realizer | None = None
    ) -> Generator[str, None, tuple[str, dict[str, Any]]]:
        """Stream a move in the voice; returns (the whole line, the voice's metadata). Records nothing."""
        voice = realizer or self.realizer
        if voice is None:
            raise RuntimeError("no voice given for this session")
        started, chunks = time.monotonic(), []
        for chunk in voice.stream(move, state, self.scenario, self.history):
            chunks.append(chunk)
            yield chunk
        return "".join(chunks).strip(), voice_meta(voice, time.monotonic() - started)

    def accept(self, step: StepResult, text: str, meta: dict[str, Any]) -> Line:
        """The reply is out: the step's state becomes the game's state and the line joins the transcript."""
        line = Line(COUNTERPARTY, text, step.move, dict(meta))
        self.lines.append(line)
        self.state, self.last_step, self.pending_step = step.state, step, None
        return line

    # -- rebuilding

    @classmethod
    def replay(cls, scenario: Scenario, seed: int, lines: Iterable[Line], state: DealState | None = None) -> Session:
        """A game from a stored transcript: `state` when it is known, else the answered trainee lines replayed."""
        game = cls(scenario, seed=seed, lines=list(lines))
        game.state = state if state is not None else game._replayed_state()
        return game

    def _replayed_state(self) -> DealState:
        """Open, then step through every trainee line that has an answer (the pending one is answered later)."""
        state, _ = self._engine.open()
        for i, line in enumerate(self.lines[:-1]):
            if line.speaker == TRAINEE and self.lines[i + 1].speaker == COUNTERPARTY:
                state = self._step(state, line, i).state
        return state

    def _step(self, state: DealState, line: Line, index: int) -> StepResult:
        """One engine step: typed acts as they are, text read with the counterparty's previous line."""
        if line.acts is not None:
            return self._engine.step_analysis(state, line.acts)
        return self._engine.step(state, line.text, self.previous_line(index))

    @property
    def _engine(self) -> Engine:
        assert self.engine is not None  # set in __post_init__
        return self.engine


def stored_move(doc: dict[str, Any] | None) -> Move | None:
    """A move read back from the store (None when absent or from an older, incompatible shape)."""
    if doc is None:
        return None
    try:
        return Move.model_validate({k: v for k, v in doc.items() if k != "voice"})
    except ValidationError:
        log.info("a stored move did not validate; it is shown without its move")
        return None


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
    assert state is not None, "the session was never opened"
    outcome = compute_outcome(state, scenario)
    turns = [Turn(speaker=line.speaker, text=line.text) for line in session.lines]
    _, head = headline_for(evaluate(turns, scenario), outcome)
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
            "score": head.score,  # the debrief's headline score, the number the app shows
            "score_basis": head.basis,
            "score_summary": head.summary,
            "below_walkaway": head.below_walkaway,
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

"""One negotiation turn end to end (analyse, update state, decide), pure and without I/O."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from trainer.domain.acts import TurnAnalysis
from trainer.domain.deal import DealState
from trainer.engine.policy import Move, decide, open_move
from trainer.engine.tracking import apply_move, apply_trainee, record_input_problem
from trainer.reader.analysis import analyse_turn
from trainer.scenarios.schema import Scenario

MAX_CHARS = 2000
Analyser = Callable[[str, Scenario | None, str | None], TurnAnalysis]
log = logging.getLogger(__name__)


class StepResult(BaseModel):
    """The new state, how the trainee's turn was read, and the counterparty's chosen move."""

    model_config = ConfigDict(extra="forbid")

    state: DealState
    analysis: TurnAnalysis
    move: Move


def input_problem(text: str) -> str | None:
    """Why a message cannot be negotiated on ('empty', 'too_long'), or None when it is fine."""
    if not text or not text.strip():
        return "empty"
    if len(text) > MAX_CHARS:
        return "too_long"
    return None


class Engine:
    """Drives one scenario; `seed` fixes the counterparty's bounded randomness."""

    def __init__(self, scenario: Scenario, seed: int = 0, analyser: Analyser | None = None) -> None:
        self.scenario = scenario
        self.seed = seed
        self._analyser = analyser

    def open(self) -> tuple[DealState, Move]:
        """The counterparty speaks first: its anchor and its first piece of process."""
        start = {i.id: i.counterparty_opening for i in self.scenario.issues}
        state = DealState(scenario_id=self.scenario.id, seed=self.seed, counterparty_positions=start)
        state.stance.pace = "quick" if self.scenario.counterparty.pace == "quick" else None
        move = open_move(self.scenario)
        return apply_move(state, move), move

    def step(self, state: DealState, text: str, previous: str | None = None) -> StepResult:
        """Analyse the trainee's message and answer it; bad input gets a clarify move, never an exception."""
        problem = input_problem(text)
        if problem:
            analysis = TurnAnalysis(text=(text or "")[:MAX_CHARS])
            return self._answer(record_input_problem(state, problem), analysis)
        return self.step_analysis(state, self._analyse(text, previous))

    def step_analysis(self, state: DealState, analysis: TurnAnalysis) -> StepResult:
        """Answer an already-analysed turn (tests drive the engine this way)."""
        return self._answer(apply_trainee(state, analysis, self.scenario), analysis)


    def _analyse(self, text: str, previous: str | None) -> TurnAnalysis:
        """Run the analyser; an analyser bug must not end the trainee's session."""
        analyser = self._analyser or analyse_turn
        try:
            return analyser(text, self.scenario, previous)
        except Exception:  # noqa: BLE001 - odd input must never crash a live session
            log.exception("turn analysis failed; treating the turn as having no acts")
            return TurnAnalysis(text=text)

    def _answer(self, state: DealState, analysis: TurnAnalysis) -> StepResult:
        """Decide and apply the counterparty's move."""
        move = decide(state, self.scenario)
        return StepResult(state=apply_move(state, move), analysis=analysis, move=move)

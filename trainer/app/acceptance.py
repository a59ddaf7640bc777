"""Before the trainee accepts a package below their walk-away, the app asks them to confirm and names the issues.

Two ways to accept: saying yes to the counterparty's standing terms (typed, or answering its "are you accepting
...?"), and proposing a full package (the button, or typed). For the first, the engine is asked what the message
would do, without committing anything (a step is a pure function of the state); for a proposal, the package
itself is checked, whether or not the counterparty would take it, so the question never hints at its limits.
"""

from __future__ import annotations

from trainer.app.practice import Live
from trainer.domain.acts import TurnAnalysis
from trainer.engine.outcome import below_walkaway
from trainer.evaluation.headline import names


def issues_below_walkaway(live: Live, text: str, acts: TurnAnalysis | None = None) -> list[str]:
    """Labels of the issues this message would accept below the walk-away (empty: no need to ask)."""
    scenario, game = live.scenario, live.game
    if game.engine is None or game.state is None or game.state.is_over:
        return []
    if acts is not None:
        return _package_short(live, acts)
    step = game.engine.step(game.state, text, game.previous_line())
    if step.move.agreed_terms is not None:
        return [i.label for i in below_walkaway(step.move.agreed_terms, scenario)]
    if len(step.analysis.offers()) == len(scenario.issues):
        return _package_short(live, step.analysis)
    return []


def _package_short(live: Live, proposal: TurnAnalysis) -> list[str]:
    """A proposed package (their current terms on any issue it leaves out) checked against the walk-away."""
    package = {**live.state.counterparty_positions, **proposal.offers()}
    return [i.label for i in below_walkaway(package, live.scenario)]


def confirm_question(labels: list[str]) -> str:
    """The confirmation, naming the issues."""
    return (f"This would accept terms below your walk-away on {names(labels)}. A deal below your walk-away leaves you worse "
            "off than your alternative, and the debrief scores it below walking away. Accept anyway?")

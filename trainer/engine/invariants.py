"""The counterparty's promises, checked on every move: what it has said stands, a move moves toward the trainee,
it never asks what it was told, and its stance never flips without a reason it states.

`move_problems` names every broken promise (the property tests run it over generated sessions and require none);
`enforce` is the last guard in `decide`: it repairs a move that would break one and logs it, so a policy bug can
never reach a trainee as a taken-back number.
"""

from __future__ import annotations

import logging

from trainer.domain.deal import DealState
from trainer.engine.moves import Move, MoveKind
from trainer.engine.terms import better_for_trainee
from trainer.scenarios.schema import Scenario

log = logging.getLogger(__name__)

# Why a said term may go back (each voiced): the trainee reopened a settled term; the trainee itself offered a
# term worse for it than the counterparty's, and it takes the trainee at its word. No other reason is valid.
WITHDRAWAL_REASONS = ("reopened", "trainee_offered")
CLOSING_KINDS = ("accept", "close", "farewell", "clarify")


def _valid_withdrawal(state: DealState, move: Move, issue_id: str, value: float) -> bool:
    """A term may worsen only for a recorded reason that the state bears out."""
    reason = move.withdrawn.get(issue_id)
    if reason == "reopened":
        return issue_id in state.events.reopened
    if reason == "trainee_offered":
        ask = state.trainee_positions.get(issue_id)
        return ask is not None and abs(ask - value) < 1e-9  # exactly the trainee's own number
    return False


def withdrawn_terms(state: DealState, move: Move, scenario: Scenario) -> list[str]:
    """Issues on which the move says a term worse for the trainee than its standing one, with no valid reason."""
    out = []
    for issue in scenario.issues:
        value, current = move.releases.get(issue.id), state.counterparty_positions.get(issue.id)
        if value is None or current is None or not better_for_trainee(issue, current, value):
            continue
        if not _valid_withdrawal(state, move, issue.id, value):
            out.append(issue.id)
    return out


def move_problems(state: DealState, move: Move, scenario: Scenario) -> list[str]:
    """Every promise this move would break, given the state it answers (the trainee's turn applied)."""
    problems = [f"withdrawn:{i}" for i in withdrawn_terms(state, move, scenario)]
    for issue_id in move.moved:
        value, current = move.releases.get(issue_id), state.counterparty_positions.get(issue_id)
        if value is None or current is None or not better_for_trainee(scenario.issue(issue_id), value, current):
            problems.append(f"false_move:{issue_id}")
    if move.kind.value not in CLOSING_KINDS:
        for issue in scenario.issues:
            value, current = move.releases.get(issue.id), state.counterparty_positions.get(issue.id)
            if value is not None and current is not None and better_for_trainee(issue, value, current) \
                    and issue.id not in move.moved:
                problems.append(f"silent_move:{issue.id}")  # a concession the voice would not call one
    if move.probe and state.asked_or_told(move.probe):
        problems.append(f"asked_again:{move.probe}")
    problems += _stance_problems(state, move)
    if move.kind.value == "process_trap" and move.trap_id and state.events.offers:
        problems.append("agenda_for_an_offer")
    return problems


def _stance_problems(state: DealState, move: Move) -> list[str]:
    """Pace and finality said before must hold, or the move must carry the reason the voice gives."""
    out = []
    if move.tactic == "no_rush" and state.stance.hurried:
        out.append("stance:no_rush_after_hurry")
    if move.tactic == "false_deadline" and state.stance.pace == "no_rush":
        out.append("stance:deadline_after_no_rush")
    if move.moved and state.stance.final and move.stance_note != "final_reopened":
        out.append("stance:final_moved_silently")
    return out


def enforce(move: Move, state: DealState, scenario: Scenario) -> Move:
    """Repair a move that would break a promise (and log it): taken-back terms stand, a silent or false move is
    named as a move or dropped, a repeated question is not asked, the stance holds. The policy is tested never to
    need this; it exists so a policy bug can never reach a trainee."""
    problems = move_problems(state, move, scenario)
    if not problems:
        return move
    log.warning("engine invariant repaired in %s turn %s: %s", scenario.id, state.turn, ", ".join(problems))
    current = state.counterparty_positions
    releases = dict(move.releases)
    for issue_id in withdrawn_terms(state, move, scenario):
        releases[issue_id] = current[issue_id]
    improved = [i.id for i in scenario.issues
                if i.id in releases and i.id in current and better_for_trainee(i, releases[i.id], current[i.id])]
    moved = improved if move.kind.value not in CLOSING_KINDS else [i for i in move.moved if i in improved]
    update: dict = {
        "releases": releases,
        "moved": moved,
        "probe": None if move.probe and state.asked_or_told(move.probe) else move.probe,
        "withdrawn": {k: v for k, v in move.withdrawn.items() if releases.get(k) != current.get(k)},
    }
    if not moved and move.kind.value == "counter":
        update["kind"] = MoveKind.hold
    if moved and state.stance.final:
        update["stance_note"] = "final_reopened"
    if move.tactic == "no_rush" and state.stance.hurried:
        update["tactic"] = "own_timetable"
    if move.tactic == "false_deadline" and state.stance.pace == "no_rush":
        update["tactic"] = "wait"
    return move.model_copy(update=update)

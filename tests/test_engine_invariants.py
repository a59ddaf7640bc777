"""The counterparty's promises as properties over generated sessions, in every shipped scenario and level:

- a term it has said is never taken back, unless a recorded reason says why and the line states it;
- a move called a move goes toward the trainee, and a hold is never voiced as one;
- it never asks for a fact the trainee gave, nor the same question twice;
- its stance (quick or no rush, final or not) holds, or the line says why it changed;
- its acknowledgement fits what the trainee just did.

Sessions are random sequences of typed trainee acts (offers at both ends of every issue's range, concessions,
trades, questions, every mistake, process, rejections), so the properties are checked on the policy itself, not
on what one reader happens to produce.
"""

from __future__ import annotations

import random

import pytest

from trainer.domain.acts import Act, ActKind, ProcessAspect, TurnAnalysis
from trainer.domain.deal import DealState
from trainer.engine.difficulty import scenario_at
from trainer.engine.invariants import WITHDRAWAL_REASONS, move_problems
from trainer.engine.policy import Move, _choose
from trainer.engine.terms import better_for_trainee
from trainer.engine.tracking import apply_trainee
from trainer.engine.turn import Engine
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.voice.guardrails import voice_problems
from trainer.voice.phrasebook import terms_text
from trainer.voice.realizer import TemplateRealizer

K = ActKind
LIBRARY = load_library().scenarios
SIMPLE = [K.question_interests, K.question_constraints, K.question_stakeholders, K.question_alternatives,
          K.challenge_alternative, K.disclose_urgency, K.disclose_weak_alternative, K.cite_strong_alternative,
          K.deference, K.objective_standard, K.conditional_trade, K.reject, K.small_talk]


def _value(issue, rng: random.Random) -> float:
    """A value anywhere in the issue's range, ends included."""
    ends = [issue.counterparty_opening, issue.counterparty_reservation, issue.trainee_target, issue.trainee_walkaway]
    if rng.random() < 0.5:
        return rng.choice(ends)
    lo, hi = min(ends), max(ends)
    return round(round(rng.uniform(lo, hi) / issue.step) * issue.step, 6)


def _turn(scenario: Scenario, state: DealState, rng: random.Random) -> TurnAnalysis:
    """One random trainee turn of 1-3 acts."""
    acts: list[Act] = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        issue = rng.choice(scenario.issues)
        if roll < 0.3:
            acts.append(Act(kind=K.offer, quote="o", issue_id=issue.id, value=_value(issue, rng)))
        elif roll < 0.38:
            current = state.counterparty_positions[issue.id]  # settle it: the trainee takes its term
            acts.append(Act(kind=K.offer, quote="o", issue_id=issue.id, value=current))
        elif roll < 0.45:
            acts.append(Act(kind=K.concession, quote="c", issue_id=issue.id, value=_value(issue, rng)))
        elif roll < 0.52:
            kind = rng.choice([K.accept_their_process, K.propose_own_process])
            acts.append(Act(kind=kind, quote="p", aspect=rng.choice(list(ProcessAspect))))
        elif roll < 0.55:
            acts.append(Act(kind=K.accept, quote="a"))
        else:
            acts.append(Act(kind=rng.choice(SIMPLE), quote="s"))
    return TurnAnalysis(text=" ".join(a.quote for a in acts), acts=acts)


def _sessions(scenario: Scenario, count: int, turns: int = 10):
    """(state before the turn, trainee analysis, state after it, engine result) for generated sessions."""
    for seed in range(count):
        rng = random.Random(f"{scenario.id}:{seed}")
        engine = Engine(scenario, seed=seed)
        state, _ = engine.open()
        for _ in range(turns):
            if state.is_over:
                break
            analysis = _turn(scenario, state, rng)
            result = engine.step_analysis(state, analysis)
            yield state, analysis, result
            state = result.state


LEVELED = [(sid, level) for sid in sorted(LIBRARY) for level in ("introductory", "standard", "hard")]


@pytest.mark.parametrize(("scenario_id", "level"), LEVELED)
def test_the_policy_keeps_every_promise_without_repair(scenario_id: str, level: str) -> None:
    """The raw policy move (before the last guard) breaks no promise, turn after turn."""
    scenario = scenario_at(LIBRARY[scenario_id], level)
    broken = []
    for before, analysis, _result in _sessions(scenario, 25):
        applied = apply_trainee(before, analysis, scenario)
        raw = _choose(applied, scenario)
        problems = move_problems(applied, raw, scenario)
        if problems:
            broken.append((applied.turn, [a.kind.value for a in analysis.acts], raw.kind.value, problems))
    assert not broken, broken[:5]


def _taken_back(before: DealState, after: DealState, scenario: Scenario) -> list[str]:
    """Issues whose term got worse for the trainee in one turn."""
    return [i.id for i in scenario.issues if better_for_trainee(
        i, before.counterparty_positions[i.id], after.counterparty_positions[i.id])]


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_a_said_term_stands_unless_a_reason_is_recorded_and_voiced(scenario_id: str) -> None:
    scenario = LIBRARY[scenario_id]
    voice = TemplateRealizer()
    seen_reasons = set()
    for before, _, result in _sessions(scenario, 40):
        worse = _taken_back(before, result.state, scenario)
        if result.state.status.value == "agreed":
            continue  # the agreed terms are the trainee's own package, and it keeps what it had offered
        recorded = {w.issue_id: w.reason for w in result.state.withdrawals if w.turn == result.state.turn}
        assert set(worse) <= set(recorded), (worse, result.move)
        line = voice.text(result.move, result.state, scenario)
        for issue_id in worse:
            seen_reasons.add(recorded[issue_id])
            assert terms_text(result.move, scenario, [issue_id]) in line or "your move on" in line, line
    assert seen_reasons <= set(WITHDRAWAL_REASONS)


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_moves_go_toward_the_trainee_and_holds_never_claim_to_move(scenario_id: str) -> None:
    scenario = LIBRARY[scenario_id]
    voice = TemplateRealizer()
    for before, _, result in _sessions(scenario, 30):
        move = result.move
        for issue_id in move.moved:
            issue = scenario.issue(issue_id)
            assert better_for_trainee(issue, move.releases[issue_id], before.counterparty_positions[issue_id])
        line = voice.text(move, result.state, scenario)
        assert "hold_as_move" not in voice_problems(line, move, result.state), line


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_the_template_voice_fits_every_turn(scenario_id: str) -> None:
    """No 'Good.' to a rejection, no re-asked fact, no 'no rush' from a side that wanted speed, whatever happens."""
    scenario = LIBRARY[scenario_id]
    voice = TemplateRealizer()
    misfits = []
    for _, analysis, result in _sessions(scenario, 30):
        line = voice.text(result.move, result.state, scenario)
        problems = voice_problems(line, result.move, result.state)
        if problems:
            misfits.append(([a.kind.value for a in analysis.acts], result.move.kind.value, line, problems))
    assert not misfits, misfits[:3]


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_it_never_asks_twice_nor_asks_what_it_was_told(scenario_id: str) -> None:
    scenario = LIBRARY[scenario_id]
    for before, _, result in _sessions(scenario, 30):
        probe = result.move.probe
        if probe:
            assert probe not in before.probes_asked
            assert probe not in result.state.disclosed


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_its_stance_holds_or_the_line_says_why(scenario_id: str) -> None:
    scenario = LIBRARY[scenario_id]
    voice = TemplateRealizer()
    for before, _, result in _sessions(scenario, 30):
        move, line = result.move, voice.text(result.move, result.state, scenario).lower()
        if before.stance.pace in ("quick", "deadline"):
            assert "no rush" not in line and "no hurry" not in line, line
        if before.stance.pace == "no_rush":
            assert move.tactic != "false_deadline"
        if before.stance.final and move.moved:
            assert move.stance_note == "final_reopened" and "that changes things" in line, line


def _state_after(move_kind: str, scenario: Scenario, **events) -> tuple[Move, DealState]:
    """A state whose trainee turn carried `events`, answered by a move of `move_kind`."""
    state = Engine(scenario).open()[0]
    state.events = state.events.model_copy(update=events)
    return Move(kind=move_kind, releases=dict(state.counterparty_positions)), state


def test_the_fit_checks_catch_the_lines_seen() -> None:
    """The misfits seen in use, each caught by the check both voices pass through."""
    scenario = LIBRARY["carmaker-renewal"]
    move, state = _state_after("reject", scenario, rejected=True)
    assert "ack_mismatch" in voice_problems("Good. We stay at EUR 178 per unit.", move, state)
    assert "ack_mismatch" in voice_problems("I'm glad we're on the same page, but no.", move, state)
    hold, state = _state_after("hold", scenario)
    assert "hold_as_move" in voice_problems("We're ready to move. Unit price at EUR 191.", hold, state)
    assert voice_problems("Our position stands: unit price at EUR 178 per unit.", hold, state) == []
    state.stance.pace = "quick"  # its opening said it wants to settle quickly
    assert "stance_contradiction" in voice_problems("There is no rush on our side.", hold, state)
    state.disclosed.append("timeline")
    assert "asked_known:timeline" in voice_problems(
        "We stay where we are. When do you actually need this wrapped up?", hold, state)


def test_the_last_guard_repairs_a_broken_move_and_logs_it(caplog) -> None:
    """A policy bug (a said term taken back, a hold called a move, a question asked twice) never reaches the
    trainee: `decide` runs every move through `enforce`."""
    from trainer.engine.invariants import enforce

    scenario = LIBRARY["carmaker-renewal"]
    state = Engine(scenario).open()[0]
    state.counterparty_positions["unit_price"] = 190.0
    state.probes_asked.append("timeline")
    bad = Move(kind="counter", releases={**state.counterparty_positions, "unit_price": 185.0},
               moved=["unit_price"], probe="timeline")
    assert set(move_problems(state, bad, scenario)) == {"withdrawn:unit_price", "false_move:unit_price",
                                                        "asked_again:timeline"}
    fixed = enforce(bad, state, scenario)
    assert fixed.releases["unit_price"] == 190.0 and fixed.moved == [] and fixed.kind.value == "hold"
    assert fixed.probe is None and move_problems(state, fixed, scenario) == []
    assert "engine invariant repaired" in caplog.text

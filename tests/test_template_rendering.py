"""Every template, in every scenario, at both ends of every issue's range, renders a whole and grammatical line.

The template voice is also the LLM's draft and its fallback, so a hole in it ('your move on X to.', '1 days per
week') reaches the trainee either way. These tests try every option of every bank (not just the one `_pick`
chooses), with realistic moves of each kind, and check the rendered text for empty-slot symptoms, number
agreement, the move's numbers and a proper ending.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

import pytest

from trainer.domain.deal import Concession, DealState, Side
from trainer.engine.policy import Move, MoveKind, main_issue
from trainer.engine.terms import format_value
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Issue, Scenario
from trainer.voice.guardrails import missing_numbers
from trainer.voice.phrasebook import (
    BANKS,
    TACTIC_ADDS,
    _slots,
    bank_key,
    draft_line,
    fitted_key,
    render,
    with_reveals,
)
from trainer.voice.phrasebook import PROBES as PROBES_SAID

LIBRARY = load_library().scenarios
ENDS = ("counterparty_opening", "counterparty_reservation", "trainee_target", "trainee_walkaway")
ONE = "one"
COUNT_UNIT = re.compile(r"^(?:days?|weeks?|months?|years?|hours?|units?|people|person|seats?)(?:/|$)")
PLURALS = r"days|weeks|months|years|hours|units|people|seats|licen[cs]es|users|shifts|employees|ftes"
ONE_PLURAL = re.compile(rf"(?<![\d.,])\b1 (?:{PLURALS})\b", re.I)
HOLES = ("  ", " .", " ,", ":.", ": .", "at .", "to .", "to,", "on .", "{", "}")
FUNCTION_WORDS = r"to|at|on|of|for|and|or|the|a|an|with|from|by|in"
# A function word ending a sentence, with the word before it: 'cap to.' is a hole, 'live with.' is English.
DANGLING = re.compile(rf"\S+\s+(?:{FUNCTION_WORDS})\s*[.!?…]", re.I)
PROBES = (None, "timeline", "alternatives", "priorities")
TACTICS = (None, "final_offer", "false_deadline")


def _counts_one(issue: Issue) -> bool:
    """A count unit whose range reaches 1, or comes within two steps of it ('1 day per week', '1 year')."""
    ends = [getattr(issue, end) for end in ENDS]
    return bool(COUNT_UNIT.match(issue.unit.strip())) and min(ends) - 2 * issue.step <= 1 <= max(ends)


def _values(scenario: Scenario, point: str) -> dict[str, float]:
    """Every issue at one end of its range; for ONE, count issues at 1 and the rest at the opening."""
    if point == ONE:
        return {i.id: 1.0 if _counts_one(i) else i.counterparty_opening for i in scenario.issues}
    return {i.id: getattr(i, point) for i in scenario.issues}


def _cases() -> Iterator[object]:
    """(scenario, register, key, point) for every bank entry; ONE only where some issue can be 1."""
    for sid, scenario in sorted(LIBRARY.items()):
        points = [*ENDS, ONE] if any(_counts_one(i) for i in scenario.issues) else list(ENDS)
        for register, bank in BANKS.items():
            for key in bank:
                for point in points:
                    yield pytest.param(sid, register, key, point, id=f"{sid}-{register}-{key}-{point}")


def _reveals(scenario: Scenario) -> list[str]:
    """Two earned admissions, as the policy would voice them."""
    cp = scenario.counterparty
    return [cp.situational_needs[0].reveal_line, cp.stakeholders[0].reveal_line]


def _base_moves(key: str, scenario: Scenario, values: dict[str, float]) -> Iterator[Move]:
    """Moves the engine could make that this bank entry voices, with every issue at `values`."""
    ids = [i.id for i in scenario.issues]
    trap = scenario.process_traps[0]
    common = {"releases": dict(values), "mentions": ids}
    if key == "open":
        yield Move(kind=MoveKind.open, trap_id=trap.id, trap_line=trap.line, tactic="anchor_high", **common)
    elif key in ("counter", "reveal"):
        yield Move(kind=MoveKind(key), moved=ids, in_exchange_for=["conditional trade"], **common)
        yield Move(kind=MoveKind(key), releases=dict(values), mentions=[main_issue(scenario).id])
    elif key == "pocket_and_ask":
        for ask in ids:
            others = [i for i in ids if i != ask]
            yield Move(kind=MoveKind.pocket_and_ask, releases=dict(values), pocketed=others, asks=[ask],
                       mentions=[ask], tactic="pocket")
        yield Move(kind=MoveKind.pocket_and_ask, releases=dict(values), pocketed=ids[:1], asks=ids[1:],
                   mentions=ids[1:], tactic="pocket")
    elif key == "process_trap":
        yield Move(kind=MoveKind.process_trap, releases=dict(values), trap_id=trap.id, trap_line=trap.line)
    elif key == "standard_terms":
        yield Move(kind=MoveKind.process_trap, tactic="standard_terms", **common)
    elif key == "process_conceded":
        yield Move(kind=MoveKind.hold, tactic="process_conceded", **common)
    elif key == "reject_after_moves":
        yield Move(kind=MoveKind.reject, tactic="only_in_exchange", **common)
    elif key == "reopened":
        yield Move(kind=MoveKind.reject, tactic="reopened", releases=dict(values), withdrawn={ids[0]: "reopened"},
                   mentions=[ids[0]])
    elif key == "own_timetable":
        yield Move(kind=MoveKind.slow_down, tactic="own_timetable", **common)
    elif key == "closing_step":
        yield Move(kind=MoveKind.counter, tactic="closing_step", moved=ids, in_exchange_for=["holding firm"],
                   **common)
    elif key == "settled":
        yield Move(kind=MoveKind.hold, tactic="settled", releases=dict(values), asks=[ids[0]], mentions=[ids[0]])
    elif key.startswith("clarify_"):
        yield Move(kind=MoveKind.clarify, note=key.removeprefix("clarify_"), releases=dict(values))
    else:
        yield Move(kind=MoveKind(key), **common)


def _moves(key: str, scenario: Scenario, values: dict[str, float]) -> Iterator[Move]:
    """Each base move with every probe, with and without reveal lines, and with the pressure tactics."""
    for base in _base_moves(key, scenario, values):
        tactics = (base.tactic,) if key in TACTIC_KEYS else TACTICS
        for probe in PROBES:
            for reveal_lines in ([], _reveals(scenario)):
                for tactic in tactics:
                    yield base.model_copy(update={"probe": probe, "reveal_lines": reveal_lines, "tactic": tactic})


TACTIC_KEYS = ("standard_terms", "process_conceded", "reopened", "own_timetable", "closing_step", "settled")


def _state(scenario: Scenario, key: str, values: dict[str, float]) -> DealState:
    """A deal where both sides stand at `values` (so pocketed trainee moves read at the range's ends too); for
    the entry that answers a trainee who has moved, the trainee has made one concession."""
    issue = scenario.issues[0]
    moved = [Concession(turn=1, by=Side.trainee, issue_id=issue.id, from_value=issue.trainee_target,
                        to_value=values[issue.id], in_exchange_for=[])] if key == "reject_after_moves" else []
    return DealState(
        concessions=moved,
        scenario_id=scenario.id,
        turn=0 if key == "open" else 3,
        trainee_positions=dict(values),
        counterparty_positions=dict(values),
        released_values={k: [v] for k, v in values.items()},
    )


def _written(key: str, scenario: Scenario) -> set[str]:
    """Sentence endings on a function word that someone wrote ('you can't live with.'), not a slot left empty.

    Taken from the bank's own text between its slots and from the scenario's lines, never from a filled slot.
    """
    texts = [part for bank in BANKS.values() for t in bank.get(key, []) for part in re.split(r"\{\w+\}", t)]
    cp = scenario.counterparty
    texts += [cp.opening_line, *(t.line for t in scenario.process_traps), *_reveals(scenario)]
    texts += [*PROBES_SAID.values(), *TACTIC_ADDS.values()]
    return {m.group(0).lower() for text in texts for m in DANGLING.finditer(text)}


def line_faults(text: str, move: Move, written: AbstractSet[str] = frozenset()) -> list[str]:
    """What is wrong with a rendered line: holes left by empty slots, disagreement, missing numbers, no ending."""
    faults = [f"hole {hole!r}" for hole in HOLES if hole in text]
    faults += [f"dangling {m.group(0)!r}" for m in DANGLING.finditer(text) if m.group(0).lower() not in written]
    faults += [f"agreement {m.group(0)!r}" for m in ONE_PLURAL.finditer(text)]
    faults += [f"missing number for {i}" for i in missing_numbers(text, move)]
    if not text.strip() or text.rstrip()[-1] not in ".!?…":
        faults.append("no ending")
    return faults


@pytest.mark.parametrize(("sid", "register", "key", "point"), list(_cases()))
def test_every_template_renders_whole(sid: str, register: str, key: str, point: str) -> None:
    scenario = LIBRARY[sid]
    values = _values(scenario, point)
    state = _state(scenario, key, values)
    written = _written(key, scenario)
    checked = 0
    for move in _moves(key, scenario, values):
        assert fitted_key(bank_key(move), state) == key, move  # voiced with a move it really belongs to
        picked = with_reveals(draft_line(move, state, scenario), move)
        assert not line_faults(picked, move, written), (line_faults(picked, move, written), picked)
        for n, template in enumerate(BANKS[register][key]):
            text = with_reveals(render(template, move, state, scenario), move)
            faults = line_faults(text, move, written)
            assert not faults, (f"option {n}", move.probe, move.tactic, bool(move.reveal_lines), faults, text)
            checked += 1
    assert checked


def test_the_library_has_every_scenario_and_a_one_to_try() -> None:
    assert len(LIBRARY) >= 10
    assert sum(f"-{ONE}" in str(c.id) for c in _cases()) > 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("unit", "value", "said"),
    [
        ("days/week", 1, "1 day per week"),
        ("days/week", 2, "2 days per week"),
        ("days", 1, "1 day"),
        ("days", 1.5, "1.5 days"),
        ("days", 0, "0 days"),
        ("months", 1, "1 month"),
        ("years", 1, "1 year"),
        ("people", 1, "1 person"),
        ("day", 2, "2 days"),
        ("day", 1, "1 day"),
        ("working days", 1, "1 working day"),
        ("EUR/unit", 1, "EUR 1 per unit"),
        ("EUR/day", 1, "EUR 1 per day"),
        ("EUR million", 1, "EUR 1 million"),
        ("%", 1, "1%"),
        ("units", 1, "1 unit"),
        ("units", 3, "3 units"),
        ("EUR", 1, "EUR 1"),
        ("million units", 1, "1 million units"),
    ],
)
def test_format_value_agrees_in_number(unit: str, value: float, said: str) -> None:
    issue = next(iter(LIBRARY.values())).issues[0].model_copy(update={"unit": unit})
    assert format_value(issue, value) == said


def test_faults_are_caught() -> None:
    """The checker itself: each symptom from the issue is flagged."""
    move = Move(kind=MoveKind.hold, releases={"x": 40.0}, mentions=["x"])
    assert line_faults("Good, I'll take your move on recall liability cap to. On it we need 40.", move)
    assert line_faults("We stay at 1 days per week and 40.", move)
    assert line_faults("Our position: 40 .", move)
    assert line_faults("Our position stands", move)
    assert line_faults("Our position stands.", move)  # its number is missing
    assert not line_faults("Our position stands at 40 days.", move)
    assert line_faults("Mark up what you can't live with. It is 40.", move)
    assert not line_faults("Mark up what you can't live with. It is 40.", move, {"live with."})


def test_several_asks_and_pocketed_moves_read_as_spoken_lists() -> None:
    """'EUR 178 per unit and 120 days', not 'EUR 178 per unit, 120 days' (the slots, whatever the bank says)."""
    sc = LIBRARY["carmaker-renewal"]
    values = _values(sc, "counterparty_opening")
    move = Move(kind=MoveKind.pocket_and_ask, releases=values, pocketed=["annual_price_down", "liability_cap"],
                asks=["unit_price", "payment_terms"], mentions=["unit_price", "payment_terms"])
    slots = _slots(move, _state(sc, "pocket_and_ask", values), sc)
    assert slots["ask_terms"] == "EUR 178 per unit and 120 days"
    assert slots["ask_labels"] == "unit price and payment terms"
    assert slots["pocketed"] == (
        "your move on annual price-down to 3% and your move on recall liability cap to EUR 40 million"
    )

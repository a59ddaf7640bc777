"""Every counterparty line seen going wrong in use, replayed through the real reader, engine and template voice
on the shipped scenarios. Each test stands for its family; the generated-session properties are in
test_engine_invariants.py."""

from __future__ import annotations

from trainer.app.session import run_script
from trainer.engine.terms import better_for_trainee, format_value
from trainer.measure.three_scripts import run_three_scripts
from trainer.scenarios.loading import load_library
from trainer.voice.guardrails import voice_problems
from trainer.voice.realizer import TemplateRealizer

LIBRARY = load_library().scenarios


def _play(scenario_id: str, lines: list[str], seed: int = 1):
    return run_script(LIBRARY[scenario_id], lines, TemplateRealizer(), seed)


def _replies(session) -> list[tuple[str, object, str]]:
    """(trainee line, move, counterparty line) per answered turn."""
    out, lines = [], session.lines
    for i in range(1, len(lines) - 1):
        if lines[i].speaker == "trainee" and lines[i + 1].speaker == "counterparty":
            out.append((lines[i].text, lines[i + 1].move, lines[i + 1].text))
    return out


def _positions(session) -> list[dict[str, float]]:
    """Its terms after the opening and after every reply, replayed from the stored moves."""
    return [dict(line.move.releases) for line in session.lines if line.speaker == "counterparty" and line.move]


def test_the_three_script_check_gets_the_direction_right_in_every_scenario() -> None:
    """A deadline sentence costs ground and a stakeholder question saves some, in all ten scenarios (seed 1)."""
    report = run_three_scripts(LIBRARY)
    wrong = {sid: r["room"] for sid, r in report["scenarios"].items()
             if not (r["deadline_costs"] and r["stakeholder_saves"])}
    assert report["passed"], wrong


def test_a_term_it_moved_on_is_never_taken_back_after_a_free_concession() -> None:
    """Seen: 'I'll take your move on unit price to EUR 195', then 'I will also need movement on unit price: EUR 190',
    and a liability cap back from 18M to 28M. Pocketing a concession never hardens another term."""
    scenario = LIBRARY["carmaker-renewal"]
    session = _play("carmaker-renewal", [
        "Who else on your side has a stake in this, quality for example?",
        "What happens to your launch timeline if you switch suppliers and have to revalidate?",
        "We could drop the liability cap to EUR 18 million.",
        "We can accept unit price at EUR 195.",
        "We can also live with payment terms at 90 days.",
    ])
    history = _positions(session)
    for before, after in zip(history, history[1:], strict=False):
        for issue in scenario.issues:
            if issue.id in after and issue.id in before:
                taken_back = better_for_trainee(issue, before[issue.id], after[issue.id])
                assert not taken_back or after[issue.id] == session.state.trainee_positions.get(issue.id), (
                    issue.id, before, after)


def test_a_misread_yes_never_brings_back_its_opening_as_standard_terms() -> None:
    """Seen in candidate-salary: after it moved to 86,000, a reply read as accepting its draft made it re-issue
    its opening 78,000 as 'our standard terms'."""
    session = _play("candidate-salary", [
        "Who else on your side has a say in this hire?",
        "Sure, send over your draft.",
    ])
    moved = _positions(session)[1]["base_salary"]
    assert moved > 78000
    assert session.state.counterparty_positions["base_salary"] == moved
    assert "78,000" not in _replies(session)[-1][2]


def test_it_answers_a_full_counter_offer_instead_of_setting_an_agenda() -> None:
    """Seen: 'Great! Let's clear logistics…' in reply to a full counter-offer."""
    session = _play("carmaker-renewal", [
        "We propose unit price at EUR 196, payment terms at 60 days, recall liability cap at 8 and annual "
        "price-down at 1%.",
    ])
    _, move, line = _replies(session)[0]
    assert move.kind.value != "process_trap"
    assert not line.lower().startswith(("great", "good"))


def test_it_never_asks_for_the_timeline_after_being_told() -> None:
    """Seen: 'When do you actually need this wrapped up?', asked twice after the trainee had said."""
    for scenario_id in LIBRARY:
        session = _play(scenario_id, [
            "We need this signed by the end of the month.",
            "That doesn't work for us.",
            "No, that is still too far apart.",
            "I don't think we can agree to that.",
            "We still can't accept that.",
        ])
        asked = [line for _, _, line in _replies(session)]
        assert not any("when do you actually need" in line.lower() for line in asked), (scenario_id, asked)
        probes = [m.probe for _, m, _ in _replies(session) if m.probe]
        assert len(probes) == len(set(probes)), (scenario_id, probes)


def test_a_side_that_wants_speed_never_claims_to_be_in_no_rush() -> None:
    """Seen: 'I'd like to settle this quickly', then 'there is no rush on our side'. Told of the trainee's
    deadline, it keeps its own timetable and still does not move."""
    for scenario_id in ("carmaker-renewal", "lab-pharma-sponsor", "tenant-landlord"):
        session = _play(scenario_id, ["To be honest, we need this signed by the end of the month."])
        _, move, line = _replies(session)[0]
        assert move.tactic == "own_timetable" and not move.moved
        assert "no rush" not in line.lower() and "no hurry" not in line.lower(), line
    _, move, line = _replies(_play("candidate-salary", ["We need this signed by the end of the month."]))[0]
    assert move.tactic == "no_rush" and "no rush" in line.lower()  # it never said it wanted speed


def test_it_does_not_say_it_moves_only_in_return_to_a_trainee_who_has_moved() -> None:
    """Seen: 'I can only move when I get something in return', after the trainee had moved three times."""
    session = _play("retail-supplier", [
        "We propose a cost increase of 7%.",
        "We can accept a cost increase of 6%.",
        "We can accept a cost increase of 5.5%.",
        "We can accept a cost increase of 5%.",
        "No, we can't go lower than that.",
    ])
    assert session.state.trainee_concessions()
    for _, move, line in _replies(session)[1:]:
        assert "something in return" not in line.lower() and "give me something back" not in line.lower(), line
        assert "ack_mismatch" not in voice_problems(line, move, session.state)


def test_taking_its_term_settles_it_and_reopening_takes_its_last_move_back_and_says_so() -> None:
    """The one valid reason to take a term back: the trainee goes back on a term both sides had settled. Taking
    its own term is acknowledged as settled, never answered with 'I can't do that one'."""
    scenario = LIBRARY["candidate-salary"]
    session = _play("candidate-salary", ["Who else on your side has a say in this hire?"])
    moved_to = session.state.counterparty_positions["base_salary"]
    assert moved_to > 78000
    said = format_value(scenario.issue("base_salary"), moved_to)
    for line in (f"Base salary at {said} works for us.", "Actually, we need base salary at EUR 95,000."):
        for _ in session.say(line):
            pass
    _, settled, settled_line = _replies(session)[1]
    assert settled.tactic == "settled" and f"base salary at {said}" in settled_line, settled_line
    assert "settled" in settled_line or "agreed" in settled_line, settled_line
    _, move, line = _replies(session)[2]
    assert move.withdrawn == {"base_salary": "reopened"}
    assert session.state.withdrawals[-1].from_value == moved_to
    assert session.state.counterparty_positions["base_salary"] == 78000
    assert "gone back on" in line and "78,000" in line, line


def test_a_conditional_offer_whose_condition_was_not_met_is_no_settlement() -> None:
    """'If you give us 95,000, we'll take 3 remote days': when it moves to 3 days but not to 95,000, restating
    4 days is not reopening a settled term, so nothing is taken back."""
    session = _play("candidate-salary", [
        "Who else on your side has a say in this hire?",
        "If you give us EUR 95,000 on base salary, in return we'll take remote days at 3 days per week.",
    ])
    terms = session.state.counterparty_positions
    assert terms["remote_days"] == 3 and terms["base_salary"] < 95000, terms  # the case arises
    for _ in session.say("On remote days, we are looking for 4 days per week."):
        pass
    assert not session.state.withdrawals and session.state.counterparty_positions["remote_days"] == 3

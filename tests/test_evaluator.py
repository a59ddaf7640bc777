"""The five rule detectors on hand-written transcripts: positives, hard negatives, and the report shape.

These pin what the hand-written rules find, so every test here scores with the rules' reading alone. The product
combines the rules with the learned reader per mistake (trainer/evaluation/reading.py); that combination is tested
in tests/test_reader_evaluator.py and measured on blind rounds by `trainer eval evaluator`.
"""

from __future__ import annotations

import pytest
from evaluator_fixtures import sample_scenario

from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.evaluation import evaluator, reading
from trainer.evaluation.evaluator import Turn, evaluate


@pytest.fixture(autouse=True)
def rules_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Score with the rules alone: the detectors are what this module tests."""
    monkeypatch.setattr(reading, "READINGS", {m: reading.Reading(reading.Mode.rules) for m in reading.READINGS})
    monkeypatch.setattr(evaluator, "READINGS", reading.READINGS)


def conv(*lines: str) -> list[Turn]:
    """Alternate counterparty / trainee, counterparty first."""
    return [Turn(speaker="counterparty" if i % 2 == 0 else "trainee", text=t) for i, t in enumerate(lines)]


def finding(report: Report, mistake: str):
    return next(m for m in report.mistakes if m.id == mistake)


def detected(turns: list[Turn], mistake: str, **kw) -> bool:
    return finding(evaluate(turns, **kw), mistake).detected


NEUTRAL = "Thanks for coming in. We'd like to talk about the renewal terms."

POSITIVES = {
    "power_vs_leverage": [
        "Of course. A client of your size can pick anyone, so we won't fight you on the price.",
        "I know you hold all the cards here, so I'll take whatever you think is fair.",
        "We're just a small studio, honestly being on your platform would be huge for us.",
        "We've already cut five percent off the list before you even asked.",
    ],
    "urgency_signal": [
        "We need to get this signed before our board meets on the 14th.",
        "Honestly we've got about three months of runway, so sooner would really help.",
        "Our lease runs out at the end of the month, so I'd love to lock this in quickly.",
        "Our investors expect a signed anchor customer by March.",
    ],
    "weak_alternative": [
        "To be honest, if this doesn't happen we'd be back to small one-off jobs at half the rate.",
        "We don't really have other buyers lined up, so we want this to work.",
        "The other offer I have is much lower and not even in writing.",
        "Without this contract we'd have to let two people go.",
    ],
    "process_concession": [
        "Sure, send over your standard contract and we'll mark it up.",
        "Happy to leave the price until the end once the other points are settled.",
        "Whatever format suits your legal team is fine with us.",
        "Monthly meetings on your committee cycle are fine for us.",
    ],
}


@pytest.mark.parametrize(("mistake", "line"), [(m, line) for m, lines in POSITIVES.items() for line in lines])
def test_detector_positives(mistake: str, line: str) -> None:
    turns = conv(NEUTRAL, line, "Noted.")
    report = evaluate(turns)
    f = finding(report, mistake)
    assert f.detected, line
    assert f.evidence and f.evidence[0].turn == 1
    assert f.evidence[0].quote and f.evidence[0].quote in line
    assert 1 <= f.severity <= 3 and f.score < 100
    assert f.advice and f.explanation


HARD_NEGATIVES = {
    "urgency_signal": [
        "I understand your quarter closes on the 30th, so let's see what we can get done before then.",
        "I know you need this in place before your launch in March.",
    ],
    "weak_alternative": [
        "We have a signed offer from a competitor at twelve percent more, valid until June.",
        "I hold a written offer from another firm at 95k, which my agent has sent you.",
    ],
    "process_concession": [
        "We'll send the first draft by Thursday, based on our standard terms.",
        "Let's start with price, then cover delivery and the annexes.",
        "I'll circulate an agenda today: price first, then term, then payment.",
    ],
    "power_vs_leverage": [
        "If you can commit to three years, we can come down to 41.",
        "We could move on payment terms, in exchange for a volume guarantee.",
    ],
}


@pytest.mark.parametrize(("mistake", "line"), [(m, line) for m, lines in HARD_NEGATIVES.items() for line in lines])
def test_hard_negatives_do_not_fire(mistake: str, line: str) -> None:
    assert not detected(conv(NEUTRAL, line, "Noted."), mistake), line


def test_unified_actor_fires_when_cues_are_passed_over() -> None:
    turns = conv(
        "Our CFO wants eight percent off, and operations have their own worries.",
        "I see. We could look at four percent.",
        "I'll need to check with the committee.",
        "Great, let us know.",
    )
    f = finding(evaluate(turns), "unified_actor")
    assert f.detected
    assert [e.turn for e in f.evidence] == [1, 3]
    assert "CFO" in f.explanation or "cfo" in f.explanation.lower()


@pytest.mark.parametrize(
    "probe",
    [
        "Who else on your side signs off on this?",
        "What does your CFO care about most, the price or the payment terms?",
        "Would it help if I walked your operations team through the transition plan?",
    ],
)
def test_unified_actor_silent_when_trainee_probes(probe: str) -> None:
    turns = conv("Our CFO wants eight percent off.", probe, "She mostly worries about cash.", "Thanks.")
    assert not detected(turns, "unified_actor")


def test_unified_actor_silent_without_cues() -> None:
    assert not detected(conv(NEUTRAL, "We propose 42 per unit.", "Too high.", "Why is it too high?"), "unified_actor")


def test_report_shape_and_order() -> None:
    report = evaluate(conv(NEUTRAL, "Our board meets Friday, so we need to sign by then.", "I see."))
    assert [m.id for m in report.mistakes] == list(MISTAKE_TITLES)
    dumped = report.model_dump(mode="json")
    assert set(dumped) == {"mistakes", "overall_score", "strengths"}
    assert 0 <= report.overall_score <= 100


def test_clean_transcript_scores_high_with_strengths() -> None:
    turns = conv(
        "We need eight percent off and our CFO is pushing hard.",
        "What is driving the eight percent for your CFO?",
        "Volume on the new platform.",
        "Why does volume matter so much right now? If you can commit to three years, we could look at two percent. Market data shows prices are flat.",
        "Let me think.",
        "We'll send the first draft by Thursday so we work from one text.",
    )
    report = evaluate(turns)
    assert not any(m.detected for m in report.mistakes)
    assert report.overall_score >= 90
    assert {"question", "stakeholder_probe", "conditional_trade", "objective_standard", "drafting"} <= {
        s.kind for s in report.strengths
    }


def test_advice_rewrites_the_offending_line() -> None:
    line = "We can do 41 per unit. Our board meets on the 14th, so we need to sign before then."
    f = finding(evaluate(conv(NEUTRAL, line, "Noted.")), "urgency_signal")
    assert "board" not in f.advice.lower()
    assert "41 per unit" in f.advice


def test_scenario_facts_feed_the_explanation() -> None:
    scenario = sample_scenario()
    turns = conv("Let's talk.", "We have our quarter close on the 30th, so we'd like this done.", "I see.")
    f = finding(evaluate(turns, scenario=scenario), "urgency_signal")
    assert f.detected
    assert "Autova" in f.explanation


def test_evaluate_is_deterministic() -> None:
    from trainer.measure.evalsets import bench_turns

    turns = bench_turns(20)
    assert evaluate(turns) == evaluate(turns)  # speed is measured by `trainer bench evaluator`, not asserted here


def test_asking_about_a_named_person_counts_as_a_probe() -> None:
    turns = conv(
        "Thanks. Our CFO, Priya Shah, has been pushing for the cut.",
        "Understood. What does Priya need to see to be comfortable?",
        "Mostly cash-flow certainty.",
        "Then let's talk about payment timing.",
    )
    assert not detected(turns, "unified_actor")


@pytest.mark.parametrize(
    "line",
    [
        "You've got plenty of choice, I know. So 6% is fine.",
        "Obviously you're the bigger party here, so we'll follow your lead on price.",
        "Every grower in the valley wants your contract, so we'll work with 310 a tonne.",
        "We know we're one of many suppliers to you, so we'll absorb the freight ourselves.",
        "You're a national chain and we're a family dairy, so the delivery runs are at our cost.",
        "Because you're such a valued account, we've already applied a ten percent reduction.",
    ],
)
def test_their_size_then_giving_way_is_power(line: str) -> None:
    assert detected(conv(NEUTRAL, line, "Good."), "power_vs_leverage")


@pytest.mark.parametrize(
    "line",
    [
        "We've already come down five percent, so we can't go any lower.",
        "I know you're a big company, which is why stable supply matters to you.",
    ],
)
def test_holding_firm_or_reading_their_size_is_not_power(line: str) -> None:
    assert not detected(conv(NEUTRAL, line, "Good."), "power_vs_leverage")


def test_candid_aside_about_a_poor_position_is_a_weak_alternative() -> None:
    assert detected(conv(NEUTRAL, "Honestly, the market for our kind of work is dead right now.", "I see."), "weak_alternative")


def test_unified_actor_with_scenario_stakes_and_no_probe() -> None:
    turns = conv("We need 10% off.", "We can do 41 per unit.", "Too high.", "How about 40 per unit?", "Still high.",
                 "Then 39.5 per unit.", "OK.")
    f = finding(evaluate(turns, scenario=sample_scenario()), "unified_actor")
    assert f.detected and f.severity == 1
    assert "plant operations" in f.explanation
    assert not detected(turns, "unified_actor")  # without a scenario there are no cues to pass over


MORE_HARD_NEGATIVES = [
    ("power_vs_leverage", "You're a big customer for us, and that's exactly why we need a price that lets us keep investing."),
    ("power_vs_leverage", "We know you have other suppliers; they also have a nine-month qualification cycle."),
    ("power_vs_leverage", "If you can commit to the full volume, we'll include the display units at no extra cost."),
    ("power_vs_leverage", "We're a small team, which means you get senior people on every call."),
    ("urgency_signal", "What's driving the end-of-month date on your side?"),
    ("urgency_signal", "Since your quarter ends on the 30th, shall we aim to sign before then?"),
    ("urgency_signal", "We're in no rush; let's get the structure right."),
    ("weak_alternative", "If this doesn't work, we'll take the Hartley offer, which is already in writing."),
    ("weak_alternative", "Your in-house option would take a year to qualify; that's a real cost for you."),
    ("process_concession", "Thanks for the agenda; we'd like to take price first rather than last."),
    ("process_concession", "Could you share your template for reference? We'll draft from ours."),
]


@pytest.mark.parametrize(("mistake", "line"), MORE_HARD_NEGATIVES)
def test_more_hard_negatives(mistake: str, line: str) -> None:
    assert not detected(conv(NEUTRAL, line, "Okay."), mistake), line


@pytest.mark.parametrize(
    ("mistake", "line"),
    [
        ("power_vs_leverage", "Fine, we can come down to 40."),
        ("weak_alternative", "We're out of options at this point."),
        ("weak_alternative", "Walking away isn't an option for us."),
        ("unified_actor", None),
    ],
)
def test_more_positives(mistake: str, line: str | None) -> None:
    if line is None:
        turns = conv("That'll need to go up the chain.", "Okay, we can wait.", "The people upstairs are cautious.", "Sure.")
    else:
        turns = conv(NEUTRAL, line, "Okay.")
    assert detected(turns, mistake)


@pytest.mark.parametrize(
    ("line", "mistake"),
    [
        ("Our lenders look at the plant upgrade in May and only release the next drawdown once this is signed.",
         "urgency_signal"),
        ("Our financial year-end is the 30th, so this quarter's numbers matter to us.", "urgency_signal"),
        ("The other buyers for this grade are feed mills, at far lower prices.", "weak_alternative"),
        ("Realistically we depend on your shelf space for most of our sales.", "weak_alternative"),
        ("We've shown it to a dozen labels and nobody has bitten.", "weak_alternative"),
        ("We'll wait for your legal team's template and go from there.", "process_concession"),
        ("Sure, you draw up the agreement and we'll take a look.", "process_concession"),
        ("The service levels we can sort out after signature.", "process_concession"),
    ],
)
def test_fourth_pass_concepts_are_detected(line: str, mistake: str) -> None:
    assert detected(conv(NEUTRAL, line, "Noted."), mistake)


@pytest.mark.parametrize(
    ("line", "mistake"),
    [
        ("Your planning round closes in June, so you'll want suppliers confirmed before then.", "urgency_signal"),
        ("We have a signed offer from another buyer at 330, valid until Friday.", "weak_alternative"),
        ("Every grower in the valley wants your contract, which is why we hold at 340.", "power_vs_leverage"),
        ("Honestly, nobody has to rush; we'll send our draft of the agreement on Monday.", "process_concession"),
    ],
)
def test_fourth_pass_hard_negatives_do_not_fire(line: str, mistake: str) -> None:
    assert not detected(conv(NEUTRAL, line, "Noted."), mistake)


def test_giving_way_because_of_a_poor_fallback_is_weak_alternative_not_power() -> None:
    turns = conv(NEUTRAL, "Honestly nobody else has bitten, so I can't be picky. Could we do seven?", "Maybe.")
    assert detected(turns, "weak_alternative") and not detected(turns, "power_vs_leverage")


@pytest.mark.parametrize(
    "cue_line",
    [
        "Welcome to our preferred partner programme; the fee is 18%.",
        "We'd like to offer you the senior analyst role at 70k.",
        "We need sixty percent of box office for the first fortnight.",
    ],
)
def test_words_that_only_look_like_internal_actors_are_not_cues(cue_line: str) -> None:
    assert not detected(conv(cue_line, "Thanks, that sounds fair to me.", "Great."), "unified_actor")


def test_a_fallback_judged_poor_in_the_same_breath_is_weak_alternative() -> None:
    line = "If it's not you, we're looking at selling through a broker, and their margins are brutal."
    assert detected(conv(NEUTRAL, line, "I see."), "weak_alternative")


def test_calm_about_losing_the_deal_is_not_weak_alternative() -> None:
    line = "If it doesn't come our way, that's perfectly fine with us."
    assert not detected(conv(NEUTRAL, line, "I see."), "weak_alternative")


def test_giving_way_as_the_consequence_of_a_poor_fallback_is_not_counted_as_power() -> None:
    line = "Otherwise it's a pittance from the local market. So I'm not really in a position to hold out on price."
    turns = conv(NEUTRAL, line, "I see.")
    assert detected(turns, "weak_alternative") and not detected(turns, "power_vs_leverage")


@pytest.mark.parametrize(
    "cue_line",
    [
        "We want twelve percent off across the board.",
        "I run the analytics group and hold its budget, so I can offer 90 today.",
    ],
)
def test_idioms_and_the_speaker_themself_are_not_cues(cue_line: str) -> None:
    assert not detected(conv(cue_line, "Thanks, that sounds fair to me.", "Great."), "unified_actor")


def test_asking_how_a_cued_actor_decides_is_a_probe() -> None:
    turns = conv(
        "Anything above a ten percent cut goes to the investment committee.",
        "What's the threshold for you to decide alone, roughly?",
        "Around five percent.",
        "Then let's work inside that.",
    )
    assert not detected(turns, "unified_actor")


def test_who_with_any_decision_verb_is_a_probe() -> None:
    turns = conv(
        "Our programming team is excited and business affairs will paper it.",
        "Before numbers: who actually greenlights the purchase at the end?",
        "The head of film.",
        "Good to know.",
    )
    assert not detected(turns, "unified_actor")


@pytest.mark.parametrize(
    ("them", "line", "mistake"),
    [
        ("What would you do without us?", "We'd sell at the farmers' market. It is not much, so we'll take it.",
         "weak_alternative"),
        (NEUTRAL, "We're twelve people and you're the fastest-growing chain in the region, so we're not gonna haggle.",
         "power_vs_leverage"),
        (NEUTRAL, "Honestly I find talking money a bit mortifying, so I'll leave the fee to you.", "power_vs_leverage"),
        (NEUTRAL, "The loan repayments go out on the fifth and the bank manager has already rung twice.",
         "urgency_signal"),
        (NEUTRAL, "Fine, we'll sign the framework as it stands and pick the rates up at the annual review.",
         "process_concession"),
        (NEUTRAL, "Thursdays it is, we'll slot in around you.", "process_concession"),
    ],
)
def test_fifth_pass_concepts_are_detected(them: str, line: str, mistake: str) -> None:
    assert detected(conv(them, line, "Noted."), mistake)


@pytest.mark.parametrize(
    ("line", "mistake"),
    [
        ("We could go to twelve percent if the contract guarantees forty starts a year.", "power_vs_leverage"),
        ("Then meet me at seventeen with the signage, and we'll go to sixty-five percent.", "power_vs_leverage"),
        ("We signed a supply agreement with another utility in March at 0.22, so 0.21 already reflects volume.",
         "urgency_signal"),
        ("Then we'd want weekend nights at the enhanced rate.", "urgency_signal"),
        ("Before I go back to the family, who is driving this on your side?", "weak_alternative"),
        ("For nine and a half k I can do fifteen interviews; that's my number.", "weak_alternative"),
    ],
)
def test_fifth_pass_hard_negatives_do_not_fire(line: str, mistake: str) -> None:
    assert not detected(conv(NEUTRAL, line, "Noted."), mistake)


@pytest.mark.parametrize(
    ("line", "mistake"),
    [
        ("Honestly the only other work available to us is warehouse shifts at half the rate, so anything helps.",
         "weak_alternative"),
        ("We haven't got any other retail conversations going right now, so this is the one.", "weak_alternative"),
        ("I'd rather be on your shelves at 3.10 than sitting idle all winter.", "weak_alternative"),
        ("I'm a bit embarrassed to raise money with a museum like this, but could we say 40?", "power_vs_leverage"),
        ("We've a balloon repayment on the van loan due end of next month, so a quick PO would be lovely.",
         "urgency_signal"),
        ("Any chance of knowing by like the 12th whether it's a yes?", "urgency_signal"),
        ("Fine, we'll work off your draft as it is.", "process_concession"),
        ("Your heads of terms are fine as the starting point, and the fee can wait until after the pilot.",
         "process_concession"),
    ],
)
def test_sixth_pass_concepts_are_detected(line: str, mistake: str) -> None:
    assert detected(conv(NEUTRAL, line, "Noted."), mistake)


@pytest.mark.parametrize(
    ("line", "mistake"),
    [
        ("I know you're the biggest grocer in the north, respect for that. But our other listing pays 12%, so 12 it is.",
         "power_vs_leverage"),
        ("A hospital group in Leeds signed us in May for three years at 41 per scan, so we're staying near that.",
         "urgency_signal"),
        ("We need 2.40 a script, or disputes turned around in ten days.", "urgency_signal"),
        ("If you can cover the move, I'll start in March as you asked; otherwise I'd need to start in June.",
         "weak_alternative"),
        ("If you can cover the move, I'll start in March as you asked; otherwise I'd need to start in June.",
         "urgency_signal"),
        ("Our fallback is thin. So we could come down to 4,100.", "power_vs_leverage"),
    ],
)
def test_sixth_pass_hard_negatives_do_not_fire(line: str, mistake: str) -> None:
    assert not detected(conv(NEUTRAL, line, "Noted."), mistake)


def test_agenda_counter_after_assent_is_not_yielding_the_process() -> None:
    turns = conv(
        "Let's do the operational plan first and come back to the rate next month.",
        "Sounds fine. We'd like the rate and the plan settled in the same meeting, so let's put both on the agenda.",
        "Alright.",
    )
    assert not detected(turns, "process_concession")

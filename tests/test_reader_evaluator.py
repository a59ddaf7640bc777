"""The learned reader on the misreadings users met, and the evaluator's rules-plus-model combination.

Each case is worded here in new phrasing, with a sibling of the same family, so the test checks the reading
rather than one memorised sentence. They run the shipped model (int8 ONNX) and the exact number reader.
"""

from __future__ import annotations

import pytest

from trainer.domain.acts import ActKind
from trainer.domain.transcripts import Turn
from trainer.evaluation import reading
from trainer.evaluation.evaluator import evaluate
from trainer.reader.turns import CONFIDENT, confident, read_turn, uncertain
from trainer.scenarios.loading import load_library

SEQUENCE_FIRST = "Let's lock the start date first and come back to the salary question afterwards."


@pytest.fixture(scope="module")
def carmaker():
    return load_library().get("carmaker-renewal")


def kinds(text: str, previous: str, scenario=None) -> set[ActKind]:
    return {a.kind for a in confident(read_turn(text, scenario, previous)).acts}


@pytest.mark.parametrize("line", ["We can't accept it as it stands.", "Not acceptable in its present form, I'm afraid."])
def test_as_it_stands_after_their_sequence_is_a_rejection_not_an_acceptance(line):
    found = kinds(line, SEQUENCE_FIRST)
    assert ActKind.reject in found
    assert not found & {ActKind.accept, ActKind.accept_their_process}


@pytest.mark.parametrize("line", ["Sure, fine by me.", "Yeah ok, that works for us."])
def test_plain_assent_to_their_process_is_read_as_yielding_it(line):
    assert ActKind.accept_their_process in kinds(line, "We'd suggest working from our standard contract template.")


@pytest.mark.parametrize(("line", "value"), [("I can come down to 204 a unit.", 204.0),
                                              ("we offer 202 a unit", 202.0),
                                              ("Call it a hundred and ninety per unit.", 190.0)])
def test_price_per_unit_registers_as_an_offer_on_the_unit_price(carmaker, line, value):
    offers = read_turn(line, carmaker, "Our price is 180 a unit, take it or leave it.").offers()
    assert offers.get("unit_price") == value


@pytest.mark.parametrize("line", ["When exactly does your launch need the parts locked in?",
                                  "Is your launch date fixed, or could it slip a quarter?"])
def test_a_question_about_their_timing_is_not_our_urgency(line):
    found = kinds(line, "We're launching the new line in spring.")
    assert ActKind.question_constraints in found and ActKind.disclose_urgency not in found
    turns = [Turn(speaker="counterparty", text="We're launching the new line in spring."),
             Turn(speaker="trainee", text=line), Turn(speaker="counterparty", text="Spring is the plan.")]
    assert not next(m for m in evaluate(turns).mistakes if m.id == "urgency_signal").detected


@pytest.mark.parametrize("line", ["Thank you, Priya, I'm really glad the team enjoyed the interviews.",
                                  "Thanks so much, it was lovely to meet everyone on the panel."])
def test_thanks_is_small_talk_not_a_process_concession(line):
    found = kinds(line, "Great news: the panel really enjoyed meeting you.")
    assert found <= {ActKind.small_talk}
    turns = [Turn(speaker="counterparty", text="Great news: the panel really enjoyed meeting you."),
             Turn(speaker="trainee", text=line), Turn(speaker="counterparty", text="Let's talk numbers.")]
    assert not next(m for m in evaluate(turns).mistakes if m.id == "process_concession").detected


@pytest.mark.parametrize("line", [
    "If I accept your 2% price-down and 90-day terms, I need 200 euros a unit and a recall cap of EUR 18 million.",
    "Should we agree to the 2% and ninety days, then the unit price has to be 200 and the recall cap 18m.",
])
def test_a_conditional_trade_is_a_trade_with_every_number_on_its_issue(carmaker, line):
    analysis = read_turn(line, carmaker, "We need 2% off every year and 90-day payment terms.")
    assert ActKind.accept_their_process not in {a.kind for a in analysis.acts}
    assert analysis.offers() == {"annual_price_down": 2.0, "payment_terms": 90.0, "unit_price": 200.0,
                                 "liability_cap": 18.0}
    turns = [Turn(speaker="counterparty", text="We need 2% off every year and 90-day payment terms."),
             Turn(speaker="trainee", text=line), Turn(speaker="counterparty", text="Let me think about it.")]
    assert not next(m for m in evaluate(turns, carmaker).mistakes if m.id == "process_concession").detected


def test_every_act_carries_a_calibrated_confidence_and_uncertain_moves_are_separable():
    analysis = read_turn("Hmm, I guess we could maybe live with your draft, not sure.",
                         None, "We'll send our draft contract tonight.")
    assert all(0.0 <= a.confidence <= 1.0 for a in analysis.acts)
    doubtful = uncertain(analysis, frozenset({ActKind.accept_their_process}))
    assert all(a.confidence < CONFIDENT for a in doubtful)
    assert not set(doubtful) & set(confident(analysis).acts)


def test_the_combination_policy_names_every_mistake_and_a_threshold_for_each_learned_one():
    from trainer.domain.mistakes import MISTAKE_IDS

    assert set(reading.READINGS) == set(MISTAKE_IDS)
    for r in reading.READINGS.values():
        assert r.mode in reading.Mode and 0.0 < r.threshold < 1.0


def test_either_mode_adds_the_models_evidence_to_the_rules(monkeypatch):
    """A weak fallback worded so no word list knows it is still found, through the model."""
    turns = [Turn(speaker="counterparty", text="If we can't agree, we'll just move the volume elsewhere."),
             Turn(speaker="trainee", text="Honestly if this goes, the only thing left for us is scrap-metal jobs at "
                                         "a third of the margin, so let's find a way."),
             Turn(speaker="counterparty", text="Then you know where we stand.")]
    weak = next(m for m in evaluate(turns).mistakes if m.id == "weak_alternative")
    assert weak.detected and weak.evidence[0].turn == 1

"""Turn analysis: offers with units, trades, questions, disclosures, process moves, robustness."""

from __future__ import annotations

import pytest
from evaluator_fixtures import sample_scenario

from trainer.domain.acts import ActKind, ProcessAspect
from trainer.domain.numbers import find_amounts
from trainer.reader.analysis import analyse_turn, split_sentences


def kinds(text: str, **kw) -> set[ActKind]:
    return {a.kind for a in analyse_turn(text, **kw).acts}


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("We could do €1.2m for the whole programme.", 1_200_000, "EUR"),
        ("Payment in 45 days works.", 45, "day"),
        ("A 3 years term.", 3, "year"),
        ("We can offer 12% off.", 12, "%"),
        ("USD 250k is our number.", 250_000, "USD"),
        ("$1,250,000 all in.", 1_250_000, "USD"),
        ("three years minimum", 3, "year"),
    ],
)
def test_amounts_with_units(text: str, value: float, unit: str) -> None:
    amounts = find_amounts(text)
    assert any(a.value == pytest.approx(value) and a.unit == unit for a in amounts), amounts


def test_ordinals_and_dates_are_not_amounts() -> None:
    assert find_amounts("Our board meets on the 14th.") == []


def test_offers_map_to_scenario_issues_in_their_units() -> None:
    scenario = sample_scenario()
    analysis = analyse_turn("We can do 40 per unit if you commit to a 3 year term and 45 days payment.", scenario)
    assert analysis.offers() == {"price": 40.0, "term": 36.0, "payment_days": 45.0}
    assert analysis.has(ActKind.conditional_trade)


def test_offer_quotes_are_substrings_of_the_turn() -> None:
    text = "Hello there.  Our price is 41 EUR and payment terms of 60 days!"
    for act in analyse_turn(text, sample_scenario()).acts:
        assert act.quote in text


def test_their_number_is_not_our_offer() -> None:
    assert analyse_turn("Your offer of 120 days is too long.", sample_scenario()).offers() == {}


@pytest.mark.parametrize(
    "text",
    [
        "If you extend to three years, we can drop the price to 40.",
        "In exchange for a longer term, we could look at the price.",
        "We can move on payment provided you commit to the volumes.",
        "If the volume guarantee is in writing, we can go to 41.",
    ],
)
def test_conditional_trades(text: str) -> None:
    found = kinds(text)
    assert ActKind.conditional_trade in found
    assert ActKind.concession not in found


@pytest.mark.parametrize("text", ["Okay, we'll drop to 38.", "Fine, we can come down on the price."])
def test_unconditional_concessions(text: str) -> None:
    assert ActKind.concession in kinds(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Who else on your side signs off on this?", ActKind.question_stakeholders),
        ("What does your CFO care about most here?", ActKind.question_stakeholders),
        ("What would you do if we couldn't agree?", ActKind.question_alternatives),
        ("What's driving the eight percent?", ActKind.question_constraints),
        ("Why is the longer term so important to you?", ActKind.question_interests),
        ("How should we structure the next steps?", ActKind.question_process),
    ],
)
def test_questions_by_kind(text: str, kind: ActKind) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Our board meets on the 14th and we need to sign before then.",
        "We've got about four months of runway left.",
        "Our current contract expires on the 31st, so we'd love to wrap this up.",
        "Honestly the sooner the better for us, payroll is tight until March.",
    ],
)
def test_own_urgency(text: str) -> None:
    assert ActKind.disclose_urgency in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I understand your quarter ends on the 30th.",
        "I know you need to close before your year-end.",
        "Your budget cycle closes in September, so I imagine you'd like a decision before then.",
    ],
)
def test_their_deadline_is_not_urgency(text: str) -> None:
    assert ActKind.disclose_urgency not in kinds(text)


def test_private_pressure_keywords_from_the_scenario() -> None:
    assert ActKind.disclose_urgency in kinds("We have our quarter close to think about.", scenario=sample_scenario())


@pytest.mark.parametrize(
    "text",
    [
        "Honestly we don't have any other options.",
        "If this falls through we'd have to lay people off.",
        "Our fallback is a distributor deal that pays far less.",
        "I have another offer, but it's much lower.",
    ],
)
def test_weak_alternative(text: str) -> None:
    assert ActKind.disclose_weak_alternative in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "We have a signed offer from Helix at 12% lower cost, valid until June.",
        "I hold a written offer from another club at 12k a week.",
    ],
)
def test_strong_alternative_is_not_a_weak_one(text: str) -> None:
    found = kinds(text)
    assert ActKind.cite_strong_alternative in found
    assert ActKind.disclose_weak_alternative not in found


def test_scenario_alternative_strength_decides() -> None:
    line = "We could always go with the distributor instead."
    assert ActKind.disclose_weak_alternative in kinds(line, scenario=sample_scenario("weak"))
    assert ActKind.cite_strong_alternative in kinds(line, scenario=sample_scenario("strong"))


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("Happy for your legal team to draft the contract.", ProcessAspect.draft),
        ("Let's leave pricing for the end.", ProcessAspect.sequence),
        ("Sure, we'll work from your template.", ProcessAspect.draft),
        ("Monthly meetings are fine for us.", ProcessAspect.cadence),
    ],
)
def test_accepting_their_process(text: str, aspect: ProcessAspect) -> None:
    acts = analyse_turn(text).of(ActKind.accept_their_process)
    assert acts and acts[0].aspect == aspect


def test_yes_to_their_process_line_uses_previous() -> None:
    acts = analyse_turn("Sure, that works.", previous="We'll send over our standard paper tomorrow.").acts
    assert [a.kind for a in acts] == [ActKind.accept_their_process]
    assert analyse_turn("Sure, that works.", previous="How was the trip?").acts == []


@pytest.mark.parametrize(
    "text",
    ["We'll send the first draft by Thursday.", "Let's start with price, then the rest.", "I'll circulate an agenda today."],
)
def test_proposing_own_process(text: str) -> None:
    found = kinds(text)
    assert ActKind.propose_own_process in found
    assert ActKind.accept_their_process not in found


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("You're much bigger than us, we'll take whatever you think is fair.", ActKind.deference),
        ("Market data from Gartner shows a median of 9%.", ActKind.objective_standard),
        ("How long would it take you to qualify a new supplier?", ActKind.challenge_alternative),
        ("Deal.", ActKind.accept),
        ("That's not acceptable.", ActKind.reject),
        ("We'll walk away.", ActKind.walk_away),
        ("Good morning!", ActKind.small_talk),
    ],
)
def test_other_acts(text: str, kind: ActKind) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "Guten Tag, wie geht es Ihnen? Wir brauchen 5 % Rabatt.",
        "価格は120ユーロです。",
        "😀😀😀 🤝 💶",
        "| item | price |\n|---|---|\n| sensor | €41 |\n| term | 36 months |",
        "x" * 200_000,
        "." * 5000,
        "İstanbul ßtraße ﬁnance — we need to sign by Friday.",
    ],
)
def test_odd_input_never_crashes(text: str) -> None:
    analysis = analyse_turn(text, sample_scenario(), previous="We'll send our paper.")
    for act in analysis.acts:
        assert act.quote in text


def test_sentences_keep_decimals_together() -> None:
    parts = [s.raw for s in split_sentences("We can do 1.5 percent. Not more!")]
    assert parts == ["We can do 1.5 percent.", "Not more!"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Our investors meet on the 14th.", ActKind.disclose_urgency),
        ("The lease on our current office is up in May.", ActKind.disclose_urgency),
        ("Our cash covers about ten weeks of operations.", ActKind.disclose_urgency),
        ("Whatever format suits your legal team.", ActKind.accept_their_process),
        ("No need for us to draft, we'll use yours.", ActKind.accept_their_process),
        ("Let's go through your checklist first and get to pricing after.", ActKind.accept_their_process),
        ("There isn't really a plan B for us.", ActKind.disclose_weak_alternative),
        ("Our only other lead went cold last month.", ActKind.disclose_weak_alternative),
        ("I'm just happy you're even considering us.", ActKind.deference),
        ("Honestly, we're flattered you'd work with a company like ours, so 10% off is fine.", ActKind.deference),
    ],
)
def test_indirect_wording(text: str, kind: ActKind) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We can start in March.", ActKind.disclose_urgency),
        ("When does your quarter close?", ActKind.disclose_urgency),
        ("We have other buyers interested at similar terms.", ActKind.disclose_weak_alternative),
        ("Let's agree the price first, then the paperwork.", ActKind.accept_their_process),
        ("We know you're a big client, so let's make sure the service levels fit.", ActKind.deference),
    ],
)
def test_indirect_wording_negatives(text: str, kind: ActKind) -> None:
    assert kind not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Coming from the biggest publisher in the market, that offer is hard to say no to.",
        "We're the small fish here, so we'll fit around whatever you need.",
        "You hold most of the volume in this region, so we'll accept 30 days.",
        "Of course, you're the experts, we'll go with your number.",
        "Sorry, I know this is cheeky, but could we talk about the rate at all?",
    ],
)
def test_deference_in_many_wordings(text: str) -> None:
    assert ActKind.deference in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "We're the leading supplier of this sensor in Europe, so our price reflects that.",
        "There are hundreds of applicants, sure, but few with my certification; I'd like 95k.",
        "No problem on the start date; on price, we need to stay at 42.",
        "You control most of the shelf space, and we control the only certified supply, so let's talk value.",
        "Given your volumes, a tiered price makes sense: 41 up to 10k units, 39 above.",
    ],
)
def test_size_talk_that_is_not_deference(text: str) -> None:
    assert ActKind.deference not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "If you don't take it, it'll probably just sit in a drawer.",
        "Realistically, nobody else is going to pay for this kind of niche data.",
        "The bank already said no to extending the loan.",
        "Frankly we need this more than you do.",
        "Our current landlord wants double, so there's nothing else in our price range.",
    ],
)
def test_weak_alternative_in_many_wordings(text: str) -> None:
    assert ActKind.disclose_weak_alternative in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "The other studio we pitched offered 20% more, but we prefer your team.",
        "If you don't take it, the Berlin buyer has a signed LOI ready.",
        "Our next best option is a buyer who offered about the same, with faster payment.",
        "The bank has approved our expansion loan, so we're in no hurry.",
    ],
)
def test_credible_alternatives_are_not_weak(text: str) -> None:
    assert ActKind.disclose_weak_alternative not in kinds(text)


def test_a_contract_length_is_not_payment_days_without_an_alias() -> None:
    from trainer.scenarios.loading import load_library

    carmaker = load_library().scenarios["carmaker-renewal"]
    offers = analyse_turn("If you commit to a three year term, we can move to a 2% price-down.", carmaker).offers()
    assert offers == {"annual_price_down": 2.0}
    assert analyse_turn("We can do 45 days.", carmaker).offers() == {"payment_terms": 45.0}


def test_one_value_per_issue_per_sentence() -> None:
    from trainer.scenarios.loading import load_library

    carmaker = load_library().scenarios["carmaker-renewal"]
    text = "I propose 2% price-down, 60 days payment, three years."
    assert analyse_turn(text, carmaker).offers() == {"annual_price_down": 2.0, "payment_terms": 60.0}

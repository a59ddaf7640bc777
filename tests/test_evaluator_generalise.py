"""Concept-level detector behaviour (paraphrases written for these tests), the folded-pattern speed-up, and a
maximal transcript that must evaluate without error."""

from __future__ import annotations

import re

import pytest

from trainer.domain.acts import ActKind
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.domain.transcripts import MAX_BYTES, MAX_TURNS
from trainer.evaluation.evaluator import Turn, _cue, evaluate
from trainer.reader import lexicon as lx
from trainer.reader.analysis import analyse_turn
from trainer.reader.regex_tools import AnyOf, Folded, fold


def conv(*lines: str) -> list[Turn]:
    """Alternate counterparty / trainee, counterparty first."""
    return [Turn(speaker="counterparty" if i % 2 == 0 else "trainee", text=t) for i, t in enumerate(lines)]


def detected(turns: list[Turn], mistake: str) -> bool:
    return next(m for m in evaluate(turns).mistakes if m.id == mistake).detected


def kinds(text: str, previous: str | None = None) -> set[ActKind]:
    return {a.kind for a in analyse_turn(text, previous=previous).acts}


OPENER = "Here is where we are on the renewal terms."


# --- power vs leverage ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "Thanks so much, it's a real honour for us, we're only three people so we'll take the standard split.",
    "Apologies for even asking, but is there any room on the deposit? Totally understand if not.",
    "Look, you set the rates in this market, so that's fine by us.",
    "We've trimmed the fee already to make it easy for you.",
    "I'd hate to cause any trouble, so the terms as they stand are fine.",
    "We'd take a bit less up front if that makes it easier for you internally.",
])
def test_deference_paraphrases_are_power(line: str) -> None:
    assert detected(conv(OPENER, line, "Noted."), "power_vs_leverage")


@pytest.mark.parametrize("line", [
    "If you sign for three years, we can drop the unit price by two percent.",
    "You're an important account for us, and our price stays at 48.",
    "We can add the weekend patrol as an option, priced separately on top.",
])
def test_trades_and_priced_extras_are_not_power(line: str) -> None:
    assert not detected(conv(OPENER, line, "Noted."), "power_vs_leverage")


def test_whatever_works_after_a_price_hands_over_terms() -> None:
    turns = conv("Ten shows at 300 each.", "Brilliant, whatever works for you.", "Great.")
    assert detected(turns, "power_vs_leverage") and not detected(turns, "process_concession")


def test_whatever_works_after_their_paper_is_process() -> None:
    turns = conv("Our legal team will send over our standard paper.", "Whatever works for you.", "Great.")
    assert detected(turns, "process_concession")


# --- urgency ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "Our cash reserves only stretch to the end of the quarter.",
    "Sorry to chase, could we hear back before our funding round closes?",
    "The mortgage on the unit falls due next week, so it would help to know soon.",
    "Our crews start on the new depot on the 2nd, so ideally the order lands before then.",
])
def test_indirect_own_timelines_are_urgency(line: str) -> None:
    assert ActKind.disclose_urgency in kinds(line)


@pytest.mark.parametrize("line", [
    "We hold a written offer from another mill at 4.10, valid until the 20th.",
    "I'm already contracted through September at a higher day rate.",
    "Shall we book a call for next Tuesday to walk through the volumes?",
    "Since your budget round closes in March, it makes sense to settle the scope first.",
])
def test_dates_that_are_not_our_pressure(line: str) -> None:
    assert ActKind.disclose_urgency not in kinds(line)


# --- weak alternative -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "Our backers have pulled out, so this really is the only game in town.",
    "The other buyer we spoke to has gone cold on us.",
    "If we're not picked for the panel we'd be relying on walk-in trade, which is thin.",
    "We've lost three tenders this year, so we're keen to make this one work.",
    "The fallback work is low-margin maintenance, so 40 still beats that.",
    "We approached two other funds but they weren't interested.",
])
def test_poor_fallback_paraphrases(line: str) -> None:
    assert ActKind.disclose_weak_alternative in kinds(line)


def test_strong_alternative_with_a_date_is_not_weak_or_urgent() -> None:
    found = kinds("We have a signed term sheet from another fund at a higher valuation, open until the 12th.")
    assert ActKind.disclose_weak_alternative not in found and ActKind.disclose_urgency not in found


# --- unified actor ----------------------------------------------------------------------------------------------
def test_named_function_cue_passed_over() -> None:
    turns = conv("Pricing is owned by our category office.", "Understood, 12 is fine then.", "Good.")
    assert detected(turns, "unified_actor")


def test_asking_what_an_internal_function_needs_is_a_probe() -> None:
    turns = conv("Our compliance office reviews every supplier.",
                 "What does compliance office look for first, audit trails or certifications?", "Audit trails.")
    assert not detected(turns, "unified_actor")


def test_asking_the_board_for_a_concession_is_not_a_probe() -> None:
    turns = conv("Our steering board has shortlisted you.", "Would the board consider a small set-up fee?", "No.")
    assert detected(turns, "unified_actor")


def test_asking_what_the_whole_firm_wants_is_not_a_probe() -> None:
    turns = conv("Our finance director will need to approve this.", "Fine by us.",
                 "Noted.", "What would the company need to get to 30?", "Volume.")
    assert detected(turns, "unified_actor")


def test_greeting_a_named_contact_is_not_asking_about_them() -> None:
    turns = conv("Hi Sam, procurement now owns this. Best, Marta", "Hi Marta, any news on the timing?", "Soon.")
    assert detected(turns, "unified_actor")


def test_generic_team_is_not_a_cue() -> None:
    assert not detected(conv("The team liked your demo.", "Great, thank you.", "Talk soon."), "unified_actor")


# --- process ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "No problem, we'll fit around whatever delivery windows you give us.",
    "We'll play whatever running order suits you.",
    "Let's settle the volumes now and sort the service credits after signature.",
])
def test_process_surrender_paraphrases(line: str) -> None:
    assert ActKind.accept_their_process in kinds(line)


def test_proposing_our_own_sequence_is_not_surrender() -> None:
    assert ActKind.accept_their_process not in kinds("We'll send the first draft of the agreement on Monday.")


# --- folded patterns --------------------------------------------------------------------------------------------
def test_folded_pattern_matches_like_ignorecase_and_keeps_offsets() -> None:
    text = "Our CFO and the Investment Committee meet İstanbul-side on FRIDAY."
    folded = Folded(r"\bcfo\b|\binvestment committee\b|\bfriday\b")
    plain = re.compile(r"\bcfo\b|\binvestment committee\b|\bfriday\b", re.IGNORECASE)
    assert [m.span() for m in folded.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert len(fold(text)) == len(text)


# --- size -------------------------------------------------------------------------------------------------------
def test_maximal_transcript_evaluates() -> None:
    """500 turns close to the 1 MB limit, with many names and questions: completes with a full report."""
    them = ("Anneliese from Procurement and Bartholomew in Finance will review it; Cornelius, Desmond and "
            "Evangeline also weigh in. Our CFO signs off. ")
    us = ("Could the delivery slip a week? What is driving the eight percent? We could do 4% if you commit to "
          "three years. Our board meets on the 14th. Honestly the other option pays far less. ")
    turns = []
    for i in range(MAX_TURNS):
        base = them if i % 2 == 0 else us
        text = (base + f"Ref {i}. ") * (1900 // (len(base) + 10))
        turns.append(Turn(speaker="counterparty" if i % 2 == 0 else "trainee", text=text))
    assert sum(len(t.text.encode()) for t in turns) < MAX_BYTES
    report = evaluate(turns)
    assert isinstance(report, Report)
    assert [m.id for m in report.mistakes] == list(MISTAKE_TITLES)
    assert 0 <= report.overall_score <= 100


def test_giving_way_when_pressed_is_bargaining_not_power() -> None:
    turns = conv("Honestly 46 is too high for us, can you sharpen it?", "Okay, we can come down to 44.", "Better.")
    assert not detected(turns, "power_vs_leverage")


def test_unprompted_giveaway_is_power() -> None:
    turns = conv("Thanks for the proposal.", "We'll also knock another 3% off, no strings.", "Thank you.")
    assert detected(turns, "power_vs_leverage")


@pytest.mark.parametrize("line, kind", [
    ("We'll take your redlines and work within them.", ActKind.accept_their_process),
    ("Happy to follow your usual tender steps.", ActKind.accept_their_process),
    ("Fine, take the lead on the paperwork.", ActKind.accept_their_process),
    ("We'll wait for your side's first draft then.", ActKind.accept_their_process),
    ("Is there any way to speed this up? We're under a bit of time pressure.", ActKind.disclose_urgency),
    ("No pressure, but could you let me know by Friday?", ActKind.disclose_urgency),
    ("The machines go quiet after the current run finishes next week.", ActKind.disclose_urgency),
    ("If we can't place it with you, it goes to the discounters.", ActKind.disclose_weak_alternative),
    ("Our current customer is cutting orders by half next year.", ActKind.disclose_weak_alternative),
    ("We don't have a real plan if this doesn't happen.", ActKind.disclose_weak_alternative),
    ("I'll leave the number to you, I'm sure it'll be fair.", ActKind.deference),
    ("Of course, we're flexible, you tell us the rate and we'll make it work.", ActKind.deference),
])
def test_more_paraphrases(line: str, kind: ActKind) -> None:
    assert kind in kinds(line)


@pytest.mark.parametrize("line, kind", [
    ("We've got capacity from March, no rush at all.", ActKind.disclose_urgency),
    ("Our other option pays about the same and starts sooner.", ActKind.disclose_weak_alternative),
    ("If this doesn't work, we'll take the Rotterdam offer, which is 6% higher.", ActKind.disclose_weak_alternative),
    ("We'd prefer to work from our own template, it's shorter.", ActKind.accept_their_process),
    ("You're one of the largest buyers in the region, which is why the volume tier matters to both of us.",
     ActKind.deference),
])
def test_more_hard_negatives(line: str, kind: ActKind) -> None:
    assert kind not in kinds(line)


def test_cues_without_titles() -> None:
    for line in ("The people who hold the budget are in Munich.", "Let me see what Marketing thinks.",
                 "I need to get the numbers blessed by corporate."):
        assert _cue(line), line
    for line in ("The team liked it.", "Our price is 40.", "Delivery in May works."):
        assert _cue(line) is None, line


SAMPLES = [
    "We need to sign before our board meets on the 14th, honestly.",
    "Your CFO's draft is fine; we'll work from your template.",
    "If you commit to 3 years, we can drop 4% — otherwise 52 stands.",
    "Nobody else has bitten, and the pipeline is dead.",
    "  Sure, that works. Who signs off on your side?",
    "¿Qué tal? Ünïcödé İstanbul 12,500 EUR per unit!",
    "Sorry I'm late — the traffic was a nightmare.",
]


def test_every_lexicon_pattern_matches_like_its_ignorecase_original() -> None:
    """The folded, gated patterns find exactly what the plain case-insensitive patterns find."""
    for name, value in vars(lx).items():
        patterns = value.patterns if isinstance(value, AnyOf) else (value,) if isinstance(value, Folded) else ()
        for pattern in patterns:
            plain = re.compile(pattern.pattern, re.IGNORECASE)
            for text in SAMPLES:
                assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)], name

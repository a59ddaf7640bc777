"""The debrief, hint and citation failures the issue lists, each as the family of cases it stands for."""

from __future__ import annotations

import re

import pytest

from trainer.coaching import coach
from trainer.coaching.knowledge import SOURCE_TITLES, article_title, shipped_notes
from trainer.domain.acts import Act, ActKind, ProcessAspect, TurnAnalysis
from trainer.domain.mistakes import MISTAKE_IDS
from trainer.domain.numbers import numbers_in
from trainer.domain.transcripts import Turn, parse_transcript
from trainer.evaluation import evaluator as ev
from trainer.evaluation import rewrites as rw
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario

LIBRARY = load_library().scenarios


def _ctx(lines: list[tuple[str, str, list[Act]]]) -> ev.Context:
    """A conversation with hand-read trainee turns (speaker, text, acts)."""
    turns = [Turn(speaker=s, text=t) for s, t, _ in lines]
    analyses = [TurnAnalysis(text=t, acts=a) if s == "trainee" else None for s, t, a in lines]
    return ev.Context(turns, analyses, None, None)


def _a(kind: ActKind, quote: str, **kw) -> Act:
    return Act(kind=kind, quote=quote, **kw)


def _report(ctx: ev.Context):
    detections = ev.own_headlines({mid: ev.DETECTORS[mid](ctx) for mid in MISTAKE_IDS})
    findings = [ev._finding(detections[mid]) for mid in MISTAKE_IDS]
    return {f.id: f for f in findings}, ev.strengths(ctx, findings)


# ------------------------------------------------------------------ one source of truth


def test_a_line_is_never_both_a_strength_and_a_mistake() -> None:
    """'Took control of the process' and 'Traded instead of conceding' listed for a line scored as a mistake."""
    both = "Fine, use your template, and we'll draft the annex."
    trade = "If you agree the volume, we'll drop the price to 6."
    ctx = _ctx([
        ("counterparty", "We'll send our standard template.", []),
        ("trainee", both, [_a(ActKind.accept_their_process, both, aspect=ProcessAspect.draft),
                           _a(ActKind.propose_own_process, both, aspect=ProcessAspect.draft)]),
        ("counterparty", "Fine.", []),
        ("trainee", trade, [_a(ActKind.conditional_trade, trade), _a(ActKind.deference, trade)]),
        ("counterparty", "Noted.", []),
        ("trainee", "Who signs this off on your side?", [_a(ActKind.question_stakeholders,
                                                           "Who signs this off on your side?")]),
    ])
    findings, good = _report(ctx)
    assert findings["process_concession"].detected and findings["power_vs_leverage"].detected
    mistake_lines = {(e.turn, e.quote) for f in findings.values() if f.detected for e in f.evidence}
    strength_lines = {(e.turn, e.quote) for s in good for e in s.evidence}
    assert not mistake_lines & strength_lines
    assert [s.kind for s in good] == ["stakeholder_probe"]


def test_a_findings_headline_quote_is_its_own_line() -> None:
    """One mistake's headline quote was another mistake's line: each finding leads with a line only it claims."""
    shared = "You're the big player and we need this signed by Friday."
    own = "We'll go with whatever you think is fair."
    ctx = _ctx([
        ("counterparty", "Let's begin.", []),
        ("trainee", shared, [_a(ActKind.deference, shared), _a(ActKind.disclose_urgency, shared)]),
        ("counterparty", "I see.", []),
        ("trainee", own, [_a(ActKind.deference, own)]),
    ])
    findings, _ = _report(ctx)
    power, urgency = findings["power_vs_leverage"], findings["urgency_signal"]
    assert power.evidence[0].quote == own and own in power.explanation and shared not in power.explanation
    assert urgency.evidence[0].quote == shared and shared in urgency.explanation
    for f in findings.values():
        for quoted in re.findall(r"'([^']{12,})'", f.explanation):
            assert any(quoted.rstrip(" …") in e.quote for e in f.evidence), (f.id, quoted)


def test_unified_actor_says_which_case_applied() -> None:
    """'You either probed who is involved on their side or no internal actors came up.'"""
    asked = _ctx([("counterparty", "Hello.", []), ("trainee", "Who else decides this on your side?",
                                                    [_a(ActKind.question_stakeholders, "Who else decides this on your side?")])])
    findings, _ = _report(asked)
    assert findings["unified_actor"].explanation.startswith("You asked who else is involved")
    assert "Who else decides this on your side?" in findings["unified_actor"].explanation
    nobody = _ctx([("counterparty", "Hello.", []), ("trainee", "Our price is 8%.", [])])
    findings, _ = _report(nobody)
    assert findings["unified_actor"].explanation.startswith("No one else on their side came up")
    for f in (findings["unified_actor"],):
        assert " either " not in f.explanation


# ------------------------------------------------------------------ hints and better lines from the scenario


def _scenario_numbers(sc: Scenario) -> set[float]:
    values = set()
    for i in sc.issues:
        values |= {i.trainee_target, i.trainee_walkaway, i.counterparty_opening, i.counterparty_reservation}
    return values


MISTAKE_TURNS = {
    "urgency_signal": (ActKind.disclose_urgency, "We need this wrapped up quickly."),
    "weak_alternative": (ActKind.disclose_weak_alternative, "Honestly we have no other option."),
    "process_concession": (ActKind.accept_their_process, "Sure, we'll follow your plan."),
    "power_vs_leverage": (ActKind.deference, "You're far bigger, so we'll take what you think is fair."),
}


@pytest.mark.parametrize("scenario", list(LIBRARY.values()), ids=lambda s: s.id)
def test_hint_lines_use_only_the_scenarios_numbers(scenario: Scenario) -> None:
    """A hint proposed 'our proposal is 11.40 per unit', a number from a knowledge note."""
    allowed = _scenario_numbers(scenario)
    note_numbers = {n for note in shipped_notes() for n in numbers_in(note.body)} - allowed
    for mistake, (kind, text) in MISTAKE_TURNS.items():
        hint = coach.live_hint(TurnAnalysis(text=text, acts=[Act(kind=kind, quote=text)]), None, scenario)
        assert hint is not None and hint.mistake == mistake
        assert not set(numbers_in(hint.line or "")) - allowed, (mistake, hint.line)
        assert not set(numbers_in(hint.line or "")) & note_numbers
    asked = coach.what_could_i_say("Our position stands at the terms we gave you.", None, scenario=scenario)
    assert asked is not None and not set(numbers_in(asked.line or "")) - allowed


def test_hints_act_only_on_confident_readings() -> None:
    unsure = TurnAnalysis(text="soon-ish", acts=[Act(kind=ActKind.disclose_urgency, quote="soon-ish", confidence=0.5)])
    assert coach.live_hint(unsure) is None
    sure = unsure.model_copy(update={"acts": [unsure.acts[0].model_copy(update={"confidence": 0.9})]})
    assert coach.live_hint(sure) is not None


@pytest.mark.parametrize("scenario", list(LIBRARY.values()), ids=lambda s: s.id)
def test_no_drafting_advice_where_no_draft_is_at_stake(scenario: Scenario) -> None:
    """The better line for a salary call was 'we'll send a first draft by Thursday'."""
    _, sequence = rw.process("Fine, let's do the start date first.", scenario, ProcessAspect.sequence)
    _, unknown = rw.process("Okay, whatever works for you.", scenario, None)
    for line in (sequence, unknown):
        assert "draft" not in line.lower() and "thursday" not in line.lower()
    _, draft = rw.process("Sure, send your contract over.", scenario, ProcessAspect.draft)
    assert "draft" in draft and "thursday" not in draft.lower()


# ------------------------------------------------------------------ citations


def test_citations_show_the_note_title_and_the_article_title_never_a_file_name() -> None:
    """'000_007b3d706b4868db.txt — Why does the weaker side…': a file name where a title belongs."""
    for mistake in MISTAKE_IDS:
        for note in coach.notes_for_mistake(mistake):
            cited = coach.cite(note)
            assert cited.title == note.title
            assert not re.search(r"\.txt|\d{3}_[0-9a-f]{8}", cited.source), cited.source
            assert cited.source in SOURCE_TITLES.values()
    assert article_title("report.pdf", "Quarterly review") == "Quarterly review"
    assert article_title("000_007b3d706b4868db.txt — Why does the weaker side…").startswith("Why does the weaker")


# ------------------------------------------------------------------ the evaluate page keeps the user's facts


def test_a_chosen_scenario_is_context_only_for_a_real_conversation() -> None:
    """Choosing a closest scenario replaced 'a contract gig' with the scenario's 'take the internal role'."""
    salary = LIBRARY["candidate-salary"]
    text = ("Recruiter: We can offer 80,000 and one remote day.\n"
            "Me: Honestly, if this doesn't work out my only other option is a contract gig, and that would be a "
            "real step down.\n"
            "Recruiter: The band is fixed, I'm afraid.\n"
            "Me: We need to settle this soon, my notice period starts next week.")
    report = ev.evaluate(parse_transcript(text), salary, scenario_facts=False)
    words = " ".join(f"{m.explanation} {m.advice}" for m in report.mistakes)
    assert "contract gig" in words
    for private in (salary.trainee.alternative.description, *(p.description for p in salary.trainee.private_pressures),
                    *(s.role for s in salary.counterparty.stakeholders)):
        assert rw.short(private, 40).rstrip(" …").lower() not in words.lower()
    assert "internal role" not in words.lower()

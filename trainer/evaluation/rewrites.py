"""Explanations and rewritten lines per mistake: feedback tied to the trainee's own words and the scenario.

The scenario gives context only: its issues and numbers may shape a better line, but a fact about the trainee
(their pressure, their fallback) is named only when the trainee's own words mention it. A pasted conversation
about a contract gig stays about the contract gig, whichever scenario was chosen as the closest.
"""

from __future__ import annotations

import re

from trainer.domain.acts import ActKind, ProcessAspect
from trainer.domain.mistakes import MISTAKES
from trainer.engine.terms import format_value
from trainer.reader.analysis import analyse_sentence, split_sentences
from trainer.scenarios.schema import Scenario

MAX_QUOTE = 160
DRAFT_WORDS = re.compile(r"\b(?:draft|template|contract|paper(?:work)?|document|mark(?:-| )?up|term sheet|offer letter|"
                         r"agreement text|pen)\b", re.IGNORECASE)


def short(text: str, limit: int = MAX_QUOTE) -> str:
    """A quote trimmed to a readable length on a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _them(scenario: Scenario | None) -> str:
    """How to name the other side in feedback."""
    return scenario.counterparty.organisation if scenario else "the other side"


def _top_issue(scenario: Scenario | None, skip: str | None = None) -> str:
    """The trainee's most important issue, as a phrase for rewrites."""
    if not scenario:
        return "the main commercial terms"
    ranked = sorted((i for i in scenario.issues if i.id != skip), key=lambda i: -i.trainee_weight)
    return ranked[0].label.lower() if ranked else "the main commercial terms"


def _ask(scenario: Scenario | None) -> str:
    """Something concrete to ask for in return, from the scenario's own issues and numbers when we have one."""
    if not scenario:
        return "you can move on one of the other terms"
    issue = sorted(scenario.issues, key=lambda i: -i.trainee_weight)[-1]
    return f"you can move on {issue.label.lower()} toward {format_value(issue, issue.trainee_target)}"


MISTAKE_ACTS = {ActKind.disclose_urgency, ActKind.disclose_weak_alternative, ActKind.deference,
                ActKind.accept_their_process}


def rest_of_turn(turn_text: str, quote: str) -> str:
    """The other sentences of the offending turn that carry no mistake: the substance worth keeping in a rewrite."""
    kept = []
    for sent in split_sentences(turn_text[:4000]):
        if sent.raw in quote or quote in sent.raw or len(sent.raw.split()) < 4:
            continue
        if any(a.kind in MISTAKE_ACTS for a in analyse_sentence(sent)):
            continue
        kept.append(sent.raw)
    return short(" ".join(kept), 220)


def _with_rest(lead: str, turn_text: str, quote: str, tail: str) -> str:
    """Join a replacement line with the rest of the original turn and a closing question."""
    rest = rest_of_turn(turn_text, quote)
    return " ".join(part for part in (lead, rest, tail) if part)


def _phrase(text: str, limit: int = 90) -> str:
    """A scenario description as a short lower-case phrase to slot into a sentence."""
    first = re.split(r"(?<=[.;])\s", " ".join(text.split()))[0].rstrip(".;")
    first = first[:1].lower() + first[1:] if first[:2] != first[:2].upper() else first
    return short(first, limit)


def _pressure(quote: str, scenario: Scenario | None) -> str:
    """The pressure the quote gives away: the scenario's phrasing of it only when the quote names it."""
    pressures = scenario.trainee.private_pressures if scenario else []
    hit = next((p for p in pressures if any(k.lower() in quote.lower() for k in p.keywords)), None)
    return _phrase(hit.description) if hit else "you are working to a date"


def urgency(quote: str, turn_text: str, scenario: Scenario | None) -> tuple[str, str]:
    """Why a timeline disclosure hurts, and the line without it."""
    why = (
        f"'{short(quote)}' tells {_them(scenario)} when you need this done. Once they know that {_pressure(quote, scenario)}, "
        "they can slow down, wait for your clock to run and ask for more as the date gets closer."
    )
    better = _with_rest(
        "Let's take the time the terms need and get them right.",
        turn_text,
        quote,
        f"Which part of {_top_issue(scenario)} is hardest for you to move on?",
    )
    return why, better


def weak_alternative(quote: str, turn_text: str, scenario: Scenario | None) -> tuple[str, str]:
    """Why naming a poor fallback hurts, and a line that argues from this deal instead."""
    named = scenario is not None and any(k.lower() in quote.lower() for k in scenario.trainee.alternative.keywords)
    alt = f"your fallback ({_phrase(scenario.trainee.alternative.description, 70)})" if named else "a poor fallback"
    why = (
        f"'{short(quote)}' puts {alt} on the table. A weak alternative anchors your own expectations low and "
        f"tells {_them(scenario)} how little you can walk away to; it is better left out and the case built on this deal."
    )
    better = _with_rest(
        "We're here because this deal can work well for both of us.",
        turn_text,
        quote,
        f"What would {_them(scenario)} need to see from us to agree on {_top_issue(scenario)}?",
    )
    return why, better


def power(quote: str, turn_text: str, scenario: Scenario | None, concession: bool) -> tuple[str, str]:
    """Why deference or an unasked-for concession hurts, and a line that trades or probes instead."""
    if concession:
        why = (
            f"'{short(quote)}' gives ground before {_them(scenario)} has earned it. Their size is not leverage at this "
            "moment; an unprompted concession just gets pocketed, and they will ask for more elsewhere."
        )
        movement = re.sub(r"^(?:ok(?:ay)?|fine|alright|sure|right)[,.!]?\s*", "", short(quote, 120), flags=re.I)
        better = f"I can look at that, but only as part of a package: if {_ask(scenario)}, then {movement.rstrip('.')}."
        return why, better
    why = (
        f"'{short(quote)}' treats the size of {_them(scenario)} as if it settled the outcome. Structural power is not leverage "
        "in this conversation: what they need right now, and what switching would cost them, decides that."
    )
    better = _with_rest(
        "You're an important partner, which is exactly why we should find terms that work for both sides.",
        turn_text,
        quote,
        "Before we talk numbers, what does this deal most need to achieve on your side?",
    )
    return why, better


def process(quote: str, scenario: Scenario | None, aspect: ProcessAspect | None) -> tuple[str, str]:
    """Why giving up the draft, agenda, sequence or cadence is a real concession, and a line that keeps it.

    Drafting advice only where a draft is at stake: the line read as yielding a draft, or the scenario's own
    process is a draft. Otherwise the advice is about the order and pace of the talks.
    """
    top = _top_issue(scenario)
    if aspect is None:
        drafts = scenario is not None and any(t.kind.value == "draft" for t in scenario.process_traps)
        aspect = ProcessAspect.draft if drafts and DRAFT_WORDS.search(quote) else None
    lines = {
        ProcessAspect.draft: (
            "Whoever holds the pen sets the frame: you would spend the negotiation arguing changes to their text.",
            f"We'd be glad to prepare the first draft, reflecting what we've discussed on {top}; "
            "your team can mark it up from there.",
        ),
        ProcessAspect.agenda: (
            "Their agenda decides what gets discussed and what quietly drops off.",
            f"Let's build the agenda together. I'll circulate a short list today with {top} near the top.",
        ),
        ProcessAspect.sequence: (
            "Leaving the central issue to the end means spending your goodwill on side points first, then negotiating "
            "the big one when you look difficult and time is short.",
            f"I'd rather not leave {top} to the end. Let's put it on the table now, alongside the other points, so we "
            "can trade across them.",
        ),
        ProcessAspect.cadence: (
            "Their meeting rhythm follows their approval cycle, not your needs.",
            "Let's agree a rhythm that suits both sides: a short weekly call until the main terms are settled.",
        ),
    }
    general = (
        "How the talks run (what is discussed first, when, on whose terms) shapes what you can win on the substance.",
        f"Before we settle how to run this, I'd like {top} on the table now, alongside the other points, so we can "
        "trade across them.",
    )
    why_core, better = lines.get(aspect, general) if aspect is not None else general
    why = f"'{short(quote)}' hands {_them(scenario)} control of the process before the substance is discussed. {why_core}"
    return why, better


def unified(quote: str, cue: str | None, scenario: Scenario | None) -> tuple[str, str]:
    """Why passing over internal actors loses information, and a probing line."""
    them = _them(scenario) if scenario else "The other side"
    if cue:
        who = cue
        why = (f"{them} is not one voice: they brought up '{cue}', and your reply ('{short(quote, 100)}') moved on "
               "without asking. Each internal actor has its own pressures, and those are where flexibility hides.")
    else:
        who = scenario.counterparty.stakeholders[0].role.lower() if scenario else "the people behind them"
        why = (f"{them} is not one voice: people such as {who} shape what the negotiator can agree, yet you never asked "
               f"who else is involved (for example after '{short(quote, 100)}'). Their concerns are where flexibility hides.")
    better = (
        f"Before we go further: who else on your side needs to be comfortable with this, {who} included? "
        "What would matter most to them here?"
    )
    return why, better


NOT_DETECTED: dict[str, tuple[str, str]] = {m.id: (m.kept_clear, m.keep_doing) for m in MISTAKES}

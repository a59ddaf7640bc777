"""Persona phrase banks per move type: the template voice, and the draft line the LLM voice paraphrases.

Two registers (formal, warm) chosen from the persona's tone. Placeholders are filled only from the move and the
scenario's public text, so a template can never say a number the engine has not released.
"""

from __future__ import annotations

import hashlib

from trainer.domain.deal import DealState
from trainer.engine.policy import Move, MoveKind
from trainer.engine.terms import format_value
from trainer.scenarios.schema import Scenario
from trainer.voice.guardrails import missing_numbers

WARM_WORDS = ("warm", "friendly", "jovial", "upbeat", "chatty", "informal", "cheerful", "genial")

BANKS: dict[str, dict[str, list[str]]] = {
    "formal": {
        "open": ["{opening} {trap}"],
        "counter": [
            "Given what you've just put forward, I can move: {terms}.",
            "That is helpful. In return I can come to {terms}.",
        ],
        "reveal": ["{reveal} {movement}", "{reveal} {movement}"],
        "hold": [
            "I hear you, but our position stands: {terms}. {probe}",
            "Nothing has changed on our side: {terms}. {probe}",
        ],
        "reject": [
            "That doesn't work for us. I can only move when I get something in return, so we stay where we are: {terms}. {probe}",
            "I can't go there. Our position remains: {terms}. {probe}",
        ],
        "reject_after_moves": [
            "I see you've moved, but not far enough for us to follow: we stay at {terms}. {probe}",
            "That is a step, but it doesn't get us there. Our position remains: {terms}. {probe}",
        ],
        "settled": [
            "Then we're agreed on {terms}. The rest of our terms stand as they are.",
            "That one is settled, then: {terms}. Let's turn to the other terms.",
        ],
        "closing_step": [
            "I'd like to get this done, so I'll take one more step: {terms}. I'll need a step from you in return.",
            "To keep this moving, I can go a little further: {terms}. Now I need something from your side.",
        ],
        "reopened": [
            "We had settled {withdrawn_labels}, and you've gone back on it, so my last move there is off the table too: {terms}.",
        ],
        "own_timetable": [
            "Our own timetable hasn't changed, and your date doesn't change our numbers: {terms}.",
            "We still want this done soon, but not by giving ground because your clock is tight. Our position is {terms}.",
        ],
        "slow_down": [
            "You've told me your timing is tight. There is no rush on our side; we would rather get this right. For now we stay where we are: {terms}.",
            "I understand you're up against the clock. We're in no hurry here; our position is {terms}.",
        ],
        "anchor_against_alternative": [
            "Let's be realistic: from what you've told me, {terms} is still better than your other option. {probe}",
            "You've told me what your fallback is. Next to it, {terms} looks rather good. {probe}",
        ],
        "pocket_and_ask": [
            "Noted, thank you: {pocketed}. I will also need movement from you on {ask_labels}, where we are at {ask_terms}.",
            "I'll take {pocketed}. On {ask_labels}, though, we are still at {ask_terms}, and I need you to come toward it.",
        ],
        "process_trap": ["{trap}", "{trap}"],
        "standard_terms": [
            "Good, we'll prepare the draft. It will reflect our terms as they stand: {terms}. Mark up whatever you can't live with.",
            "Fine. You'll see our positions in the draft as they stand: {terms}.",
        ],
        "process_conceded": [
            "Fine, if you want to hold the pen, go ahead. Our terms haven't changed: {terms}.",
            "Very well, we'll work from your draft. For the record, our position: {terms}.",
        ],
        "accept": [
            "Then we have an agreement: {terms}.",
            "Agreed: {terms}. I'll have the paperwork prepared.",
        ],
        "close": [
            "Good, then we have a deal: {terms}. I'll send the paperwork.",
            "Agreed. We'll confirm {terms} in writing.",
        ],
        "clarify_empty": ["I didn't catch anything there. What would you like to propose?"],
        "clarify_too_long": [
            "That is a lot to take in at once. Give me your main points in a few sentences, please.",
        ],
        "farewell": [
            "That's your decision. Our offer was {terms}; if you change your mind, you know where to find me.",
        ],
    },
    "warm": {
        "counter": [
            "Look, I appreciate that. Here's what I can do: {terms}.",
            "Okay, that's fair. I can meet you partway: {terms}.",
        ],
        "hold": [
            "I get where you're coming from, honestly, but we're staying with {terms}. {probe}",
            "I hear you, but it's still {terms}. {probe}",
        ],
        "reject": [
            "Ah, I can't do that one. Give me something back and we can talk; until then it stays {terms}. {probe}",
        ],
        "reject_after_moves": [
            "I can see you've moved, and I appreciate it, but it's not enough yet: it stays {terms}. {probe}",
        ],
        "slow_down": [
            "I hear you on the timing. Honestly, there's no rush from our side, let's not force it. For now it stays {terms}.",
        ],
        "anchor_against_alternative": [
            "Let's be honest with each other: {terms} still beats your other option. {probe}",
        ],
        "pocket_and_ask": [
            "Thanks, I'll take {pocketed}. And on {ask_labels} we're still at {ask_terms}, so I'd need you to come my way.",
        ],
        "close": ["Brilliant, we have a deal: {terms}. I'll get the paperwork over."],
    },
}

PROBES = {
    "timeline": "When do you actually need this wrapped up?",
    "alternatives": "What would you do otherwise?",
    "priorities": "Which of these matters most to you?",
}
STANCE_NOTES = {  # said first when its stance changes, so the change is never silent
    "final_reopened": "That changes things, so I can go further than I said.",
}
TACTIC_ADDS = {
    "final_offer": "This is as far as I can go.",
    "no_rush": "",
    "reciprocity": "",
    "false_deadline": "These terms are on the table until Friday; after that I can't promise they will be.",
}


def register(scenario: Scenario) -> str:
    """The persona's phrase bank: warm for friendly tones, otherwise formal."""
    tone = scenario.counterparty.persona.tone.lower()
    return "warm" if any(w in tone for w in WARM_WORDS) else "formal"


def _pick(options: list[str], key: str) -> str:
    """A deterministic choice, so the same move in the same turn always reads the same."""
    digest = hashlib.sha256(key.encode()).digest()
    return options[digest[0] % len(options)]


def terms_text(move: Move, scenario: Scenario, issue_ids: list[str]) -> str:
    """'unit price at EUR 180 per unit and payment terms at 105 days'."""
    parts = []
    for issue in scenario.issues:
        if issue.id in issue_ids and issue.id in move.releases:
            parts.append(f"{_label(issue.label)} at {format_value(issue, move.releases[issue.id])}")
    return and_list(parts) or "our current terms"


def and_list(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' ('' for none): lists inside a spoken sentence, never 'a, b' or 'a and b and c'."""
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _label(label: str) -> str:
    """Lower-case a label mid-sentence unless it is an acronym."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def bank_key(move: Move) -> str:
    """Which bank entry voices this move."""
    if move.kind == MoveKind.clarify:
        return f"clarify_{move.note or 'empty'}"
    if move.kind == MoveKind.process_trap and move.tactic == "standard_terms":
        return "standard_terms"
    if move.kind == MoveKind.hold and move.tactic == "process_conceded":
        return "process_conceded"
    if move.tactic in ("reopened", "own_timetable", "closing_step", "settled") and move.kind != MoveKind.reveal:
        return move.tactic
    if move.kind == MoveKind.reveal:
        return "reveal"
    return move.kind.value


def fitted_key(key: str, state: DealState) -> str:
    """The entry that fits what the trainee has done: no 'I only move in return' to someone who has moved."""
    if key == "reject" and state.trainee_concessions():
        return "reject_after_moves"
    return key


def draft_line(move: Move, state: DealState, scenario: Scenario) -> str:
    """The template sentence(s) for a move: the quick voice, and the LLM's draft to paraphrase."""
    key = fitted_key(bank_key(move), state)
    reg = register(scenario)
    options = BANKS.get(reg, {}).get(key) or BANKS["formal"][key]
    template = _pick(options, f"{scenario.id}:{state.turn}:{key}")
    return render(template, move, state, scenario)


def render(template: str, move: Move, state: DealState, scenario: Scenario) -> str:
    """One given bank template filled for a move: `draft_line` after its pick, and tests that try every option."""
    key = bank_key(move)
    text = template.format(**_slots(move, state, scenario))
    if key == "open":
        missing = missing_numbers(text, move)
        if missing:
            text = f"{text} Our starting point: {terms_text(move, scenario, missing)}."
    extra = TACTIC_ADDS.get(move.tactic or "", "")
    if extra and extra not in text:
        text = f"{text} {extra}"
    note = STANCE_NOTES.get(move.stance_note or "", "")
    if note:
        text = f"{note} {text}"
    return " ".join(text.split())


def _slots(move: Move, state: DealState, scenario: Scenario) -> dict[str, str]:
    """Everything a template may use; all of it public or released by this move."""
    cp = scenario.counterparty
    terms = terms_text(move, scenario, move.mentions)
    movement = (
        f"On that basis I can move: {terms}."
        if move.moved
        else (f"Our position: {terms}." if move.mentions else "")
    )
    return {
        "opening": cp.opening_line.strip() if state.turn == 0 else "",
        "trap": (move.trap_line or "").strip(),
        "terms": terms,
        "reveal": " ".join(line.strip() for line in move.reveal_lines),
        "movement": movement,
        "probe": PROBES.get(move.probe or "", ""),
        "pocketed": _pocketed_text(move, state, scenario),
        "ask_labels": and_list([_label(scenario.issue(i).label) for i in move.asks]) or "the other terms",
        "ask_terms": and_list([format_value(scenario.issue(i), move.releases[i]) for i in move.asks]) or terms,
        "withdrawn_labels": and_list([_label(scenario.issue(i).label) for i in move.withdrawn]) or "that term",
    }


def _pocketed_text(move: Move, state: DealState, scenario: Scenario) -> str:
    """'your move on price change to 7%': the trainee's own number, which it simply takes."""
    parts = []
    for issue in scenario.issues:
        value = state.trainee_positions.get(issue.id)
        if issue.id in move.pocketed and value is not None:
            parts.append(f"your move on {_label(issue.label)} to {format_value(issue, value)}")
    return and_list(parts) or "your move"


def with_reveals(text: str, move: Move) -> str:
    """Reveal lines must be voiced whatever the bank entry; prepend any the template did not include."""
    missing = [line.strip() for line in move.reveal_lines if line.strip() not in text]
    return " ".join([*missing, text]).strip()

"""Prompt parts for the LLM voice: a stable persona prompt and a per-turn move card.

Only public scenario text and values the move releases ever go in; hidden values cannot leak because the model
never sees them. Message order is persona, dialogue (earlier cards left where they were), card: all but the new
trainee line and the new card is a stable prefix for llama.cpp's cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from trainer.domain.deal import DealState
from trainer.engine.policy import Move, MoveKind
from trainer.scenarios.schema import Scenario
from trainer.voice.phrasebook import draft_line, with_reveals

TRIM_BLOCK = 8  # drop old dialogue 8 messages at a time, so the cached prefix survives several turns
MESSAGE_OVERHEAD = 4  # chat-template tokens per message

INSTRUCTIONS = {  # terse: the card is prefilled on every turn, before the first word can appear
    MoveKind.open: "Greet them, give your opening terms, propose a process.",
    MoveKind.counter: "Counter-offer, moving a little.",
    MoveKind.reveal: "Concede the point (it is true), then state your terms.",
    MoveKind.hold: "Hold your position; move on no number.",
    MoveKind.reject: "Turn it down politely; you move only in exchange.",
    MoveKind.slow_down: "Say calmly there is no rush; do not move.",
    MoveKind.anchor_against_alternative: "Say your terms still beat their other option.",
    MoveKind.pocket_and_ask: "Take their concession, give nothing back, ask for more.",
    MoveKind.process_trap: "Propose how the talks should run, as routine.",
    MoveKind.accept: "Accept their proposal and confirm the deal.",
    MoveKind.close: "Confirm the deal on these terms.",
    MoveKind.clarify: "Their message was unusable: ask briefly what they propose.",
    MoveKind.farewell: "They are leaving. Accept it calmly; your offer stands.",
}


TACTIC_INSTRUCTIONS = {  # where the tactic changes what the line must say
    "own_timetable": "Say your own timetable is unchanged and their date changes nothing; do not move.",
    "reopened": "They went back on a settled term: say your last move on it is withdrawn too.",
    "settled": "They took your term: confirm that term is settled; the rest stands.",
    "closing_step": "You want the deal done: make one small step, and ask for a step back.",
    "standard_terms": "Say you will prepare the draft, with your terms as they stand.",
}


def persona_prompt(scenario: Scenario) -> str:
    """The system prompt: who to be and how to speak. Identical on every turn of a session."""
    cp, tr = scenario.counterparty, scenario.trainee
    return (
        f"You are {cp.name}, {cp.role} at {cp.organisation}, in a negotiation with the {tr.role} of "
        f"{tr.organisation}. Setting: {scenario.public_setting.strip()}\n"
        f"Your manner: {cp.persona.tone} Habits: {' '.join(cp.persona.habits)}\n"
        f"Rules: reply only with what {cp.name} says out loud, in the first person, in one to three short "
        "sentences of plain speech. No lists, no stage directions, no narration, no name before your line. "
        "Before each reply you get a private note saying what to say. Follow it, use only the numbers it gives, "
        "and never mention the note."
    )


def move_card(move: Move, state: DealState, scenario: Scenario, retry_problems: Sequence[str] = ()) -> str:
    """What to say this turn, kept short: every token of it is prefilled before the first word can appear."""
    draft = with_reveals(draft_line(move, state, scenario), move)
    numbers = "Use no other numbers." if move.mentions else "Say no numbers."
    retry = ""
    if retry_problems:
        retry = f" Your last reply broke the rules ({', '.join(retry_problems)}); speak only as yourself."
    instruction = TACTIC_INSTRUCTIONS.get(move.tactic or "") or INSTRUCTIONS[move.kind]
    return f'(Private note: {instruction}{retry} Say, in your own words: "{draft}" {numbers})'


def dialogue(history: Sequence[tuple[str, str]], notes: Mapping[int, str]) -> list[list[BaseMessage]]:
    """The conversation so far, one unit per line: the trainee as the user (plus the note that answered it,
    exactly as sent, so the cached prefix still matches), the counterparty as the assistant."""
    units: list[list[BaseMessage]] = []
    for i, (speaker, text) in enumerate(history):
        if speaker != "trainee":
            units.append([AIMessage(text)])
        else:
            units.append([HumanMessage(text)] + ([SystemMessage(notes[i])] if i in notes else []))
    return units


def build_messages(
    move: Move,
    state: DealState,
    scenario: Scenario,
    history: Sequence[tuple[str, str]],
    budget: int,
    count: Callable[[str], int],
    retry_problems: Sequence[str] = (),
    notes: Mapping[int, str] | None = None,
) -> tuple[list[BaseMessage], int]:
    """Persona, the newest dialogue that fits `budget` tokens, then the card; returns (messages, dropped).

    `notes` maps the index of an earlier trainee line to the card sent after it. Keeping old cards in place
    means each turn prefills only the trainee's new line and the new card, not the previous reply as well.
    """
    system = persona_prompt(scenario)
    card = move_card(move, state, scenario, retry_problems)
    units = dialogue(history, notes or {})
    fixed = count(system) + count(card) + 2 * MESSAGE_OVERHEAD
    sizes = [sum(count(str(m.content)) + MESSAGE_OVERHEAD for m in unit) for unit in units]
    dropped = 0
    while dropped < len(units) and fixed + sum(sizes[dropped:]) > budget:
        dropped = min(dropped + TRIM_BLOCK, len(units))
    kept = [m for unit in units[dropped:] for m in unit]
    return [SystemMessage(system), *kept, SystemMessage(card)], dropped

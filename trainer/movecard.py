"""Prompt parts for the LLM voice: a stable persona prompt and a per-turn move card.

Only public scenario text and values the move releases ever go in; hidden values cannot leak because the model
never sees them. Message order is persona, dialogue, card: the first two are a stable prefix for llama.cpp's cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from trainer.deal import DealState
from trainer.phrasebook import draft_line, terms_text, with_reveals
from trainer.policy import Move, MoveKind
from trainer.scenarios import Scenario

TRIM_BLOCK = 8  # drop old dialogue 8 messages at a time, so the cached prefix survives several turns
MESSAGE_OVERHEAD = 4  # chat-template tokens per message

INSTRUCTIONS = {
    MoveKind.open: "Open the meeting: greet them briefly, state your opening terms and propose a process.",
    MoveKind.counter: "You make a counter-offer, moving a little because of what they just offered.",
    MoveKind.reveal: "Concede the point (it is true), then state your terms.",
    MoveKind.hold: "You keep your position and do not move on any number.",
    MoveKind.reject: "Turn their proposal down, politely but firmly: you move only in exchange for something.",
    MoveKind.slow_down: "Say calmly that you are in no rush and there is time to get this right; do not move.",
    MoveKind.anchor_against_alternative: "Point out that your terms are still better than their other option.",
    MoveKind.pocket_and_ask: "Take the concession they just gave without giving anything back, then ask for more.",
    MoveKind.process_trap: "Propose how the negotiation should run, as if it were routine.",
    MoveKind.accept: "Accept their proposal and confirm the deal.",
    MoveKind.close: "Confirm the deal on these terms.",
    MoveKind.clarify: "Their last message could not be used. Ask them, briefly, what they propose.",
    MoveKind.farewell: "They are walking away. Accept it calmly; your offer stands.",
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
    """What to say this turn, kept short (it is re-read every turn): the act, then a draft with its numbers."""
    lines = [f"(Only {scenario.counterparty.name} speaks. {INSTRUCTIONS[move.kind]})"]
    if move.mentions:
        lines.append(f"Numbers to say: {terms_text(move, scenario, move.mentions)}. No other numbers.")
    else:
        lines.append("Say no numbers.")
    if retry_problems:
        lines.append(
            f"Your last reply broke the rules ({', '.join(retry_problems)}). Speak only as yourself."
        )
    draft = with_reveals(draft_line(move, state, scenario), move)
    lines.append(f'Reply with one short spoken line in your own words, close to: "{draft}"')
    return "\n".join(lines)


def dialogue(history: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    """The conversation so far: the trainee as the user, the counterparty as the assistant."""
    return [HumanMessage(text) if speaker == "trainee" else AIMessage(text) for speaker, text in history]


def build_messages(
    move: Move,
    state: DealState,
    scenario: Scenario,
    history: Sequence[tuple[str, str]],
    budget: int,
    count: Callable[[str], int],
    retry_problems: Sequence[str] = (),
) -> tuple[list[BaseMessage], int]:
    """Persona, the newest dialogue that fits `budget` tokens, then the card; returns (messages, dropped)."""
    system = persona_prompt(scenario)
    card = move_card(move, state, scenario, retry_problems)
    turns = dialogue(history)
    fixed = count(system) + count(card) + 2 * MESSAGE_OVERHEAD
    sizes = [count(str(m.content)) + MESSAGE_OVERHEAD for m in turns]
    dropped = 0
    while dropped < len(turns) and fixed + sum(sizes[dropped:]) > budget:
        dropped = min(dropped + TRIM_BLOCK, len(turns))
    return [SystemMessage(system), *turns[dropped:], SystemMessage(card)], dropped

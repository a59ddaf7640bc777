"""Checks on a voiced line: in character, first person, the move's numbers and reveals present, no number not released.

Used incrementally while streaming (`prefix_problems`) and on the whole line (`line_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from trainer.domain.deal import DealState
from trainer.domain.numbers import numbers_in
from trainer.engine.policy import Move
from trainer.scenarios.schema import Scenario

MAX_WORDS = 110
MIN_WORDS = 3
LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
STAGE = re.compile(
    r"\*[^*]+\*|\([^)]*\b(?:smiles?|laughs?|pauses?|leans?|nods?|sighs?|shrugs?)\b[^)]*\)|\[[^\]]+\]", re.I
)
META = re.compile(
    r"\b(?:as an ai|language model|assistant|role-?play|move card|instruction|system prompt|the trainee|"
    r"counterparty|in character|my prompt|my instructions)\b",
    re.I,
)
LABEL_WORDS = ("assistant", "user", "trainee", "counterparty", "negotiator", "buyer", "seller", "me", "you")
SMALL_OK = set(range(0, 11))


def _close(a: float, b: float) -> bool:
    """Equal up to rounding in how people write numbers."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _public_texts(
    scenario: Scenario, state: DealState, move: Move, history: Iterable[tuple[str, str]]
) -> list[str]:
    """Text whose numbers are public: the persona, the setting, revealed lines, anything the trainee said."""
    cp = scenario.counterparty
    texts = [
        scenario.public_setting,
        cp.opening_line,
        cp.persona.tone,
        *cp.persona.habits,
        *cp.persona.pressure_tactics,
    ]
    texts += [t.line for t in scenario.process_traps if t.id in state.traps_proposed or t.id == move.trap_id]
    texts += move.reveal_lines
    seen = state.revealed_ids()
    texts += [n.reveal_line for n in cp.situational_needs if n.id in seen]
    texts += [s.reveal_line for s in cp.stakeholders if s.id in seen]
    texts += [a.concede_line for a in cp.alternatives if a.id in seen]
    texts += [text for speaker, text in history if speaker == "trainee"]
    return texts


def hidden_numbers(scenario: Scenario, state: DealState, move: Move) -> set[float]:
    """Reservation values the engine has not released (the secrets a line must never contain)."""
    released = {v for vals in state.released_values.values() for v in vals} | set(move.releases.values())
    return {i.counterparty_reservation for i in scenario.issues if i.counterparty_reservation not in released}


def allowed_numbers(
    scenario: Scenario, state: DealState, move: Move, history: Iterable[tuple[str, str]]
) -> set[float]:
    """Numbers a line may contain: released terms, public text, the trainee's own numbers, small counts."""
    allowed = set(move.releases.values()) | {v for vals in state.released_values.values() for v in vals}
    allowed |= {v for v in state.trainee_positions.values() if v is not None}
    for text in _public_texts(scenario, state, move, history):
        allowed |= set(numbers_in(text))
    allowed |= {float(n) for n in SMALL_OK}
    hidden = hidden_numbers(scenario, state, move)
    return {a for a in allowed if not any(_close(a, h) for h in hidden) or a in move.releases.values()}


IMPERATIVE = re.compile(
    r"^\W*(?:admit|state|say|propose|hold|make|point out|turn|accept their|confirm the|draft|private note|"
    r"only \w+ speaks|numbers to say|reply with|no other numbers)\b",
    re.I,
)
ECHO_WORDS = 6


def _words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped, for echo comparison."""
    return re.findall(r"[a-z0-9']+", text.lower())


def echoes(text: str, sources: Sequence[str]) -> bool:
    """True when the line opens by repeating the trainee's words back (a small model's failure mode)."""
    head = _words(text)[:ECHO_WORDS]
    if len(head) < ECHO_WORDS:
        return False
    needle = " " + " ".join(head) + " "
    return any(needle in " " + " ".join(_words(src)) + " " for src in sources)


def could_echo(text: str, sources: Sequence[str]) -> bool:
    """True while the opening words so far could still turn into an echo of the trainee (so: hold them back)."""
    head = _words(text)[:ECHO_WORDS]
    if not head or len(head) >= ECHO_WORDS:
        return False
    needle = " " + " ".join(head) + " "
    return any(needle in " " + " ".join(_words(src)) + " " for src in sources)


def prefix_problems(
    text: str,
    allowed: set[float],
    persona_name: str,
    complete: bool = False,
    echo_sources: Sequence[str] = (),
) -> list[str]:
    """Problems visible in a (possibly partial) line; a trailing number is checked only once complete."""
    problems = []
    if IMPERATIVE.search(text):
        problems.append("instruction_echo")
    if echoes(text, echo_sources):
        problems.append("echo")
    if LIST_LINE.search(text):
        problems.append("list")
    if STAGE.search(text) or text.lstrip().startswith(("*", "(", "[")):
        problems.append("narration")
    if META.search(text):
        problems.append("out_of_character")
    if _speaker_label(text, persona_name):
        problems.append("speaker_label")
    if _third_person(text, persona_name):
        problems.append("third_person")
    body = text if complete else re.sub(r"[\d.,]+$", "", text)
    if any(not any(_close(n, a) for a in allowed) for n in numbers_in(body)):
        problems.append("unreleased_number")
    return problems


def _speaker_label(text: str, persona_name: str) -> bool:
    """'Marta: ...' or 'Assistant: ...' at the start of a line: a script, not speech."""
    names = [re.escape(w.lower()) for w in (persona_name, *persona_name.split()[:1], *LABEL_WORDS) if w]
    return bool(re.search(rf"^\s*\**\s*(?:{'|'.join(names)})\s*\**\s*:", text, re.I | re.M))


def _third_person(text: str, persona_name: str) -> bool:
    """Narration about the persona ('Marta leans back', 'She says') rather than speech by it."""
    first = persona_name.split()[0] if persona_name.split() else persona_name
    start = text.lstrip().lower()
    if re.match(rf"(?:{re.escape(first.lower())}|{re.escape(persona_name.lower())}|she|he)\b", start):
        return True
    return bool(
        re.search(rf"\b{re.escape(first)}\s+(?:says|said|replies|replied|smiles|nods|leans)\b", text, re.I)
    )


def line_problems(
    text: str, move: Move, allowed: set[float], persona_name: str, echo_sources: Sequence[str] = (),
    state: DealState | None = None,
) -> list[str]:
    """Every guardrail on a finished line (with `state`, the fit to the deal as well)."""
    problems = prefix_problems(text, allowed, persona_name, complete=True, echo_sources=echo_sources)
    if state is not None:
        problems += voice_problems(text, move, state)
    words = len(text.split())
    if words > MAX_WORDS:
        problems.append("too_long")
    if words < MIN_WORDS:
        problems.append("too_short")
    if missing_numbers(text, move):
        problems.append("missing_numbers")
    if missing_reveals(text, move):
        problems.append("missing_reveal")  # the trainee earned it: a line without it loses the reward
    return problems


# ----------------------------------------------------------------- fit to the deal: checks on meaning, both voices

POSITIVE_ACK = re.compile(
    r"^\W*(?:good|great|glad|perfect|excellent|wonderful|brilliant|fantastic|lovely|love|happy to hear|"
    r"(?:i'm|i am|we're|we are) (?:glad|pleased|happy|delighted)|agreed)\b",
    re.I,
)
SAME_PAGE = re.compile(r"\b(?:same page|on the same wavelength|we(?:'re| are) aligned)\b", re.I)
REFUSALS = frozenset({"reject", "hold", "slow_down", "anchor_against_alternative"})
MOVE_CLAIM = re.compile(
    r"\b(?:(?:i|we) can (?:now )?(?:move|come (?:down |up )?to|go (?:up |down )?to|improve|meet you)|"
    r"(?:i'm|i am|we're|we are) (?:ready|willing|able) to move|here's what i can do|in return i can|"
    r"meet you (?:part|half)way)\b",
    re.I,
)
ONLY_IN_RETURN = re.compile(
    r"\bonly (?:move|budge|give)\b[^.?!]*\b(?:in return|in exchange|back)\b|\bgive me something back\b", re.I
)
NO_RUSH = re.compile(r"\bno (?:rush|hurry)\b|\bin no (?:rush|hurry)\b|\btake (?:all )?the time you need\b", re.I)
KNOWN_FACT_QUESTIONS = {
    "timeline": re.compile(r"\b(?:when|how soon|by when|deadline|timeline|timing|time ?frame)\b", re.I),
    "alternatives": re.compile(r"\b(?:otherwise|alternatives?|fallback|other options?|plan b)\b", re.I),
}


OPEN_QUESTION = re.compile(r"^\W*(?:when|how|what|which|where|would|do|does|did|are|is|have|has|can|could)\b", re.I)


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def _questions(text: str) -> list[str]:
    """The sentences of a line that ask something."""
    return [s for s in SENTENCE_BREAK.split(text) if s.rstrip().endswith("?")]


def voice_problems(text: str, move: Move, state: DealState, complete: bool = True) -> list[str]:
    """Does the line fit what just happened? An acknowledgement that fits the trainee's turn, no movement claimed
    on a hold, no question about a fact the trainee gave, no 'no rush' from a side that said it wanted speed.
    `state` is the state the move produced (the trainee's turn events, the move's stance)."""
    problems = []
    refusal = (move.kind.value in REFUSALS and move.tactic != "settled") or state.events.rejected
    if refusal and move.kind.value not in ("accept", "close") and (
        POSITIVE_ACK.search(text) or SAME_PAGE.search(text)
    ):
        problems.append("ack_mismatch")
    if ONLY_IN_RETURN.search(text) and state.trainee_concessions():
        problems.append("ack_mismatch")  # "I only move in return" to a trainee who has already moved
    if not move.moved and move.kind.value not in ("accept", "close", "open") and MOVE_CLAIM.search(text):
        problems.append("hold_as_move")
    if state.stance.hurried and NO_RUSH.search(text):
        problems.append("stance_contradiction")
    asked = _questions(text)
    if not complete:  # a question still being spoken: stop at its first words, before they reach the trainee
        tail = SENTENCE_BREAK.split(text)[-1]
        if OPEN_QUESTION.match(tail):
            asked.append(tail)
    for fact in state.disclosed:
        pattern = KNOWN_FACT_QUESTIONS.get(fact)
        if pattern is not None and any(pattern.search(q) for q in asked):
            problems.append(f"asked_known:{fact}")
    return problems


REVEAL_OVERLAP = 0.4  # share of a reveal's distinctive words a paraphrase must keep
STOPWORDS = {"that", "this", "with", "have", "been", "they", "them", "their", "about", "what", "when", "will", "would",
             "there", "from", "into", "your", "just", "also", "than", "then", "were", "which", "some", "more"}


def missing_reveals(text: str, move: Move) -> list[str]:
    """Reveal lines the move earned that the voiced line left out (judged by their distinctive words)."""
    said = set(_words(text))
    out = []
    for line in move.reveal_lines:
        key = [w for w in _words(line) if len(w) > 3 and w not in STOPWORDS]
        if key and sum(w in said for w in key) / len(key) < REVEAL_OVERLAP:
            out.append(line)
    return out


def missing_numbers(text: str, move: Move) -> list[str]:
    """Issues whose value the line should state but does not."""
    found = numbers_in(text)
    return [
        i for i in move.mentions if i in move.releases and not any(_close(move.releases[i], n) for n in found)
    ]

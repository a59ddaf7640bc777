"""Voice: turn the engine's chosen move into the counterparty's words, by templates or by an LLM.

Both realizers expose `.stream(move, state, scenario, history) -> Iterator[str]`, where `history` is a list of
(speaker, text) pairs ending with the trainee's latest message. After a stream ends, `.last_meta` says which
voice produced it, how many attempts it took, and whether it fell back or was repaired.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.messages import BaseMessage

from trainer.config import redact
from trainer.domain.deal import DealState
from trainer.engine.policy import Move
from trainer.llm.chat import DEADLINE_OPTION, LLMUnavailable, token_counter
from trainer.llm.protocol import ChatModel, ChatReply
from trainer.scenarios.schema import Scenario
from trainer.voice.guardrails import (
    MAX_WORDS,
    SENTENCE_BREAK,
    allowed_numbers,
    could_echo,
    line_problems,
    missing_numbers,
    missing_reveals,
    prefix_problems,
    voice_problems,
)
from trainer.voice.movecard import build_messages
from trainer.voice.phrasebook import draft_line, terms_text, with_reveals

log = logging.getLogger(__name__)
History = Sequence[tuple[str, str]]
WORD_END = re.compile(r"\S+(?=\s)")  # a word is complete once whitespace follows it
QUOTES = "\"“”'"
FIRST_EMIT_WORDS = 1
LAG_WORDS = 1  # each word waits for the next: a label ("Claire Dumont:"), "as an AI" and the like end on it
STARTERS = {"as", "an", "the", "my", "move", "system", "language", "in", "private", "numbers", "no", "reply", "only"}
# Words a phrase cannot end on: a line cut off after one ('your move on the cap to') reads as broken text.
DANGLING = {"to", "at", "on", "of", "for", "and", "or", "the", "a", "an", "with", "from", "by", "in"}
DANGLING_END = re.compile(rf"\b(?:{'|'.join(sorted(DANGLING))})$", re.I)
CLAUSE_MARK = re.compile(r"[,;:](?=\s)")  # '1,200' is a number, not a clause boundary
SENTENCE_MARK = re.compile(r"[.!?…](?=\s|$)")
MIN_SPOKEN_WORDS = 5  # a cut-off line shorter than this gets the template line after it
NOTES_KEPT = 4096  # cards remembered for prefix reuse, across sessions


def _trainee_lines(history: History) -> list[str]:
    """What the trainee has said: the voice must not parrot it back."""
    return [text for speaker, text in history if speaker == "trainee"]


class TemplateRealizer:
    """Instant, deterministic, always available: the persona's phrase bank filled from the move."""

    def __init__(self) -> None:
        self.last_meta: dict[str, Any] = {}

    def text(self, move: Move, state: DealState, scenario: Scenario) -> str:
        """The whole line at once."""
        return with_reveals(draft_line(move, state, scenario), move)

    def stream(
        self, move: Move, state: DealState, scenario: Scenario, history: History = ()
    ) -> Iterator[str]:
        """Yield the line sentence by sentence."""
        self.last_meta = {"realizer": "template", "attempts": 1, "fallback": False}
        parts = SENTENCE_BREAK.split(self.text(move, state, scenario))
        for n, part in enumerate(parts):
            yield part if n == len(parts) - 1 else part + " "


class _Guard:
    """Streams only text that has passed the guardrails, clause by clause."""

    def __init__(
        self, allowed: set[float], name: str, echo_sources: Sequence[str] = (),
        fit: tuple[Move, DealState] | None = None,
    ) -> None:
        self.allowed, self.name, self.echo_sources = allowed, name, list(echo_sources)
        self.fit = fit  # the move and state the line must fit (acknowledgement, stance, no re-asking)
        self.raw = ""
        self.emitted = ""
        self.problems: list[str] = []
        self.cut_short = False  # the model stopped mid-phrase and its dangling tail was dropped

    def _check(self, text: str, complete: bool) -> list[str]:
        """Every rule a (possibly partial) line must keep: the guardrails, and its fit to the move and state."""
        problems = prefix_problems(text, self.allowed, self.name, complete=complete, echo_sources=self.echo_sources)
        if self.fit is not None:
            problems += voice_problems(text, *self.fit, complete=complete)
        return problems

    def view(self) -> str:
        """The raw text without wrapping quotes or leading space."""
        return self.raw.lstrip().lstrip(QUOTES)

    def feed(self, chunk: str) -> str | None:
        """Add model text; return newly safe text ('' if none yet), or None once a rule is broken."""
        self.raw += chunk
        text = self.view()
        self.problems = self._check(text, complete=False)
        if self.problems:
            return None
        cut = self._safe_cut(text)
        if cut <= len(self.emitted):
            return ""
        new, self.emitted = text[len(self.emitted) : cut], text[:cut]
        return new

    def _safe_cut(self, text: str) -> int:
        """How much may be shown: whole words, all but the newest, once the opening can no longer go wrong."""
        words = list(WORD_END.finditer(text))
        if len(words) < FIRST_EMIT_WORDS + LAG_WORDS or could_echo(text[: words[-1].end()], self.echo_sources):
            return 0
        keep = len(words) - LAG_WORDS
        while keep > 0 and _held(words[keep - 1].group(0)):
            keep -= 1  # 'as', 'the', 'move'...: wait for the word that says whether it is a giveaway
        return words[keep - 1].end() if keep else 0

    def _drop_dangling(self, text: str) -> str:
        """A line the model stopped in mid-phrase ('...cap to') goes back to its last clause or sentence end.

        Never back past what was already shown: streamed text cannot be unsaid (and it never ends on such a word).
        """
        if not DANGLING_END.search(text):
            return text
        floor = len(self.emitted)
        tail = text[floor:]
        ends = [m.end() for m in SENTENCE_MARK.finditer(tail)] + [m.start() for m in CLAUSE_MARK.finditer(tail)]
        cut = max([0, *ends])
        self.cut_short = True
        return text[: floor + cut].rstrip()

    def finish(self) -> str | None:
        """The rest of the line once the model stops, or None if the ending breaks a rule."""
        text = self.view().rstrip().rstrip(QUOTES).rstrip()
        self.problems = self._check(text, complete=True)
        if self.problems:
            return None
        text = self._drop_dangling(text)
        if len(text) <= len(self.emitted):
            return ""
        new, self.emitted = text[len(self.emitted) :], text
        return new

    def salvage(self) -> str:
        """After a broken rule: the rest of the last whole sentence before it, when that sentence passes every
        check (so a line cut at a bad question still ends on the sentence that came before it)."""
        text = self.view()
        ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", text) if m.end() > len(self.emitted)]
        if not ends:
            return ""
        head = text[: ends[-1]]
        if self._check(head, complete=True):
            return ""
        new, self.emitted = head[len(self.emitted):], head
        return new

    def too_long(self) -> bool:
        """Stop the model once the line is clearly past the length bound."""
        return len(self.raw.split()) > MAX_WORDS


def _held(word: str) -> bool:
    """A word the stream waits past: a possible giveaway opener ('as', 'system') or one a phrase cannot end on."""
    return word.lower().strip(",;:") in STARTERS or word.lower() in DANGLING


class LLMRealizer:
    """The LLM voices a move card in persona; guardrails stream-check it, retry once, then fall back."""

    def __init__(
        self,
        model: ChatModel,
        n_ctx: int = 4096,
        reply_tokens: int = 256,
        counter: Callable[[str], int] | None = None,
        fallback: TemplateRealizer | None = None,
        max_reply_tokens: int = 120,
        turn_deadline: float | None = None,
    ) -> None:
        self.model = model
        # Seconds for the whole turn, both attempts included (LEVERAGE_LLM_TIMEOUT): a retry after a broken first
        # reply gets only what is left, so a turn never waits twice the deadline.
        self.turn_deadline = turn_deadline
        self.max_reply_tokens = max_reply_tokens  # a spoken line needs far less; caps time per turn
        self.n_ctx = n_ctx
        self.reply_tokens = reply_tokens
        self._counter = counter
        self.fallback = fallback or TemplateRealizer()
        self.last_meta: dict[str, Any] = {}
        self._notes: dict[tuple[tuple[str, str], ...], str] = {}  # dialogue up to a trainee line -> card sent

    def _notes_for(self, history: History) -> dict[int, str]:
        """The cards sent after earlier trainee lines of this very conversation, by position."""
        found = {}
        for i, (speaker, _) in enumerate(history):
            note = self._notes.get(tuple(history[: i + 1])) if speaker == "trainee" else None
            if note is not None:
                found[i] = note
        return found

    def _remember(self, history: History, card: str) -> None:
        """Keep the card that answered this line, so later prompts repeat it and the cached prefix holds."""
        if history and history[-1][0] == "trainee":
            if len(self._notes) >= NOTES_KEPT:
                self._notes.pop(next(iter(self._notes)))
            self._notes[tuple(history)] = card

    def count(self, text: str) -> int:
        """Tokens as the model counts them (its own tokenizer locally, tiktoken remotely)."""
        if self._counter is None:
            self._counter = token_counter(self.model)
        return self._counter(text)

    def budget(self) -> int:
        """Prompt tokens available: the context minus the reply and a safety margin."""
        return self.n_ctx - self.reply_tokens - 64

    def stream(
        self, move: Move, state: DealState, scenario: Scenario, history: History = ()
    ) -> Iterator[str]:
        """Yield guarded text; on a broken first attempt retry once, then voice the template instead."""
        history = list(history)
        allowed = allowed_numbers(scenario, state, move, history)
        meta: dict[str, Any] = {
            "realizer": "llm",
            "attempts": 0,
            "fallback": False,
            "repaired": False,
            "problems": [],
            "raw": [],
            "truncated": False,
        }
        self.last_meta = meta
        started = time.monotonic()
        retry: list[str] = []
        notes = self._notes_for(history)
        for attempt in (1, 2):
            left = self._time_left(started)
            if left is not None and left <= 0:
                meta["problems"].append("deadline")  # no time for a second attempt: the template voice answers
                break
            meta["attempts"] = attempt
            messages, dropped = build_messages(
                move, state, scenario, history, self.budget(), self.count, retry, notes
            )
            meta["dropped_messages"] = dropped
            self._remember(history, str(messages[-1].content))
            guard = _Guard(allowed, scenario.counterparty.name, _trainee_lines(history), fit=(move, state))
            try:
                yield from self._attempt(messages, guard, meta, started, left)
            except Exception as exc:  # noqa: BLE001 - any model failure falls back to the template voice
                if isinstance(exc, LLMUnavailable) and not guard.emitted:
                    raise  # endpoint down or past its deadline before a word: the caller keeps the turn pending
                log.warning("LLM voice failed: %s", redact(exc))
                meta["problems"].append(f"error:{type(exc).__name__}")
                meta["error"] = redact(exc)  # kept with the turn: never a credential
                meta["raw"].append(guard.raw)
                if guard.emitted:
                    yield from self._complete(guard, move, state, scenario, meta)
                    return
                break
            meta["raw"].append(guard.raw)
            if guard.emitted:
                yield from self._complete(guard, move, state, scenario, meta)
                return
            retry = guard.problems or ["empty"]
            meta["problems"].extend(retry)
        yield from self._fall_back(move, state, scenario, meta)

    def _time_left(self, started: float) -> float | None:
        """Seconds left of this turn's deadline (None: no turn deadline)."""
        return None if self.turn_deadline is None else self.turn_deadline - (time.monotonic() - started)

    def _pieces(self, messages: list[BaseMessage], left: float | None = None) -> Iterator[ChatReply]:
        """The model's reply as it comes; a model that cannot stream answers in one piece. `left` caps the call's
        own deadlines by what remains of the turn."""
        options: dict[str, Any] = {"max_tokens": self.max_reply_tokens, "stop": ["\n\n"]}
        if left is not None:
            options[DEADLINE_OPTION] = left
        if self.model.streams:
            yield from self.model.stream(messages, **options)
        else:
            yield self.model.invoke(messages, **options)

    def _attempt(
        self, messages: list[BaseMessage], guard: _Guard, meta: dict[str, Any], started: float,
        left: float | None = None,
    ) -> Iterator[str]:
        """Stream one model attempt through the guard; stop at the first broken rule."""
        for chunk in self._pieces(messages, left):
            meta.setdefault("ttft_model", round(time.monotonic() - started, 3))
            safe = guard.feed(str(chunk.content))
            if safe is None:
                meta["truncated"] = bool(guard.emitted)
                if guard.emitted:
                    meta["problems"].extend(guard.problems)
                    rest = guard.salvage()
                    if rest:
                        yield rest
                return
            if safe:
                meta.setdefault("ttft", round(time.monotonic() - started, 3))
                yield safe
            if guard.too_long():
                meta["truncated"] = True
                return
        rest = guard.finish()
        if rest:
            meta.setdefault("ttft", round(time.monotonic() - started, 3))
            yield rest

    def _complete(
        self, guard: _Guard, move: Move, state: DealState, scenario: Scenario, meta: dict[str, Any]
    ) -> Iterator[str]:
        """Close a streamed line: end the sentence, add any earned reveal or number of the move it left out.

        A line cut off after a word or two reads as a false start, so the template line follows it. One cut off in
        mid-phrase trails off ('…') rather than ending as if whole, so a repair sentence after it reads as one.
        """
        text = guard.emitted
        if len(text.split()) < MIN_SPOKEN_WORDS:
            joint = " " if text.rstrip()[-1:] in ".!?" else "… "
            rest = joint + self.fallback.text(move, state, scenario)
            meta["repaired"] = True
            text += rest
            yield rest
        elif text.rstrip()[-1:] not in ".!?…":
            cut = guard.cut_short or meta["truncated"] or text.rstrip()[-1:] in ",;:"
            end = "…" if cut else "."
            text += end
            yield end
        for reveal in missing_reveals(text, move):
            meta["repaired"] = True
            text += " " + reveal
            yield " " + reveal
        missing = missing_numbers(text, move)
        if missing:
            fix = f" To be precise: {terms_text(move, scenario, missing)}."
            meta["repaired"] = True
            text += fix
            yield fix
        meta["final_problems"] = line_problems(
            text.strip(), move, guard.allowed, guard.name, guard.echo_sources, state
        )
        meta["text"] = text.strip()

    def _fall_back(
        self, move: Move, state: DealState, scenario: Scenario, meta: dict[str, Any]
    ) -> Iterator[str]:
        """Both attempts failed before a word was safe: the template voice answers, and the metadata says so."""
        meta.update(realizer="template", fallback=True)
        meta.setdefault("ttft", None)
        text = self.fallback.text(move, state, scenario)
        meta["text"] = text
        meta["final_problems"] = []
        yield text

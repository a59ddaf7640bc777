"""Reading transcripts (JSON or `Name: text` lines) into turns, with limits that fail with one clear line."""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

MAX_TURNS = 500
MAX_BYTES = 1_000_000
MAX_INT_CHARS = 100  # no transcript needs a longer integer; Python refuses to convert 4,300+ digits
DEFAULT_TRAINEE_NAMES = ("trainee", "me", "you")
LINE = re.compile(r"^\s*(?:\[[^\]]{0,20}\]\s*)?(?P<name>[^:\n]{1,40}?)\s*:\s?(?P<text>.*)$")


class TranscriptError(ValueError):
    """Bad transcript input; the message is one line meant for the user."""


class Turn(BaseModel):
    """One line of dialogue: who spoke (trainee or counterparty), what they said, and the name used, if any."""

    model_config = ConfigDict(extra="forbid")

    speaker: Literal["trainee", "counterparty"]
    text: str
    name: str | None = None


def _check_size(text: str) -> None:
    """Refuse input over the byte limit before any parsing work."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise TranscriptError(f"transcript is larger than {MAX_BYTES // 1_000_000} MB")


def _check_turns(turns: list[Turn]) -> list[Turn]:
    """Enforce the turn limit and the presence of at least one trainee turn."""
    if not turns:
        raise TranscriptError("transcript has no turns")
    if len(turns) > MAX_TURNS:
        raise TranscriptError(f"transcript has {len(turns)} turns; the limit is {MAX_TURNS}")
    if not any(t.speaker == "trainee" for t in turns):
        raise TranscriptError("transcript has no trainee turns (use --trainee NAME to say who the trainee is)")
    return turns


def _speaker_of(raw: object, trainee: str | None, index: int) -> Literal["trainee", "counterparty"]:
    """Map a JSON speaker value onto trainee/counterparty or fail naming the turn."""
    name = str(raw).strip().lower() if isinstance(raw, str) else ""
    if name == "trainee" or (trainee and name == trainee.strip().lower()):
        return "trainee"
    if name == "counterparty" or (trainee and name and name not in DEFAULT_TRAINEE_NAMES):
        return "counterparty"
    raise TranscriptError(f"turn {index}: unknown speaker {_shown(raw)} (expected 'trainee' or 'counterparty')")


def _shown(value: object, limit: int = 40) -> str:
    """A JSON value for a message: strings quoted and cut, anything else named by its type (never str() of a deep
    structure)."""
    return repr(value[:limit]) if isinstance(value, str) else type(value).__name__


def parse_json(data: object, trainee: str | None = None) -> list[Turn]:
    """Turns from a decoded JSON object with a `turns` list; other top-level keys are ignored."""
    items = data.get("turns") if isinstance(data, dict) else data if isinstance(data, list) else None
    if not isinstance(items, list):
        raise TranscriptError("JSON transcript must be an object with a 'turns' list")
    turns: list[Turn] = []
    for i, item in enumerate(items[: MAX_TURNS + 1]):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise TranscriptError(f"turn {i}: expected an object with 'speaker' and 'text' strings")
        speaker = _speaker_of(item.get("speaker"), trainee, i)
        name = item.get("speaker")
        turns.append(Turn(speaker=speaker, text=item["text"], name=name[:80] if isinstance(name, str) else None))
    if len(items) > MAX_TURNS:
        raise TranscriptError(f"transcript has {len(items)} turns; the limit is {MAX_TURNS}")
    return turns


def parse_plain(text: str, trainee: str | None = None) -> list[Turn]:
    """Turns from `Name: text` lines; unlabelled lines continue the previous turn."""
    wanted = {trainee.strip().lower()} if trainee else set(DEFAULT_TRAINEE_NAMES)
    turns: list[Turn] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = LINE.match(line)
        if m and m.group("name").strip():
            name = m.group("name").strip()
            speaker = "trainee" if name.lower() in wanted else "counterparty"
            turns.append(Turn(speaker=speaker, text=m.group("text").strip(), name=name))
        elif turns:
            turns[-1] = turns[-1].model_copy(update={"text": f"{turns[-1].text}\n{line.strip()}".strip()})
        else:
            raise TranscriptError(f"line {number}: expected 'Name: text'")
        if len(turns) > MAX_TURNS:
            raise TranscriptError(f"transcript has more than {MAX_TURNS} turns")
    return turns


def _bounded_int(text: str) -> int:
    """JSON integers as Python ints, refusing the absurd ones before Python's 4,300-digit limit raises."""
    if len(text) > MAX_INT_CHARS:
        raise TranscriptError(f"invalid JSON: a number has {len(text)} digits; the limit is {MAX_INT_CHARS}")
    return int(text)


def _load_json(text: str) -> object:
    """Decode JSON, with every way it can fail as one TranscriptError line."""
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"invalid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise TranscriptError("invalid JSON: too deeply nested") from None


def parse_transcript(text: str, trainee: str | None = None) -> list[Turn]:
    """Turns from raw input: JSON when it looks like JSON, otherwise `Name: text` lines."""
    _check_size(text)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise TranscriptError("transcript is empty")
    if stripped[0] in "{[":
        return _check_turns(parse_json(_load_json(stripped), trainee))
    return _check_turns(parse_plain(stripped, trainee))


def read_source(path: str, stdin_text: str | None = None) -> str:
    """The transcript text from a path or '-' (stdin), refusing binaries and oversize files with one line."""
    if path == "-":
        return stdin_text or ""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TranscriptError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise TranscriptError(f"transcript is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranscriptError(f"{path} is not UTF-8 text") from None

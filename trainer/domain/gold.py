"""The gold-transcript format (evals/gold/README.md) as a strict model, so labels written by instructors
(`trainer instructor export-labels`) and read by `trainer eval evaluator --labels FILE` obey the same rules as the
hand-written gold set.

Rules checked beyond the field types: all five mistakes are labelled; `present` is true exactly when
`evidence_turns` is non-empty; evidence turns are indexes of trainee turns; a mistake in `hard_negative_for` is
labelled absent. A file holds one document, a JSON list of them, or JSON Lines (one per line); an error names the
file, the document and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trainer.domain.mistakes import MISTAKE_IDS, MistakeId
from trainer.domain.transcripts import Turn

INSTRUCTOR_SPLIT = "instructor"  # labels from the calibration workbench: never mixed into dev, train or heldout


class GoldFormatError(ValueError):
    """A labels file that does not follow the gold format; the message names the file, document and field."""


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")

    present: bool
    evidence_turns: list[int] = Field(default_factory=list)


class GoldTranscript(BaseModel):
    """One labelled transcript."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    domain: str = ""
    split: str
    turns: list[Turn] = Field(min_length=1)
    labels: dict[MistakeId, Label]
    hard_negative_for: list[MistakeId] = Field(default_factory=list)
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> GoldTranscript:
        """The README's rules: five labels, evidence exactly when present, evidence on trainee turns only."""
        missing = [m for m in MISTAKE_IDS if m not in self.labels]
        if missing:
            raise ValueError(f"labels: missing {', '.join(missing)}")
        for mistake, label in self.labels.items():
            if label.present != bool(label.evidence_turns):
                raise ValueError(f"labels.{mistake}: present must be true exactly when evidence_turns is non-empty")
            for turn in label.evidence_turns:
                if not 0 <= turn < len(self.turns) or self.turns[turn].speaker != "trainee":
                    raise ValueError(f"labels.{mistake}.evidence_turns: {turn} is not a trainee turn")
        for mistake in self.hard_negative_for:
            if self.labels[mistake].present:
                raise ValueError(f"hard_negative_for: {mistake} is labelled present")
        return self


def _documents(text: str, path: Path) -> Iterator[tuple[str, object]]:
    """(where, parsed JSON) for each document in the file: a list, one object, or JSON Lines."""
    stripped = text.strip()
    try:
        whole = json.loads(stripped) if stripped else []
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        yield from ((f"{path}: document {n}", doc) for n, doc in enumerate(whole, start=1))
        return
    if isinstance(whole, dict):
        yield f"{path}", whole
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield f"{path}: line {n}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldFormatError(f"{path}: line {n}: not JSON ({exc.msg})") from None


def load_gold_file(path: Path) -> list[GoldTranscript]:
    """Every document in a labels file, validated; GoldFormatError names the file, document and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"{path}: cannot read ({exc})") from None
    out: list[GoldTranscript] = []
    for where, doc in _documents(text, path):
        try:
            out.append(GoldTranscript.model_validate(doc))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "document"
            raise GoldFormatError(f"{where}: {field}: {first['msg']}") from None
    if not out:
        raise GoldFormatError(f"{path}: no labelled transcripts")
    return out

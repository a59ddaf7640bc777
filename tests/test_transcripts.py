"""Transcript parsing: JSON and `Name: text`, and the limits that fail with one clear line."""

from __future__ import annotations

import json

import pytest

from trainer.domain.transcripts import MAX_TURNS, TranscriptError, parse_transcript, read_source


def test_json_turns_and_ignored_keys() -> None:
    text = json.dumps({"id": "x", "turns": [{"speaker": "counterparty", "text": "Hi"}, {"speaker": "trainee", "text": "Hello"}]})
    turns = parse_transcript(text)
    assert [(t.speaker, t.text) for t in turns] == [("counterparty", "Hi"), ("trainee", "Hello")]


def test_plain_text_default_trainee_names() -> None:
    turns = parse_transcript("Dana: We need 10% off.\nMe: Why ten?\nDana: Budget.\n  and volume too\n")
    assert [t.speaker for t in turns] == ["counterparty", "trainee", "counterparty"]
    assert turns[2].text == "Budget.\nand volume too"


def test_plain_text_named_trainee() -> None:
    turns = parse_transcript("Alex: Hi\nSam: Hello", trainee="sam")
    assert [t.speaker for t in turns] == ["counterparty", "trainee"]


def test_json_with_named_trainee_maps_other_names_to_counterparty() -> None:
    text = json.dumps({"turns": [{"speaker": "Dana", "text": "Hi"}, {"speaker": "Sam", "text": "Hello"}]})
    assert [t.speaker for t in parse_transcript(text, trainee="Sam")] == ["counterparty", "trainee"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{not json", "invalid JSON"),
        (json.dumps({"turns": "nope"}), "'turns' list"),
        (json.dumps({"turns": [{"speaker": "coach", "text": "hi"}]}), "unknown speaker"),
        (json.dumps({"turns": [{"speaker": "counterparty", "text": "hi"}]}), "no trainee turns"),
        (json.dumps({"turns": [{"speaker": "trainee"}]}), "expected an object"),
        ("Dana: hi\nAlex: hello", "no trainee turns"),
        ("just some words without a speaker", "expected 'Name: text'"),
        ("", "empty"),
        (json.dumps({"turns": [{"speaker": "trainee", "text": "x"}] * (MAX_TURNS + 1)}), "limit is 500"),
        ("x" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_errors_are_one_clear_line(text: str, needle: str) -> None:
    with pytest.raises(TranscriptError) as info:
        parse_transcript(text)
    message = str(info.value)
    assert needle in message and "\n" not in message


def test_plain_text_turn_limit() -> None:
    text = "\n".join(f"me: line {i}" for i in range(MAX_TURNS + 2))
    with pytest.raises(TranscriptError, match="more than 500"):
        parse_transcript(text)


def test_read_source_errors(tmp_path) -> None:
    with pytest.raises(TranscriptError, match="cannot read"):
        read_source(str(tmp_path / "missing.json"))
    binary = tmp_path / "bin.dat"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(TranscriptError, match="not UTF-8"):
        read_source(str(binary))
    assert read_source("-", "me: hi") == "me: hi"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"turns": [' + "9" * 5000 + "]}", "a number has 5000 digits; the limit is 100"),
        ('{"n": -' + "9" * 4301 + ', "turns": []}', "a number has 4302 digits"),
        ('{"turns": [{"speaker": ' + "1" * 50 + ', "text": "x"}]}', "unknown speaker int"),
        ('{"turns": [{"speaker": ' + "[" * 50 + "]" * 50 + ', "text": "x"}]}', "unknown speaker list"),
        ("[" * 100_000, "invalid JSON: too deeply nested"),
    ],
)
def test_huge_numbers_and_odd_values_in_json_are_one_line(text: str, needle: str) -> None:
    """Integers over Python's 4,300-digit limit used to raise ValueError out of json.loads (issue 16)."""
    with pytest.raises(TranscriptError) as info:
        parse_transcript(text)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_numbers_in_json_that_are_not_turns_are_ignored() -> None:
    turns = parse_transcript('{"score": 1e999, "n": ' + "9" * 100 + ', "turns": [{"speaker": "trainee", "text": "hi"}]}')
    assert [t.text for t in turns] == ["hi"]

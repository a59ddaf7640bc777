"""`trainer ask`, `trainer ingest`, `trainer eval retrieval` and `trainer bench retrieval` end to end, offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trainer.cli import app
from trainer.coaching.knowledge import default_notes_dir

runner = CliRunner()
SAMPLE = ("keep-your-deadline", "hold-the-pen", "weak-fallback-anchors-you", "organisation-not-one-voice")


@pytest.fixture
def small_notes(tmp_settings, tmp_path, monkeypatch) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    for note_id in SAMPLE:
        shutil.copy(default_notes_dir() / f"{note_id}.md", notes)
    monkeypatch.setenv("LEVERAGE_KNOWLEDGE_DIR", str(notes))
    return notes


def test_ask_prints_results_json(small_notes):
    result = runner.invoke(app, ["ask", "they want to send their contract template", "--json", "-k", "2"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    first = payload["results"][0]
    assert set(first) == {"note_id", "title", "source", "tags", "text", "score"}
    assert first["note_id"] == "hold-the-pen" and len(payload["results"]) == 2


def test_ask_filters_by_mistake_and_rejects_unknown_ids(small_notes):
    result = runner.invoke(app, ["ask", "what now?", "--mistake", "weak_alternative"])
    assert [r["note_id"] for r in json.loads(result.stdout)["results"]] == ["weak-fallback-anchors-you"]
    bad = runner.invoke(app, ["ask", "what now?", "--mistake", "no_such_mistake"])
    assert bad.exit_code == 2


def test_ingest_reports_each_file(small_notes, tmp_path):
    good = tmp_path / "memo.md"
    good.write_text("# Memo\n\nConfirm the forecast in writing before quoting.")
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not a pdf")
    result = runner.invoke(app, ["ingest", str(good), str(bad), str(tmp_path / "photo.jpg")])
    assert result.exit_code == 0, result.output
    assert f"added    {good}" in result.stdout and f"failed   {bad}: unreadable PDF" in result.stdout
    assert "1 added, 0 skipped, 2 failed" in result.stdout  # the missing .jpg fails as "no such file"


@pytest.mark.slow
def test_eval_retrieval_meets_the_target(tmp_settings):
    result = runner.invoke(app, ["eval", "retrieval", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["questions"] >= 40 and payload["recall@3"] >= 0.9 and payload["mrr"] > 0.5


def test_questions_reference_real_notes():
    from trainer.commands.knowledge import load_questions

    ids = {p.stem for p in default_notes_dir().glob("*.md")}
    questions = load_questions()
    assert len(questions) >= 40
    for item in questions:
        assert item["question"].strip() and set(item["expected"]) <= ids, item


@pytest.mark.slow
def test_bench_retrieval_prints_numbers(tmp_settings):
    result = runner.invoke(app, ["bench", "retrieval", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["notes"] >= 30 and payload["build_s"] > 0 and payload["query_ms_p50"] > 0

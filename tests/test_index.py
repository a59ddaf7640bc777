"""KnowledgeIndex over temporary Chroma directories: incremental builds, tag filters, ingestion, clients."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from trainer.coaching import index as index_module
from trainer.coaching.index import KnowledgeIndex, tag_key
from trainer.coaching.knowledge import default_notes_dir

SAMPLE = ("keep-your-deadline", "how-urgency-leaks", "hold-the-pen", "process-is-substance",
          "weak-fallback-anchors-you", "strategic-silence")


def copy_sample(target: Path) -> Path:
    """A small copy of the shipped notes, so builds stay quick."""
    target.mkdir()
    for note_id in SAMPLE:
        shutil.copy(default_notes_dir() / f"{note_id}.md", target)
    return target


def built_index(root: Path) -> KnowledgeIndex:
    ix = KnowledgeIndex(SimpleNamespace(data_dir=root / "data", chroma_url=None), notes_dir=copy_sample(root / "notes"))
    ix.build()
    return ix


@pytest.fixture
def notes_dir(index: KnowledgeIndex) -> Path:
    return index.notes_dir


@pytest.fixture
def index(tmp_path: Path) -> KnowledgeIndex:
    """A fresh index per test, for tests that change it."""
    return built_index(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    """One index for the read-only tests."""
    return built_index(tmp_path_factory.mktemp("shared"))


def test_build_then_rebuild_is_incremental(index, notes_dir):
    again = index.build()
    assert sorted(again.unchanged) == sorted(SAMPLE) and again.chunks == 0
    note = notes_dir / "strategic-silence.md"
    note.write_text(note.read_text().replace("stop talking", "stop talking entirely"))
    (notes_dir / "hold-the-pen.md").unlink()
    changed = index.build()
    assert changed.updated == ["strategic-silence"] and changed.removed == ["hold-the-pen"]
    assert len(changed.unchanged) == len(SAMPLE) - 2
    assert index.query("who writes the first draft", k=5)[0].note_id != "hold-the-pen"


def test_full_rebuild_re_embeds_everything(index):
    report = index.build(incremental=False)
    assert sorted(report.updated) == sorted(SAMPLE) and not report.added


def test_persistent_client_lives_in_the_data_dir(shared):
    status = shared.status()
    assert status["ok"] and status["backend"] == "persistent"
    assert status["location"] == str(shared.notes_dir.parent / "data" / "chroma")
    assert status["notes"] == len(SAMPLE) and status["ingested"] == 0
    assert (shared.notes_dir.parent / "data" / "chroma").is_dir()


def test_query_ranks_the_obvious_note_first(shared):
    hits = shared.query("they want us to sign their standard contract template", k=2)
    assert hits[0].note_id == "hold-the-pen"
    assert 0 < hits[0].score <= 1 and hits[0].title and hits[0].source.startswith("000_")
    assert len(hits) == 2 and len({h.note_id for h in hits}) == 2


def test_mistake_and_tag_filters(shared):
    for hit in shared.query("what should I say", k=5, mistake="urgency_signal"):
        assert "urgency_signal" in hit.tags
    both = shared.query("what should I say", k=5, mistake="urgency_signal", tags=["silence"])
    assert [h.note_id for h in both] == ["how-urgency-leaks"]
    assert shared.query("anything", k=3, tags=["closing"]) == []


def test_tags_are_stored_as_boolean_metadata(shared):
    meta = shared.collection.get(where={"note_id": "hold-the-pen"}, include=["metadatas"])["metadatas"][0]
    assert meta[tag_key("process_concession")] is True and meta["tags"] == "process_concession,process"
    assert tag_key("their-alternatives") == "tag_their_alternatives"


def test_empty_question_or_k_returns_nothing(shared):
    assert shared.query("   ", k=3) == [] and shared.query("deadline", k=0) == []


def test_ingest_reports_added_skipped_failed(index, tmp_path, monkeypatch):
    from fpdf import FPDF

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "playbook.md").write_text("# Escalation playbook\n\nWhen procurement stalls, ask the plant manager "
                                      "what a late renewal would cost the launch.")
    (docs / "memo.txt").write_text("Always confirm the volume forecast in writing.")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, "Rebate ladders: tie every rebate step to a volume commitment.")
    pdf.output(str(docs / "rebates.pdf"))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (docs / "empty.md").write_text("   \n")
    (docs / "huge.txt").write_text("x" * 5000)
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG")
    monkeypatch.setattr(index_module, "MAX_FILE_BYTES", 4000)

    report = index.ingest([docs, image, tmp_path / "missing.md"])
    assert sorted(Path(p).name for p in report.added) == ["memo.txt", "playbook.md", "rebates.pdf"]
    failed = {Path(p).name: why for p, why in report.failed}
    assert set(failed) == {"broken.pdf", "binary.txt", "empty.md", "huge.txt", "missing.md"}
    assert "unreadable PDF" in failed["broken.pdf"] and "too large" in failed["huge.txt"]
    assert [Path(p).name for p, _ in report.skipped] == ["photo.png"]

    hits = index.query("rebate tied to volume", k=1)
    assert hits[0].title == "rebates" and hits[0].source == "rebates.pdf"
    assert index.status()["ingested"] == 3
    again = index.ingest([docs / "memo.txt"])
    assert again.skipped == [(str(docs / "memo.txt"), "unchanged")]
    assert index.build().removed == []  # rebuilding notes leaves ingested material alone


def test_http_client_when_a_server_url_is_configured(monkeypatch):
    import chromadb

    calls = {}

    def fake_http_client(**kwargs):
        calls.update(kwargs)
        raise ConnectionError("no server in tests")

    monkeypatch.setattr(chromadb, "HttpClient", fake_http_client)
    ix = KnowledgeIndex(SimpleNamespace(data_dir=Path("/nonexistent"), chroma_url="https://chroma.example:9000"))
    status = ix.status()
    assert calls["host"] == "chroma.example" and calls["port"] == 9000 and calls["ssl"] is True
    assert calls["settings"].anonymized_telemetry is False
    assert status["ok"] is False and status["backend"] == "http" and "unavailable" in status["error"]


def test_module_status_uses_real_settings(tmp_settings):
    info = index_module.status()
    assert info["ok"] and info["location"] == str(tmp_settings.data_dir / "chroma")

"""The knowledge index in client-server mode: `trainer ingest` and `trainer ask` through LEVERAGE_CHROMA_URL against a
real `chroma run` server, answering exactly as the embedded index does for every retrieval question."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from server_support import SERVER_MARKS, app_env, cli_json, run_cli
from typer.testing import CliRunner

pytest_plugins = ["server_fixtures"]
pytestmark = SERVER_MARKS

MEMO = """---
title: Forecast letters before quoting
tags: [power_vs_leverage]
---
# Forecast letters before quoting

Before you quote a volume price to a much larger customer, ask their purchasing lead for a signed forecast
letter covering the first eighteen months. A quote built on a verbal forecast is a concession you cannot
take back when the volumes shrink.
"""
MEMO_QUESTION = "should I get a signed forecast letter before quoting a volume price?"


def _server_client(url: str):  # noqa: ANN202 - chromadb's client type
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url)
    return chromadb.HttpClient(host=parsed.hostname, port=parsed.port,
                               settings=ChromaSettings(anonymized_telemetry=False))


def _drop_collection(url: str) -> None:
    from trainer.coaching.index import COLLECTION

    client = _server_client(url)
    if COLLECTION in [getattr(c, "name", c) for c in client.list_collections()]:
        client.delete_collection(COLLECTION)


@pytest.fixture
def server(chroma_url: str) -> Iterator[str]:
    """The Chroma server with no knowledge collection yet (and none left behind)."""
    _drop_collection(chroma_url)
    yield chroma_url
    _drop_collection(chroma_url)


def _use(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """This process sees exactly env's LEVERAGE_* settings."""
    for name in [n for n in os.environ if n.startswith("LEVERAGE_")]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        if name.startswith("LEVERAGE_"):
            monkeypatch.setenv(name, value)


def test_ingest_and_ask_through_the_server(server: str, tmp_path: Path) -> None:
    from trainer.coaching.index import COLLECTION

    memo = tmp_path / "forecast-letters.md"
    memo.write_text(MEMO, encoding="utf-8")
    first = app_env(tmp_path / "replica-1", LEVERAGE_CHROMA_URL=server)
    done = run_cli(["ingest", str(memo)], first)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"added    {memo}" in done.stdout and "1 added, 0 skipped, 0 failed" in done.stdout

    hits = cli_json(["ask", MEMO_QUESTION, "--json", "-k", "3"], first)["results"]
    assert hits[0]["title"] == "Forecast letters before quoting", hits

    # The index lives in the server, not in the data directory: a second app process with its own, empty data
    # directory (another replica) gets the same answer.
    second = app_env(tmp_path / "replica-2", LEVERAGE_CHROMA_URL=server)
    assert cli_json(["ask", MEMO_QUESTION, "--json", "-k", "3"], second)["results"] == hits
    for env in (first, second):
        assert not (Path(env["LEVERAGE_DATA_DIR"]) / "chroma").exists()
    collection = _server_client(server).get_collection(COLLECTION)
    assert collection.count() > 50  # the shipped notes' chunks plus the memo
    assert collection.get(where={"kind": "ingested"})["ids"]


def test_ask_through_the_server_matches_the_embedded_index(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.cli import app
    from trainer.commands.knowledge import load_questions

    memo = tmp_path / "forecast-letters.md"
    memo.write_text(MEMO, encoding="utf-8")
    questions = [*load_questions(), {"question": MEMO_QUESTION, "expected": []}]
    runner = CliRunner()

    def answers(env: dict[str, str]) -> list[list[tuple[str, float]]]:
        _use(env, monkeypatch)
        ingested = runner.invoke(app, ["ingest", str(memo)])
        assert ingested.exit_code == 0, ingested.output
        out = []
        for item in questions:
            args = ["ask", item["question"], "--json", "-k", "3"]
            if item.get("mistake"):
                args += ["--mistake", item["mistake"]]
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
            out.append([(h["note_id"], h["score"]) for h in json.loads(result.stdout)["results"]])
        return out

    embedded = answers(app_env(tmp_path / "embedded"))
    served = answers(app_env(tmp_path / "served", LEVERAGE_CHROMA_URL=server))
    assert (tmp_path / "embedded" / "data" / "chroma").exists()
    assert not (tmp_path / "served" / "data" / "chroma").exists()

    assert len(served) == len(questions)
    for item, mine, theirs in zip(questions, served, embedded, strict=True):
        assert [n for n, _ in mine] == [n for n, _ in theirs], item["question"]
        assert all(abs(a - b) < 1e-3 for (_, a), (_, b) in zip(mine, theirs, strict=True)), item["question"]
    recalled = sum(1 for item, hits in zip(questions, served, strict=True)
                   if item["expected"] and {n for n, _ in hits} & set(item["expected"]))
    graded = sum(1 for item in questions if item["expected"])
    assert recalled / graded >= 0.9  # trainer eval retrieval's target holds through the server too
    print(f"{len(questions)} questions: identical top-3 through the server; recall@3 {recalled / graded:.2f}")


def test_ask_names_the_server_when_it_is_unreachable(tmp_path: Path) -> None:
    from server_support import free_port

    url = f"http://127.0.0.1:{free_port()}"
    done = run_cli(["ask", "what now?", "--json"], app_env(tmp_path, LEVERAGE_CHROMA_URL=url))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "knowledge index unavailable" in done.stderr and url in done.stderr

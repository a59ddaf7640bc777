"""Knowledge commands: `trainer ingest`, `trainer ask`, `trainer eval retrieval`, `trainer bench retrieval`."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import typer
import yaml

from trainer.coaching.embeddings import embed_texts
from trainer.coaching.index import IndexUnavailable, KnowledgeIndex
from trainer.coaching.knowledge import MISTAKE_TAGS, NoteError, token_counter
from trainer.config import REPO_ROOT

QUESTIONS_FILE = REPO_ROOT / "evals" / "retrieval" / "questions.yaml"
RECALL_TARGET = 0.9
BUILD_TARGET_S = 5.0
QUERY_TARGET_MS = 50.0


def _index(data_dir: Path | None = None) -> KnowledgeIndex:
    """The configured index, or one in a given data directory (used by evals and benches)."""
    if data_dir is None:
        return KnowledgeIndex()
    return KnowledgeIndex(SimpleNamespace(data_dir=data_dir, chroma_url=None))


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def ingest(paths: list[Path] = typer.Argument(..., help="Files or directories (.md, .txt, .pdf).")) -> None:
    """Add instructor material to the knowledge index; reports what was added, skipped and failed."""
    try:
        index = _index()
        index.ensure_built()
        report = index.ingest(list(paths))
    except (IndexUnavailable, NoteError) as exc:
        _fail(str(exc), 2)
    for path in report.added:
        typer.echo(f"added    {path}")
    for path, reason in report.skipped:
        typer.echo(f"skipped  {path}: {reason}")
    for path, reason in report.failed:
        typer.echo(f"failed   {path}: {reason}")
    typer.echo(f"{len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed")
    if report.failed and not report.added:
        raise typer.Exit(1)


def ask(
    question: str = typer.Argument(..., help="A trainee question, e.g. 'they want to send their template'."),
    k: int = typer.Option(3, "-k", min=1, max=20, help="How many notes to return."),
    mistake: str | None = typer.Option(None, "--mistake", help="Only notes tagged with this mistake id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only (the default output is JSON too)."),
) -> None:
    """Answer from the knowledge notes, offline: {"results": [{note_id, title, source, tags, text, score}]}."""
    if mistake is not None and mistake not in MISTAKE_TAGS:
        _fail(f"unknown mistake {mistake!r}; choose one of: {', '.join(MISTAKE_TAGS)}", 2)
    try:
        index = _index()
        index.build(incremental=True)
        hits = index.query(question, k=k, mistake=mistake)
    except (IndexUnavailable, NoteError) as exc:
        _fail(str(exc), 2)
    payload = {"results": [h.model_dump() for h in hits]}
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=None if as_json else 2))


def load_questions(path: Path = QUESTIONS_FILE) -> list[dict[str, Any]]:
    """The retrieval eval set: [{question, expected: [note ids], mistake?}]."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["questions"])


def score_retrieval(index: KnowledgeIndex, questions: list[dict[str, Any]], k: int = 3) -> dict[str, Any]:
    """recall@k (a question counts when any expected note is in the top k) and MRR over the first expected hit."""
    hits, reciprocal, misses = 0, [], []
    for item in questions:
        expected = set(item["expected"])
        ranked = [h.note_id for h in index.query(item["question"], k=10, mistake=item.get("mistake"))]
        rank = next((i + 1 for i, nid in enumerate(ranked) if nid in expected), None)
        reciprocal.append(1.0 / rank if rank else 0.0)
        if rank and rank <= k:
            hits += 1
        else:
            misses.append({"question": item["question"], "expected": sorted(expected), "got": ranked[:k]})
    n = len(questions) or 1
    return {"questions": len(questions), f"recall@{k}": round(hits / n, 3), "mrr": round(sum(reciprocal) / n, 3),
            "misses": misses}


def eval_retrieval(
    questions: Path = typer.Option(QUESTIONS_FILE, help="Question set (YAML)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recall@3 (target >= 0.9) and MRR of the shipped notes on the trainee question set."""
    with tempfile.TemporaryDirectory(prefix="leverage-eval-") as tmp:
        index = _index(Path(tmp))
        index.build(incremental=False)
        result = score_retrieval(index, load_questions(questions))
    result["target"] = RECALL_TARGET
    result["pass"] = result["recall@3"] >= RECALL_TARGET
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo(f"questions: {result['questions']}  recall@3: {result['recall@3']:.3f} "
                   f"(target >= {RECALL_TARGET})  MRR: {result['mrr']:.3f}  {'PASS' if result['pass'] else 'FAIL'}")
        for miss in result["misses"]:
            typer.echo(f"  miss: {miss['question']!r} expected {miss['expected']} got {miss['got']}")
    if not result["pass"]:
        raise typer.Exit(1)


def bench_numbers(repeats: int = 30) -> dict[str, Any]:
    """Index build time for the shipped notes (model already loaded) and warm query latency."""
    questions = [q["question"] for q in load_questions()] if QUESTIONS_FILE.exists() else ["deadline"]
    embed_texts(["warm up the model"])  # "warm machine": loading the model and encoding is not part of the build
    token_counter()("warm up tiktoken")
    with tempfile.TemporaryDirectory(prefix="leverage-bench-") as tmp:
        index = _index(Path(tmp))
        started, cpu_started = time.perf_counter(), time.process_time()
        report = index.build(incremental=False)
        build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        rebuild = index.build(incremental=True)
        for q in questions[:3]:
            index.query(q, k=3)
        latencies = []
        for i in range(repeats):
            t0 = time.perf_counter()
            index.query(questions[i % len(questions)], k=3)
            latencies.append((time.perf_counter() - t0) * 1000)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"notes": len(report.added), "chunks": report.chunks, "build_s": round(build_s, 3),
            "build_cpu_s": round(build_cpu_s, 3),
            "incremental_rebuild_s": round(rebuild.seconds, 3), "query_ms_p50": round(statistics.median(latencies), 1),
            "query_ms_p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
            "build_target_s": BUILD_TARGET_S, "query_target_ms": QUERY_TARGET_MS,
            "pass": build_s <= BUILD_TARGET_S and statistics.median(latencies) <= QUERY_TARGET_MS,
            "load_avg_1m": round(load, 2) if load is not None else None}


def bench_retrieval(as_json: bool = typer.Option(False, "--json")) -> None:
    """Build time of the shipped notes (target <= 5 s warm) and warm query latency (target <= 50 ms)."""
    result = bench_numbers()
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"index build: {result['build_s']:.2f} s for {result['notes']} notes / {result['chunks']} chunks "
               f"(target <= {BUILD_TARGET_S:.0f} s; {result['build_cpu_s']:.2f} s CPU); "
               f"incremental rebuild {result['incremental_rebuild_s']:.2f} s")
    typer.echo(f"warm query: p50 {result['query_ms_p50']:.1f} ms, p95 {result['query_ms_p95']:.1f} ms "
               f"(target <= {QUERY_TARGET_MS:.0f} ms)")
    typer.echo(f"load average: {result['load_avg_1m']}  {'PASS' if result['pass'] else 'FAIL'}")


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.command("ingest")(ingest)
    app.command("ask")(ask)
    eval_app.command("retrieval")(eval_retrieval)
    bench_app.command("retrieval")(bench_retrieval)

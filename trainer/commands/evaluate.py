"""`trainer evaluate`, `trainer eval evaluator` and `trainer bench evaluator`: the five-mistake evaluator's CLI."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer

from trainer.coaching.coach import attach_sources
from trainer.coaching.index import KnowledgeIndex
from trainer.coaching.knowledge import article_title
from trainer.config import get_settings
from trainer.domain.gold import GoldFormatError
from trainer.domain.report import Report
from trainer.domain.transcripts import TranscriptError, parse_transcript, read_source
from trainer.evaluation.evaluator import evaluate
from trainer.evaluation.judge import LLMJudge, parse_combine
from trainer.llm.chat import get_chat_model
from trainer.measure.evalsets import (
    SPLITS,
    GoldItem,
    bench,
    format_table,
    load_labels,
    load_split,
    score,
    score_with_judge,
    summary,
)
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario

SPLIT_CHOICES = ("dev", "train", "heldout", "casino", "all")


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.command("evaluate")(evaluate_cmd)
    eval_app.command("evaluator")(eval_evaluator_cmd)
    bench_app.command("evaluator")(bench_evaluator_cmd)


def _fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr and a non-zero exit; never a traceback."""
    typer.echo(f"error: {' '.join(str(message).split())[:300]}", err=True)
    raise typer.Exit(code=code)


def _scenario(scenario_id: str | None) -> Scenario | None:
    """The scenario from the library, or exit 2 naming the known ids."""
    if scenario_id is None:
        return None
    lib = load_library()
    if scenario_id not in lib.scenarios:
        _fail(f"unknown scenario {scenario_id!r}; known: {', '.join(lib.ids()) or 'none'}")
    return lib.scenarios[scenario_id]


def _judge(measuring: bool = False) -> LLMJudge | None:
    """The LLM judge over the configured chat model, or exit 2 when none is available.

    When scoring (not measuring) and every mistake is set to the rules, the judge would be asked and then ignored:
    say so on stderr and skip the model call."""
    settings = get_settings()
    try:
        modes = parse_combine(settings.judge_combine)
    except ValueError as exc:
        _fail(str(exc))
    if not measuring and all(mode == "rules" for mode in modes.values()):
        typer.echo("note: the LLM judge is off for every mistake (it did not help when measured with the embedded "
                   "model); rules only. Set LEVERAGE_JUDGE_COMBINE once `trainer eval evaluator --llm` shows it helps.",
                   err=True)
        return None
    model = get_chat_model(settings)
    if model is None:
        _fail("--llm needs a chat model, but LEVERAGE_LLM_BACKEND is 'template'")
    return LLMJudge(model, modes)


def _with_sources(report: Report) -> Report:
    """Attach knowledge-note citations when the index is available; otherwise unchanged."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return attach_sources(report, KnowledgeIndex(get_settings()))
    except Exception:  # index missing or unreadable: the report is still useful without citations
        return report


def render(report: Report) -> str:
    """A readable report: each mistake with evidence, explanation and a better line, then strengths."""
    out = [f"Overall score: {report.overall_score}/100", ""]
    for m in report.mistakes:
        mark = f"DETECTED (severity {m.severity}/3)" if m.detected else "ok"
        out.append(f"[{m.score:>3}] {m.title}: {mark}")
        for ev in m.evidence:
            out.append(f"      turn {ev.turn}: \"{ev.quote}\"")
        out.append(f"      why: {m.explanation}")
        out.append(f"      {'try instead' if m.detected else 'keep doing'}: {m.advice}")
        for c in m.sources:
            out.append(f"      source: {c.title} ({article_title(c.source)})")
        out.append("")
    if report.strengths:
        out.append("Strengths:")
        for s in report.strengths:
            turns_list = ", ".join(str(e.turn) for e in s.evidence)
            out.append(f"  + {s.description} (turns {turns_list})")
    return "\n".join(out).rstrip()


def evaluate_cmd(
    path: str = typer.Argument(..., metavar="PATH", help="Transcript file (JSON or 'Name: text' lines), or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    llm: bool = typer.Option(False, "--llm", help="Let the LLM judge confirm or refute the rule findings."),
    scenario_id: str | None = typer.Option(None, "--scenario", metavar="ID", help="Use a library scenario's facts."),
    trainee: str | None = typer.Option(None, "--trainee", metavar="NAME", help="The trainee's name in the transcript."),
) -> None:
    """Score a transcript for the five mistakes, with evidence, severity and a better line for each."""
    try:
        text = read_source(path, sys.stdin.read() if path == "-" else None)
        turns = parse_transcript(text, trainee)
    except TranscriptError as exc:
        _fail(str(exc))
    except (UnicodeDecodeError, OSError) as exc:
        _fail(f"cannot read input: {exc}")
    scenario = _scenario(scenario_id)
    judge = _judge() if llm else None
    try:
        report = evaluate(turns, scenario=scenario, judge=judge, scenario_facts=False)  # a real conversation
    except Exception as exc:  # a judge/model failure must not surface as a traceback
        _fail(f"evaluation failed: {type(exc).__name__}: {exc}", code=1)
    report = _with_sources(report)
    typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False) if as_json else render(report))


def eval_evaluator_cmd(
    llm: bool = typer.Option(False, "--llm", help="Measure rules combined with the LLM judge."),
    split: str = typer.Option("all", "--split", help="dev, train, heldout, casino (real chat) or all."),
    labels: Path | None = typer.Option(
        None, "--labels", metavar="FILE",
        help="Measure on this file of gold-format labels (e.g. from `trainer instructor export-labels`) instead of "
             "the gold splits.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable metrics."),
) -> None:
    """Precision, recall, F1 per mistake, macro-F1, evidence-turn hit rate and confusion counts per split."""
    if split not in SPLIT_CHOICES:
        _fail(f"--split must be one of {', '.join(SPLIT_CHOICES)}")
    sets = _label_set(labels) if labels is not None else {name: None for name in (SPLITS if split == "all" else (split,))}
    judge = _judge(measuring=True) if llm else None
    results: dict[str, Any] = {}
    for name, given in sets.items():
        items = given if given is not None else load_split(name)
        if not items:
            typer.echo(f"split {name}: no transcripts found", err=True)
            continue
        clean: list[bool] = []
        tables = (score_with_judge(items, judge) if judge is not None
                  else {"reader": score(items, lambda t: evaluate(t), clean)})
        for mode, counts in tables.items():
            result = summary(counts)
            result["transcripts"] = len(items)
            if clean:
                result |= {"clean_sides": len(clean), "clean_flagged": sum(clean),
                           "clean_false_alarm_rate": round(sum(clean) / len(clean), 3)}
            results[f"{name}/{mode}"] = result
            if not as_json:
                typer.echo(format_table(f"{name} [{mode}]", len(items), result) + "\n")
    if as_json:
        typer.echo(json.dumps({"mode": "reader+llm" if llm else "reader", "splits": results}, indent=2))
    if not results:
        raise typer.Exit(code=1)


def _label_set(path: Path) -> dict[str, list[GoldItem] | None]:
    """The one set measured with --labels, named after the file; exit 2 naming the file and field when invalid."""
    try:
        return {f"labels:{path.name}": load_labels(path)}
    except GoldFormatError as exc:
        _fail(str(exc))


def bench_evaluator_cmd(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable timings."),
    runs: int = typer.Option(50, "--runs", min=1, max=10_000, help="How many timed runs."),
) -> None:
    """Time the evaluator (learned reader plus rules) on a 20-turn transcript (target: median <= 250 ms)."""
    result = bench(runs=runs)
    if as_json:
        typer.echo(json.dumps(result))
    else:
        verdict = "ok" if result["median_ms"] <= result["target_ms"] else "SLOW"
        typer.echo(f"evaluator, {result['turns']}-turn transcript, {result['runs']} runs: median {result['median_ms']} ms, "
                   f"p95 {result['p95_ms']} ms (target <= {result['target_ms']:.0f} ms) {verdict}")

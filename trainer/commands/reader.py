"""`trainer train reader`, `trainer eval reader` and `trainer bench reader`: the learned turn reader's CLI."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import typer

from trainer.reader.corpus import CORPUS_DIR, CorpusError, load_split
from trainer.reader.model import MODEL_DIR
from trainer.resources import ResourceMissing


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    train_app = typer.Typer(no_args_is_help=True, help="Train a learned component from the committed data.")
    train_app.command("reader")(train_reader_cmd)
    app.add_typer(train_app, name="train")
    eval_app.command("reader")(eval_reader_cmd)
    bench_app.command("reader")(bench_reader_cmd)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {' '.join(str(message).split())[:300]}", err=True)
    raise typer.Exit(code=code)


def train_reader_cmd(
    out: Path = typer.Option(MODEL_DIR, help="Where reader.onnx and reader.json are written."),
    seed: int = typer.Option(13, help="Random seed: the same data and seed give the same weights."),
    epochs: int = typer.Option(4, min=1, max=20),
    limit: int = typer.Option(0, min=0, help="Train on the first N sentences only (a quick check)."),
    corpus: Path = typer.Option(CORPUS_DIR, help="Corpus folder with train/ and dev/ splits."),
) -> None:
    """Fine-tune MiniLM on the act corpus (needs the `train` extra: torch), calibrate on dev, export int8 ONNX."""
    try:
        from trainer.reader.training import TrainConfig, train_reader  # torch: only this command needs it
    except ImportError as exc:
        _fail(f"training needs the train extra (pip install -e '.[train]'): {exc}")
    try:
        result = train_reader(out, TrainConfig(seed=seed, epochs=epochs, limit=limit or None), corpus,
                              log=lambda line: typer.echo(line, err=True))
    except (CorpusError, ResourceMissing) as exc:
        _fail(str(exc))
    typer.echo(json.dumps({"out": str(result.out_dir), "seconds": round(result.seconds, 1),
                           "dev_macro_f1_fp32": result.metrics["dev_fp32"]["macro_f1"],
                           "dev_macro_f1_int8": result.metrics["dev_int8"]["macro_f1"]}))


def eval_reader_cmd(
    split: str = typer.Option("heldout", help="Corpus split: dev, heldout, casino (real chat) or train."),
    as_json: bool = typer.Option(False, "--json"),
    corpus: Path = typer.Option(CORPUS_DIR),
) -> None:
    """Act-level P/R/F1 for the rules, the model, and their union."""
    from trainer.measure.reader_eval import evaluate_reader, format_report

    try:
        report = evaluate_reader(split, load_split(split, corpus))
    except (CorpusError, ResourceMissing) as exc:
        _fail(str(exc))
    typer.echo(json.dumps(report.to_json(), indent=1) if as_json else format_report(report))


def bench_reader_cmd(turns: int = typer.Option(20, min=1, max=200), runs: int = typer.Option(20, min=1)) -> None:
    """Model load time, then the median time to read one live turn and a whole transcript of `turns` turns."""
    from trainer.reader.model import ActReader

    started = time.perf_counter()
    reader = ActReader()
    load_s = time.perf_counter() - started
    turn = [("We need a 4% cut from April.", "I hear you. Before numbers, what is driving the April date?"),
            ("We need a 4% cut from April.", "If you can commit to two years, we could look at 3% on the core range.")]
    live = []
    for _ in range(runs):
        t0 = time.perf_counter()
        reader.probabilities(turn)
        live.append(time.perf_counter() - t0)
    transcript = turn * turns
    whole = []
    for _ in range(max(3, runs // 4)):
        t0 = time.perf_counter()
        reader.probabilities(transcript)
        whole.append(time.perf_counter() - t0)
    typer.echo(json.dumps({"load_s": round(load_s, 3), "live_turn_median_ms": round(statistics.median(live) * 1000, 1),
                           f"transcript_{turns}_turns_median_ms": round(statistics.median(whole) * 1000, 1)}))

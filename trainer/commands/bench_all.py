"""`trainer bench all`: every benchmark in turn, each in its own process so one's memory doesn't skew another."""

from __future__ import annotations

import subprocess
import sys

import typer

BENCHES = ("evaluator", "retrieval", "llm")


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add `bench all`."""
    bench_app.command("all")(bench_all)


def bench_all(as_json: bool = typer.Option(False, "--json", help="Each benchmark's machine-readable output.")) -> None:
    """Run the evaluator, retrieval and LLM benchmarks and print their numbers."""
    failed = []
    for name in BENCHES:
        typer.echo(f"== trainer bench {name} ==")
        cmd = [sys.executable, "-m", "trainer.cli", "bench", name] + (["--json"] if as_json else [])
        if subprocess.run(cmd, check=False).returncode != 0:
            failed.append(name)
    if failed:
        typer.echo(f"failed: {', '.join(failed)}", err=True)
        raise typer.Exit(1)

"""`trainer eval levels` (difficulty levels change the engine) and `trainer eval replay` (the price of each
mistake): the measurements behind learning by replaying."""

from __future__ import annotations

import json

import typer

from trainer.measure.levels_eval import print_levels, run_levels
from trainer.measure.replay_eval import print_replay, run_replay
from trainer.scenarios.loading import load_library


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    eval_app.command("levels")(eval_levels_cmd)
    eval_app.command("replay")(eval_replay_cmd)


def eval_levels_cmd(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The A/B relations at each difficulty level, and the ground a fixed script concedes per level."""
    report = run_levels(load_library().scenarios)
    typer.echo(json.dumps(report, indent=2) if as_json else print_levels(report))
    if not report["passed"]:
        raise typer.Exit(code=1)


def eval_replay_cmd(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    scripted_only: bool = typer.Option(False, "--scripted-only", help="Skip the gold-transcript sessions (faster)."),
    level: str = typer.Option("standard", "--level", help="introductory, standard or hard."),
) -> None:
    """Replay every finding with its better line: save, same and cost rates per mistake and per scenario."""
    try:
        report = run_replay(load_library().scenarios, gold=not scripted_only, level=level)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(json.dumps(report, indent=2) if as_json else print_replay(report))
    if not report["passed"]:
        raise typer.Exit(code=1)

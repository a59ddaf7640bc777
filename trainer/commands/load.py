"""`trainer bench load` (simulated trainees playing at once, see trainer.measure.load) and `trainer bench crash`
(kill -9 at random points of turns, then audit the store, see trainer.measure.crash)."""

from __future__ import annotations

import json
import os
from typing import NoReturn

import typer

from trainer.llm.chat import LLMUnavailable
from trainer.measure.crash import format_report as format_crash
from trainer.measure.crash import run_crash
from trainer.measure.load import MODES, VOICES, LoadError, LoadPlan, format_report, run_load
from trainer.storage.connection import mask_url


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add `bench load` and `bench crash`."""
    bench_app.command("load")(bench_load_cmd)
    bench_app.command("crash")(bench_crash_cmd)


def _fail(message: str) -> NoReturn:
    """Unusable input: one line on stderr, exit 2, never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def bench_load_cmd(
    trainees: int = typer.Option(50, "--trainees", min=1, max=500, help="Trainees playing at once."),
    turns: int = typer.Option(10, "--turns", min=1, max=1000, help="Turns each trainee plays."),
    mode: str = typer.Option("threads", "--mode", help="threads (one app process) or processes (one each)."),
    db_url: str | None = typer.Option(
        None, "--db-url", metavar="URL",
        help="Database to load. Default: a fresh SQLite file. PostgreSQL: a throwaway schema, dropped after. "
             "A SQLite URL is used as is: give a scratch file.",
    ),  # fmt: skip
    realizer: str = typer.Option("template", "--realizer", help="template, or llm (the configured model; threads)."),
    pause: float = typer.Option(0.0, "--pause", min=0.0, max=60.0, help="Think time: up to this many s between turns."),
    seed: int = typer.Option(0, "--seed", help="Seeds the sessions and the think times."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object."),
) -> None:
    """Turns/s, p50/p95 turn latency and time to first text, errors and lost turns under concurrent trainees.

    Exits 1 when there were errors or lost turns, 2 when the run could not start."""
    if mode not in MODES:
        _fail(f"--mode must be one of {', '.join(MODES)}")
    if realizer not in VOICES:
        _fail(f"--realizer must be one of {', '.join(VOICES)}")
    plan = LoadPlan(trainees=trainees, turns=turns, mode=mode, realizer=realizer, pause_s=pause, seed=seed)  # type: ignore[arg-type]
    try:
        report = run_load(plan, db_url)
    except (LoadError, LLMUnavailable) as exc:
        _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. an unreachable database: say so, no traceback
        target = mask_url(db_url) if db_url else "the temporary SQLite file"
        _fail(f"the load run on {target} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    typer.echo(json.dumps(report) if as_json else format_report(report))
    if report["errors"] or report["lost_turns"] or report["extra_lines"]:
        raise typer.Exit(code=1)


def bench_crash_cmd(
    kills: int = typer.Option(100, "--kills", min=1, max=100_000, help="How many times to kill -9 a trainee."),
    db_url: str | None = typer.Option(
        None, "--db-url", metavar="URL", help="Database (default: a fresh SQLite file; PostgreSQL: a throwaway schema)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seeds the kill points and the trainee's choices."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object."),
) -> None:
    """Kill a trainee's process (SIGKILL) at random points of practice turns and audit the store after each kill:
    lost, duplicated and stale states must all be 0. Exits 1 when any is found, 2 when the run could not start."""
    if not hasattr(os, "fork"):
        _fail("bench crash forks processes: it needs a POSIX system")
    try:
        report = run_crash(kills, db_url, seed)
    except Exception as exc:  # noqa: BLE001 - e.g. an unreachable database: say so, no traceback
        target = mask_url(db_url) if db_url else "the temporary SQLite file"
        _fail(f"the crash run on {target} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    typer.echo(json.dumps(report) if as_json else format_crash(report))
    if report["lost"] or report["duplicated"] or report["stale"] or report["killed"] < report["kills_planned"]:
        raise typer.Exit(code=1)

"""`trainer instructor ...`: make the passphrase hash, and run cohorts from a terminal (headless servers)."""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path

import typer

from trainer.app import factories
from trainer.config import get_settings
from trainer.instructor.auth import hash_passphrase
from trainer.instructor.cohorts import assign, cohort_size, create_cohort, display_code
from trainer.instructor.dashboard import load_cohort, to_csv
from trainer.storage.store import Cohort, Store

instructor_app = typer.Typer(
    no_args_is_help=True, help="Instructor tools: passphrase hash, cohorts, assignments."
)


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.add_typer(instructor_app, name="instructor")


def _read_passphrase() -> str:
    """From a pipe: the first line. At a terminal: prompted twice without echo."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Instructor passphrase: ")
    if getpass.getpass("Repeat it: ") != first:
        raise typer.BadParameter("the two passphrases differ")
    return first


@instructor_app.command("hash-passphrase")
def hash_passphrase_cmd() -> None:
    """Print a salted scrypt hash for LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH (the passphrase is never echoed)."""
    try:
        hashed = hash_passphrase(_read_passphrase())
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(hashed)
    typer.echo("Set it with: export LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH='<the line above>'", err=True)


def _store() -> Store:
    """The configured, migrated store."""
    return factories.open_store(get_settings().db_url)


def _cohort_or_exit(store: Store, code: str) -> Cohort:
    """Resolve a join code or exit with a message."""
    cohort = store.get_cohort_by_code(code)
    if cohort is None:
        typer.echo(f"error: no cohort with code {code!r}", err=True)
        raise typer.Exit(1)
    return cohort


@instructor_app.command("create-cohort")
def create_cohort_cmd(name: str) -> None:
    """Create a cohort and print its join code."""
    cohort = create_cohort(_store(), name)
    typer.echo(f"{display_code(cohort.join_code)}\t{cohort.name}")


@instructor_app.command("cohorts")
def list_cohorts_cmd() -> None:
    """List cohorts with their join codes and sizes."""
    store = _store()
    for cohort in store.list_cohorts():
        typer.echo(
            f"{display_code(cohort.join_code)}\t{cohort_size(store, cohort.id)} trainees\t{cohort.name}"
        )


@instructor_app.command("assign")
def assign_cmd(
    code: str,
    scenario_id: str,
    due: str | None = typer.Option(None, help="Due date, YYYY-MM-DD."),
) -> None:
    """Assign a scenario to the cohort with this join code."""
    try:
        due_date = date.fromisoformat(due) if due else None
    except ValueError:
        raise typer.BadParameter(f"--due must be YYYY-MM-DD (got {due!r})") from None
    store = _store()
    assignment = assign(store, _cohort_or_exit(store, code).id, scenario_id, due_date)
    typer.echo(f"assigned {assignment.scenario_id} (due {assignment.due_date or 'any time'})")


@instructor_app.command("export-csv")
def export_csv_cmd(code: str, output: Path | None = typer.Option(None, "--output", "-o")) -> None:
    """Write the cohort's per-session scores as CSV (stdout by default)."""
    store = _store()
    data = load_cohort(store, _cohort_or_exit(store, code).id)
    text = to_csv(data) if data else ""
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@instructor_app.command("export-xapi")
def export_xapi_cmd(
    code: str,
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: stdout)."),
    fmt: str | None = typer.Option(None, "--format", help="json (an array) or jsonl; default from --out's suffix."),
    names: bool = typer.Option(False, "--names", help="Include trainees' display names in the statements."),
    send: bool = typer.Option(True, "--send/--no-send", help="Send to LEVERAGE_XAPI_ENDPOINT when it is set."),
) -> None:
    """Write the cohort's completed sessions as xAPI 1.0.3 statements; send them to the LRS if one is set."""
    from trainer.config import get_settings
    from trainer.instructor.xapi_export import run

    if fmt not in (None, "json", "jsonl"):
        raise typer.BadParameter("--format must be json or jsonl")
    store = _store()
    cohort = _cohort_or_exit(store, code)
    code_ = run(store, cohort, get_settings(), out, fmt, names, send, echo=lambda line: typer.echo(line, err=True),
                write_stdout=lambda text: typer.echo(text, nl=False))  # fmt: skip
    raise typer.Exit(code_)

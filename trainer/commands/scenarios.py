"""`trainer scenarios list|show|validate`: the instructor's view of the scenario library."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from trainer.scenarios.loading import default_dirs, dump_scenario, load_library, tidy_numbers, validate_paths
from trainer.scenarios.views import public_view, summary_row, to_json

scenarios_app = typer.Typer(no_args_is_help=True, help="List, show and validate negotiation scenarios.")


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.add_typer(scenarios_app, name="scenarios")


def _report_errors(errors: list[str]) -> None:
    """Library problems go to stderr so --json output stays parseable."""
    for line in errors:
        typer.echo(f"skipped: {line}", err=True)


@scenarios_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List the usable scenarios (broken files are reported on stderr and skipped)."""
    lib = load_library()
    rows = [summary_row(lib.scenarios[i]) for i in lib.ids()]
    if as_json:
        typer.echo(to_json(rows))
    else:
        for r in rows:
            focus = ", ".join(r["learning_focus"])
            typer.echo(
                f"{r['id']:<24} d{r['difficulty']} {r['estimated_minutes']:>3} min  {r['title']}  [{focus}]"
            )
    _report_errors(lib.errors)
    if not rows:
        raise typer.Exit(code=1)


@scenarios_app.command("show")
def show_cmd(
    scenario_id: str = typer.Argument(..., metavar="ID", help="Scenario id (its file name without .yaml)."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of YAML."),
    public: bool = typer.Option(False, "--public", help="Only what the trainee may see."),
) -> None:
    """Print one scenario: everything (for instructors) or, with --public, the trainee's view only."""
    lib = load_library()
    if scenario_id not in lib.scenarios:
        known = ", ".join(lib.ids()) or "none"
        typer.echo(f"error: unknown scenario {scenario_id!r}; known: {known}", err=True)
        _report_errors(lib.errors)
        raise typer.Exit(code=2)
    s = lib.scenarios[scenario_id]
    if public:
        typer.echo(to_json(public_view(s)) if as_json else _yaml(public_view(s)))
    else:
        typer.echo(to_json(tidy_numbers(s.model_dump(mode="json"))) if as_json else dump_scenario(s))


def _yaml(data: dict) -> str:
    """Readable YAML for a plain dict."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


# Exit codes of `validate`, documented in its help: 0 all valid, 1 problems found, 2 unusable input.
EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


@scenarios_app.command("validate")
def validate_cmd(
    paths: list[Path] = typer.Argument(
        None, help="Files or folders; default: the library incl. the template."
    ),
) -> None:
    """Check schema and semantics; one line per problem. Exit 0 when every file is valid, 1 when problems were
    found, 2 when a path names no scenario file (missing, or a folder without YAML files)."""
    targets = list(paths) if paths else default_dirs()
    report = validate_paths(targets)
    for line in report.lines:
        typer.echo(line, err=True)
    if report.unusable:
        typer.echo(f"FAILED: {len(report.unusable)} unusable path(s), {len(report.problems)} problem(s)", err=True)
        raise typer.Exit(code=EXIT_UNUSABLE)
    if report.problems:
        files = len({p.file for p in report.problems})
        typer.echo(f"FAILED: {len(report.problems)} problem(s) in {files} file(s)", err=True)
        raise typer.Exit(code=EXIT_PROBLEMS)
    typer.echo(f"ok: {len(report.files)} scenario file(s) valid")

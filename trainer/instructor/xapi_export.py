"""`trainer instructor export-xapi COHORT`: build, validate, write and (when configured) send the statements.

Kept apart from the command module so the CLI registration stays one small function and tests can drive the
whole flow with a store, settings and a client of their choosing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.instructor.xapi import CohortExport, build_statement, cohort_records, dump_statements
from trainer.instructor.xapi_lrs import LrsClient, LrsConfig, Outbox, SendReport, deliver
from trainer.instructor.xapi_validation import validate_statement

if TYPE_CHECKING:
    from trainer.config import Settings
    from trainer.scenarios.schema import Scenario
    from trainer.storage.store import Cohort, Store

EXIT_OK, EXIT_NOT_ALL_SENT, EXIT_INVALID = 0, 1, 2


class InvalidStatements(ValueError):
    """A built statement breaks the specification (a bug: nothing is written or sent)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ExportResult:
    statements: list[dict[str, Any]]
    cohort: CohortExport
    report: SendReport | None  # None: no LRS configured, or --no-send
    outbox: Outbox
    waiting: int  # statements in the outbox after the run


def cohort_statements(
    store: Store,
    owner_id: int,
    cohort_id: int,
    settings: Settings,
    scenarios: Mapping[str, Scenario] | None = None,
    include_names: bool = False,
) -> tuple[list[dict[str, Any]], CohortExport]:
    """Valid statements for the finished, evaluated sessions of a cohort this instructor owns (InvalidStatements
    otherwise)."""
    export = cohort_records(store, owner_id, cohort_id, scenarios, include_names=include_names)
    statements = [build_statement(r, settings.xapi_homepage) for r in export.records]
    problems = [f"{s['id']}: {p}" for s in statements for p in validate_statement(s)]
    if problems:
        raise InvalidStatements(problems)
    return statements, export


def export_cohort(
    store: Store,
    owner_id: int,
    cohort_id: int,
    settings: Settings,
    scenarios: Mapping[str, Scenario] | None = None,
    include_names: bool = False,
    send: bool = True,
    client: LrsClient | None = None,
) -> ExportResult:
    """Build the statements and, when an LRS is configured (and send is True), deliver them via the outbox."""
    statements, export = cohort_statements(store, owner_id, cohort_id, settings, scenarios, include_names)
    outbox = Outbox.in_data_dir(settings.data_dir)
    config = LrsConfig.from_settings(settings)
    report = None
    if send and config is not None:
        report = deliver(statements, client or LrsClient(config), outbox)
    return ExportResult(statements, export, report, outbox, len(outbox.load()))


def run(
    store: Store,
    owner_id: int,
    cohort: Cohort,
    settings: Settings,
    out: Path | None,
    fmt: str | None,
    include_names: bool,
    send: bool,
    echo: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    write_stdout: Callable[[str], None] = sys.stdout.write,
    client: LrsClient | None = None,
) -> int:
    """The command, for a cohort the acting instructor (`owner_id`) owns: returns its exit code; statements go to
    `out` (or stdout), the summary to `echo`."""
    from trainer.scenarios.loading import load_library

    fmt = fmt or ("jsonl" if out is not None and out.suffix in (".jsonl", ".ndjson") else "json")
    try:
        result = export_cohort(
            store, owner_id, cohort.id, settings, load_library().scenarios, include_names, send=send, client=client
        )
    except InvalidStatements as exc:
        echo("error: the built statements break the xAPI rules (nothing written or sent):")
        for line in exc.problems[:20]:
            echo(f"  {line}")
        return EXIT_INVALID
    text = dump_statements(result.statements, fmt)
    if out is None:
        write_stdout(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    echo(_summary(cohort.name, result, out))
    return _report(result, settings, echo)


def _summary(name: str, result: ExportResult, out: Path | None) -> str:
    skipped = []
    if result.cohort.unevaluated:
        skipped.append(f"{len(result.cohort.unevaluated)} finished but not yet evaluated")
    if result.cohort.unreadable:
        skipped.append(f"{len(result.cohort.unreadable)} with an unreadable evaluation")
    if result.cohort.open_sessions:
        skipped.append(f"{result.cohort.open_sessions} still open")
    where = f" to {out}" if out is not None else ""
    extra = f" (skipped: {'; '.join(skipped)})" if skipped else ""
    return f"wrote {len(result.statements)} xAPI statements for cohort {name!r}{where}{extra}"


def _report(result: ExportResult, settings: Settings, echo: Callable[[str], None]) -> int:
    report = result.report
    if report is None:
        if result.waiting and not settings.xapi_endpoint:
            echo(f"{result.waiting} statements wait in {result.outbox.path}; set LEVERAGE_XAPI_ENDPOINT to send them")
        return EXIT_OK
    line = f"LRS: sent {len(report.sent)}"
    if report.from_outbox:
        line += f" (including {report.from_outbox} kept from an earlier run)"
    line += f", kept {len(report.kept)}"
    if report.kept:
        line += f" in {result.outbox.path} (re-sent next time)"
    if report.conflicts:
        line += f", {len(report.conflicts)} conflicts (the LRS holds a different statement with the same id)"
    echo(line)
    for error in report.errors[:10]:
        echo(f"  {error}")
    return EXIT_OK if not (report.kept or report.conflicts) else EXIT_NOT_ALL_SENT

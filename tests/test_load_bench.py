"""`trainer bench load`: simulated trainees in threads and processes on SQLite and PostgreSQL, 0 errors and 0 lost
turns; the report's shape; a control showing it does count errors; and the model run refuses without a model."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from trainer.cli import app
from trainer.config import REPO_ROOT, Settings
from trainer.measure import load
from trainer.measure.load import LoadError, LoadPlan, percentile, run_load
from trainer.storage import connection
from trainer.storage import store as store_module

PG_ENV = "LEVERAGE_TEST_PG_URL"
KEYS = {"trainees", "turns", "errors", "lost_turns", "turns_per_s", "p95_s"}


def _pg_url() -> str:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} not set (run scripts/start-postgres.sh)")
    return os.environ[PG_ENV]


def _assert_clean(report: dict, plan: LoadPlan) -> None:
    assert report["errors"] == 0, report["error_kinds"]
    assert (report["never_started"], report["lost_turns"], report["extra_lines"]) == (0, 0, 0)
    assert report["turns"] == plan.trainees * plan.turns
    assert report["turns_per_s"] > 0 and 0 < report["p50_s"] <= report["p95_s"]


def _bench(*args: str) -> dict:
    """`trainer bench load ... --json` in a fresh interpreter (forked trainees never inherit a test runner's
    threads)."""
    cmd = [sys.executable, "-m", "trainer.cli", "bench", "load", "--json", *args]
    result = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.stdout.strip(), result.stderr[-2000:]
    return json.loads(result.stdout)


def test_concurrent_trainees_in_threads_on_sqlite_make_no_errors_and_lose_no_turns(tmp_settings: Settings) -> None:
    plan = LoadPlan(trainees=20, turns=4)
    report = run_load(plan)
    assert report["backend"] == "sqlite"
    _assert_clean(report, plan)


def test_concurrent_trainees_in_processes_on_sqlite() -> None:
    report = _bench("--trainees", "10", "--turns", "4", "--mode", "processes")
    assert (report["backend"], report["mode"]) == ("sqlite", "processes")
    _assert_clean(report, LoadPlan(trainees=10, turns=4))


@pytest.mark.postgres
def test_concurrent_trainees_in_threads_on_postgresql(tmp_settings: Settings) -> None:
    plan = LoadPlan(trainees=20, turns=4)
    report = run_load(plan, _pg_url())
    assert report["backend"] == "postgresql"
    _assert_clean(report, plan)


@pytest.mark.postgres
def test_concurrent_trainees_in_processes_on_postgresql() -> None:
    report = _bench("--trainees", "10", "--turns", "4", "--mode", "processes", "--db-url", _pg_url())
    assert (report["backend"], report["mode"]) == ("postgresql", "processes")
    _assert_clean(report, LoadPlan(trainees=10, turns=4))


def test_think_time_spreads_the_turns(tmp_settings: Settings) -> None:
    report = run_load(LoadPlan(trainees=4, turns=3, pause_s=0.2))
    assert report["errors"] == 0 and report["wall_s"] >= 0.2


def test_the_bench_counts_lock_errors_when_the_lock_is_taken_late(
    tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: the old deferred BEGIN without retries makes the bench report 'database is locked'."""
    monkeypatch.setattr(connection, "_sqlite_begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    monkeypatch.setattr(store_module, "retrying", lambda work, also=None: work())
    real_init = store_module.Store.__init__

    def no_gate(self: store_module.Store, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)
        self._write_gate = contextlib.nullcontext()

    monkeypatch.setattr(store_module.Store, "__init__", no_gate)
    report = run_load(LoadPlan(trainees=12, turns=6))
    assert report["errors"] > 0
    assert any("database is locked" in kind for kind in report["error_kinds"])
    assert report["lost_turns"] == 0  # failed calls are errors; nothing the trainee saw committed is missing


def test_the_cli_prints_one_json_object(tmp_settings: Settings) -> None:
    result = CliRunner().invoke(app, ["bench", "load", "--trainees", "3", "--turns", "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert KEYS <= set(report) and report["trainees"] == 3 and report["turns"] == 6


@pytest.mark.parametrize(
    "args",
    [["--mode", "fibres"], ["--realizer", "grpc"], ["--realizer", "llm", "--mode", "processes"], ["--realizer", "llm"]],
)
def test_unusable_input_exits_2_without_a_traceback(args: list[str], tmp_settings: Settings) -> None:
    result = CliRunner().invoke(app, ["bench", "load", "--trainees", "2", "--turns", "1", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "error:" in result.output


def test_the_model_run_refuses_the_template_backend(tmp_settings: Settings) -> None:
    with pytest.raises(Exception, match="No model is configured"):
        run_load(LoadPlan(trainees=2, turns=1, realizer="llm"))


def test_plans_are_checked_before_the_database_is_touched() -> None:
    with pytest.raises(LoadError):
        load.check(LoadPlan(scenario_id="nope"), {"x": None})  # type: ignore[dict-item]


def test_percentiles() -> None:
    assert percentile([], 95) is None and percentile([2.0], 95) == 2.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5, abs=0.6) and percentile(values, 95) == pytest.approx(95, abs=1)

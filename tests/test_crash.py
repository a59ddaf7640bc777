"""Issue 16, defect 2 under real crashes: `trainer bench crash` kills a trainee's process with SIGKILL at random
points of turns and audits the store after every kill: 0 lost, 0 duplicated, 0 stale.

The full run is at least 100 kills: `LEVERAGE_CRASH_KILLS=100 pytest tests/test_crash.py` (or
`trainer bench crash --kills 100`); `make test` runs DEFAULT_KILLS. Each run is a fresh interpreter, so the
forked children never inherit a test runner's threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from trainer.config import REPO_ROOT

DEFAULT_KILLS = 12
KILLS = int(os.environ.get("LEVERAGE_CRASH_KILLS", DEFAULT_KILLS))
PG_ENV = "LEVERAGE_TEST_PG_URL"
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked children (POSIX)")


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)  # fmt: skip


def _crash(kills: int, *extra: str) -> dict:
    result = _run(["-m", "trainer.cli", "bench", "crash", "--kills", str(kills), "--json", *extra], 60 + 10 * kills)
    assert result.stdout.strip(), result.stderr[-2000:]
    return json.loads(result.stdout)


def _assert_clean(report: dict, kills: int) -> None:
    assert report["killed"] == kills, report  # every child really died by SIGKILL
    assert report["child_errors"] == [] and report["failed"] == 0, report
    assert (report["lost"], report["duplicated"], report["stale"]) == (0, 0, 0), report["problems"]
    assert report["lines_seen_committed"] > kills  # the children got real work done between the kills
    assert report["inside_write_transaction"] >= 1  # some kills landed mid-transaction, not only between turns
    assert len(report["kill_points"]) >= 3


def test_kill_9_at_random_points_loses_duplicates_and_stales_nothing_on_sqlite() -> None:
    _assert_clean(_crash(KILLS), KILLS)


@pytest.mark.postgres
def test_kill_9_at_random_points_on_postgresql() -> None:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} not set (run scripts/start-postgres.sh)")
    kills = max(6, KILLS // 2)
    _assert_clean(_crash(kills, "--db-url", os.environ[PG_ENV], "--seed", "1"), kills)


SPLIT_COMMITS = textwrap.dedent(
    """
    import json
    import os
    import signal
    from trainer.measure import crash
    from trainer.storage import store as store_module

    def split(self, session_id, idx, turn, *, state_json=store_module._UNSET, status=None):
        # the defect: the line, the state and the status in three transactions
        self.add_turn(session_id, turn.speaker, turn.text, turn.move, turn.meta)
        if state_json is not store_module._UNSET:
            if turn.speaker == "counterparty":
                os.kill(os.getpid(), signal.SIGKILL)  # the crash lands in the gap the defect opens
            self.update_session(session_id, state_json=state_json)
        if status is not None:
            self.update_session(session_id, status=status)

    store_module.Store.commit_turn = split
    plans = iter([crash.KillPlan("commit", at=n, after=True) for n in (2, 3, 4, 5, 6, 7, 8, 9) * 3])
    crash.random_plan = lambda rng: next(plans)
    print(json.dumps(crash.run_crash(24)))
    """
)


def test_the_crash_test_finds_stale_states_when_a_turn_is_three_commits() -> None:
    """The control: with the old three commits restored and each child dying between a reply's line and its state,
    the audit finds the stale state (so 0 above means 0)."""
    result = _run(["-c", SPLIT_COMMITS], 400)
    assert result.stdout.strip(), result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["stale"] + report["lost"] >= 1, report

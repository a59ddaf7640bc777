"""Sticky state across replicas: a trainee's turns alternate between two app processes sharing one database, and
the session resumes on either with nothing lost, even when a replica dies between the trainee's message and the
reply. Runs on a shared SQLite file and, with LEVERAGE_TEST_PG_URL, on PostgreSQL (the documented multi-replica
set-up); the PostgreSQL variant skips without it and fails when LEVERAGE_TEST_PG_REQUIRED=1."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["db_fixtures"]  # db_url: a fresh database on sqlite and on postgresql
pytestmark = [pytest.mark.slow, pytest.mark.servers]

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("replica_worker.py")
SCENARIO = "carmaker-renewal"
SEED = 5
SCRIPT = [
    "Before we get into numbers: we will prepare the first draft.",
    "Who else on your side has a stake in this renewal?",
    "What would make this renewal a success for your programme team?",
    "We propose a unit price of 210 euros per unit and payment in 45 days.",
    "If you can agree 205 euros per unit, we can accept a 1% annual price-down.",
    "We accept.",
]
CRASH_AT = 2  # this line is sent on one replica, which dies before replying; the other replica answers it


class Replica:
    """One app process (tests/replica_worker.py) serving requests against the shared database."""

    def __init__(self, env: dict[str, str], name: str) -> None:
        self.name = name
        self.proc = subprocess.Popen([sys.executable, str(WORKER)], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = self._read(timeout=120)
        assert ready.get("ready"), ready
        self.pid = ready["pid"]

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not readable:
            self.kill()
            raise TimeoutError(f"replica {self.name} did not answer within {timeout} s")
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"replica {self.name} exited ({self.proc.poll()}): {err[-2000:]}")
        return json.loads(line)

    def ask(self, **request: Any) -> dict[str, Any]:
        """Send one request; its answer (asserting it succeeded)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = self._read(timeout=120)
        assert answer["ok"], f"replica {self.name}: {answer.get('error')}"
        return answer

    def kill(self) -> None:
        """SIGKILL: the replica dies without any chance to clean up."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc.poll() is None and self.proc.stdin is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _env(db_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVERAGE_", "OPENAI_"))}
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update(LEVERAGE_DB_URL=db_url, LEVERAGE_DATA_DIR=str(data_dir), LEVERAGE_LLM_BACKEND="template")
    return env


def _reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The same trainee lines played in one process, with no replica switch: what the session must equal."""
    from trainer.app.practice import Practice
    from trainer.scenarios.loading import load_library
    from trainer.storage.store import Store
    from trainer.voice.realizer import TemplateRealizer

    store = Store(f"sqlite:///{tmp_path / 'reference.db'}")
    store.migrate()
    practice = Practice(store, load_library().scenarios)
    live = practice.start(store.create_trainee("Ref").id, SCENARIO, seed=SEED, realizer="template")
    for text in SCRIPT:
        practice.send(live, text)
        "".join(practice.reply(live, TemplateRealizer(), "template"))
    out = {"lines": [[line.speaker, line.text] for line in live.lines], "status": live.status,
           "state": json.loads(live.state.model_dump_json())}
    store.dispose()
    return out


def test_a_trainee_alternating_between_replicas_loses_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(db_url, tmp_path / "shared-data")
    replicas = [Replica(env, "A"), Replica(env, "B")]
    try:
        me = replicas[0].ask(op="trainee", name="Ada")["trainee_id"]
        opened = replicas[1].ask(op="start", trainee_id=me, scenario=SCENARIO, seed=SEED)
        session = {"trainee_id": me, "session_id": opened["session_id"]}
        served_by = [opened["pid"]]
        for i, text in enumerate(SCRIPT):
            here, there = replicas[i % 2], replicas[(i + 1) % 2]
            if i == CRASH_AT:
                sent = here.ask(op="send", text=text, **session)
                assert sent["pending"] == text
                here.kill()  # the replica dies after committing the trainee's turn, before any reply
                seen = there.ask(op="snapshot", **session)
                assert seen["pending"] == text and seen["lines"] == sent["lines"]
                answer = there.ask(op="reply", **session)  # the trainee's Retry lands on the other replica
                replicas[i % 2] = here = Replica(env, here.name + "'")  # the dead replica is replaced
            else:
                answer = here.ask(op="turn", text=text, **session)
            served_by.append(answer["pid"])
            assert answer["pending"] is None and answer["lines"][-2] == ["trainee", text]
            # The next request may land anywhere: the other replica sees exactly the same session at once.
            seen = there.ask(op="snapshot", **session)
            keys = ("lines", "state", "status")
            assert {k: seen[k] for k in keys} == {k: answer[k] for k in keys}
        final = replicas[0].ask(op="snapshot", **session)
    finally:
        for replica in replicas:
            replica.close()

    assert len(set(served_by)) >= 3  # two replicas plus the one that replaced the dead one
    expected = _reference(tmp_path, monkeypatch)
    texts = [text for speaker, text in final["lines"] if speaker == "trainee"]
    assert texts == SCRIPT  # every message exactly once, in order
    assert final["lines"] == expected["lines"]  # every reply, word for word
    assert final["state"] == expected["state"]  # the deal state: positions, reveals, concessions
    assert final["status"] == expected["status"] == "agreed"

"""`trainer bench crash`: kill -9 a trainee's process at random points of practice turns, then audit the store.

Each round forks a child that plays through the practice service as the app does (resume the open session,
reply to a pending line, send, propose, walk away, end, start a new session) and logs every call that
returned: from then on the trainee has seen that line committed. The child is killed with SIGKILL at a random
point: before or after a random SQL statement (BEGIN IMMEDIATE, the SELECT that locks the session, the INSERT
of the turn, the UPDATE of the state, ...), just before or just after a random COMMIT, in the middle of the
counterparty's streamed reply, or after a random delay. The next child resumes where the store says the
session is, so recovery after each crash is exercised too.

After every kill the parent audits every session in the store:
- lost: a line the trainee saw committed is not stored at its place, a session has no opening line, or a
  status the trainee saw is gone;
- duplicated: the transcript does not alternate counterparty / trainee (a line stored twice, or answered twice);
- stale: the stored deal state differs from the engine's replay of the stored transcript, the status
  contradicts the replay (a walked-away session still open), or a finished session took another message.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from trainer.app.practice import ACTIVE, Live, Practice, stored_line
from trainer.app.session import COUNTERPARTY, TRAINEE, Session
from trainer.domain.deal import DealState
from trainer.measure.counterparty import latency_script
from trainer.measure.load import SCENARIO, database
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.storage.store import PracticeSession, Store, StoredTurn
from trainer.voice.realizer import TemplateRealizer

KINDS = ("statement", "commit", "voice", "timer")
KIND_WEIGHTS = (45, 20, 10, 25)
MAX_STATEMENT = 70  # the n-th SQL statement (of a few turns) the child reaches
MAX_COMMIT = 8
MAX_CHUNK = 8
MAX_DELAY_S = 0.4
CHILD_DEADLINE_S = 60.0  # a child that is still alive by then is killed and reported as "not reached"
TABLE = re.compile(r"\b(?:INTO|UPDATE|FROM)\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class KillPlan:
    """Where the child dies: the n-th statement/commit/voice chunk, or after a delay in seconds."""

    kind: str
    at: int = 0
    delay_s: float = 0.0
    after: bool = False  # statements and commits: just after instead of just before


@dataclass
class Audit:
    """What the audit found, cumulatively."""

    sessions: int = 0
    lines: int = 0
    lost: int = 0
    duplicated: int = 0
    stale: int = 0
    problems: list[str] = field(default_factory=list)

    def flag(self, kind: str, message: str) -> None:
        """Count one problem of `kind` (lost, duplicated, stale) and keep its description."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.problems) < 20:
            self.problems.append(f"{kind}: {message}")


def random_plan(rng: random.Random) -> KillPlan:
    """One random kill point."""
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    if kind == "statement":
        return KillPlan(kind, at=rng.randint(1, MAX_STATEMENT), after=rng.random() < 0.5)
    if kind == "commit":
        return KillPlan(kind, at=rng.randint(1, MAX_COMMIT), after=rng.random() < 0.5)
    if kind == "voice":
        return KillPlan(kind, at=rng.randint(1, MAX_CHUNK))
    return KillPlan(kind, delay_s=rng.uniform(0.0, MAX_DELAY_S))


# ------------------------------------------------------------------ the child: plays until it is killed


class _Log:
    """The child's append-only account of what returned (one JSON object per write: atomic under SIGKILL)."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, **record: Any) -> None:
        os.write(self.fd, (json.dumps(record) + "\n").encode("utf-8"))


class _Killer:
    """Counts statements, commits and voice chunks in the child and SIGKILLs it at the planned one."""

    def __init__(self, plan: KillPlan, log: _Log) -> None:
        self.plan, self.log = plan, log
        self.counts: Counter[str] = Counter()
        self.in_write = False

    def die(self, where: str) -> None:
        """Record where, then die the way a power cut or an OOM kill would."""
        self.log.write(kill=where, inside_write=self.in_write)
        os.kill(os.getpid(), signal.SIGKILL)

    def tick(self, kind: str, label: str, after: bool) -> None:
        """One event of `kind`; die if it is the planned one."""
        if kind != self.plan.kind or after != self.plan.after:
            return
        self.counts[kind] += 1
        if self.counts[kind] == self.plan.at:
            self.die(label if kind == "voice" else f"{'after' if after else 'before'} {label}")

    def install(self, store: Store) -> None:
        """Hook the store's engine and sessions."""

        @event.listens_for(store.engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            self.tick("statement", _label(statement), after=False)

        @event.listens_for(store.engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement:
                self.in_write = True
            self.tick("statement", _label(statement), after=True)

        @event.listens_for(store.engine, "commit")
        def before_commit(conn: Any) -> None:
            self.tick("commit", "COMMIT", after=False)

        @event.listens_for(OrmSession, "after_commit")
        def after_commit(session: Any) -> None:
            self.in_write = False
            self.tick("commit", "COMMIT", after=True)

        @event.listens_for(store.engine, "rollback")
        def rolled_back(conn: Any) -> None:
            self.in_write = False


def _label(statement: str) -> str:
    """'INSERT turns', 'BEGIN IMMEDIATE', 'SELECT sessions': what a statement does, for the report."""
    words = statement.split()
    if not words:
        return "statement"
    if words[0].upper() == "BEGIN":
        return " ".join(words[:2]).upper()
    table = TABLE.search(statement)
    return f"{words[0].upper()} {table.group(1) if table else ''}".strip()


class _DyingVoice(TemplateRealizer):
    """The template voice, except that the child dies at the planned chunk of a streamed reply."""

    def __init__(self, killer: _Killer) -> None:
        super().__init__()
        self.killer = killer

    def stream(self, *args: Any, **kwargs: Any):  # noqa: ANN201 - the TemplateRealizer's iterator
        for chunk in super().stream(*args, **kwargs):
            self.killer.tick("voice", "mid-reply (text streamed, the reply not yet committed)", after=False)
            yield chunk


def _child(url: str, trainee_id: str, log_path: Path, plan: KillPlan, seed: int) -> None:
    """Play until killed (or until the deadline, which the parent reports)."""
    log = _Log(log_path)
    killer = _Killer(plan, log)
    store = Store(url)
    killer.install(store)
    scenarios = load_library().scenarios
    practice, voice, rng = Practice(store, scenarios), _DyingVoice(killer), random.Random(seed)
    script = latency_script(scenarios[SCENARIO])
    while True:
        live = _open_session(practice, store, trainee_id, log, rng)
        while live.status == ACTIVE:
            _act(practice, live, voice, log, rng, script)


def _open_session(practice: Practice, store: Store, trainee_id: str, log: _Log, rng: random.Random) -> Live:
    """The trainee's open session, resumed from the store, or a new one (its opening line logged)."""
    for record in store.list_sessions(trainee_id):
        if record.status == ACTIVE:
            live = practice.resume(trainee_id, record.id)
            if live is not None and live.status == ACTIVE:
                return live
    live = practice.start(trainee_id, SCENARIO, seed=rng.randrange(2**31), realizer="template")
    opening = live.lines[0]
    log.write(session=live.session_id, idx=0, speaker=opening.speaker, text=opening.text)
    return live


def _act(practice: Practice, live: Live, voice: TemplateRealizer, log: _Log, rng: random.Random,
         script: list[str]) -> None:  # fmt: skip
    """One call the app makes: reply to a pending line, or send / propose / walk away / end."""
    if live.pending is not None:
        for _ in practice.reply(live, voice, "template"):
            pass
        _log_line(log, live, status=live.status)
        return
    roll = rng.random()
    if roll < 0.04:
        practice.end(live)
        log.write(session=live.session_id, status=live.status)
        return
    if roll < 0.09:
        practice.walk_away(live)
    elif roll < 0.16:
        values = {i.id: i.trainee_target if rng.random() < 0.5 else i.counterparty_reservation
                  for i in live.scenario.issues}  # fmt: skip
        practice.propose(live, values)
    else:
        practice.send(live, script[rng.randrange(len(script))])
    _log_line(log, live)


def _log_line(log: _Log, live: Live, status: str | None = None) -> None:
    """Log the line that just committed (the last one), with the status it left when it was a reply."""
    idx = len(live.lines) - 1
    line = live.lines[idx]
    record: dict[str, Any] = {"session": live.session_id, "idx": idx, "speaker": line.speaker, "text": line.text}
    if status is not None:
        record["status"] = status
    log.write(**record)


# ------------------------------------------------------------------ the parent: fork, kill, audit


def _run_child(url: str, trainee_id: str, log_path: Path, plan: KillPlan, seed: int) -> str:
    """Fork a child with this plan and see it die; returns how it ended (killed / not reached / failed)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            _child(url, trainee_id, log_path, plan, seed)
        except BaseException as exc:  # noqa: BLE001 - reported through the log; the parent counts it
            _Log(log_path).write(child_error=f"{type(exc).__name__}: {exc}"[:300])
        finally:
            os._exit(code)
    if plan.kind == "timer":
        time.sleep(plan.delay_s)
        os.kill(pid, signal.SIGKILL)
    return _reap(pid)


def _reap(pid: int) -> str:
    """Wait for the child; kill it if it outlives the deadline."""
    deadline = time.monotonic() + CHILD_DEADLINE_S
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "not reached"
        time.sleep(0.002)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return "killed"
    return "failed"


def read_log(path: Path) -> list[dict[str, Any]]:
    """Every complete record the children wrote."""
    if not path.exists():
        return []
    records = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(raw))
        except json.JSONDecodeError:
            continue
    return records


def audit(store: Store, scenarios: dict[str, Scenario], trainee_id: str, records: list[dict[str, Any]]) -> Audit:
    """Check every session of the trainee against the engine's replay and against what the children saw."""
    result = Audit()
    stored: dict[str, tuple[PracticeSession, list[StoredTurn]]] = {}
    for record in store.list_sessions(trainee_id):
        snapshot = store.session_with_turns(record.id, trainee_id)
        if snapshot is not None:
            stored[record.id] = snapshot
    for record, turns in stored.values():
        result.sessions += 1
        result.lines += len(turns)
        _audit_session(result, scenarios[record.scenario_id], record, turns)
    for seen in records:
        if "session" in seen:
            _audit_seen(result, seen, stored)
    return result


def _audit_session(result: Audit, scenario: Scenario, record: PracticeSession, turns: list[StoredTurn]) -> None:
    """Opening line, alternation, state equal to the replay, status consistent with the replay."""
    sid = record.id[:8]
    if not turns or turns[0].speaker != COUNTERPARTY or not (turns[0].meta or {}).get("opening"):
        result.flag("lost", f"session {sid} has no opening line")
    for i, turn in enumerate(turns):
        expected = COUNTERPARTY if i % 2 == 0 else TRAINEE
        if turn.idx != i or turn.speaker != expected:
            result.flag("duplicated", f"session {sid} line {i} is {turn.speaker}'s, expected {expected}'s")
            return
    replay = Session.replay(scenario, record.seed, [stored_line(t) for t in turns]).state
    assert replay is not None
    try:
        state = DealState.model_validate_json(record.state_json)
    except ValidationError:
        state = None
    if state != replay:
        result.flag("stale", f"session {sid}: stored state (turn {getattr(state, 'turn', None)}) is not the "
                             f"replay of its {len(turns)} lines (turn {replay.turn})")  # fmt: skip
    if replay.is_over and record.status != replay.status.value:
        result.flag("stale", f"session {sid} is {record.status!r} but the replay is {replay.status.value!r}")
    if not replay.is_over and record.status not in (ACTIVE, "ended"):
        result.flag("stale", f"session {sid} is {record.status!r} but the replay is still open")
    if replay.is_over and turns and turns[-1].speaker == TRAINEE:
        result.flag("stale", f"session {sid} took a message after it was over")


def _audit_seen(result: Audit, seen: dict[str, Any], stored: dict[str, tuple[PracticeSession, list[StoredTurn]]]) -> None:
    """A line or status a child saw committed must be in the store, at its place."""
    snapshot = stored.get(seen["session"])
    if snapshot is None:
        result.flag("lost", f"session {seen['session'][:8]} was seen committed and is gone")
        return
    record, turns = snapshot
    if "idx" in seen:
        idx = seen["idx"]
        if idx >= len(turns) or (turns[idx].speaker, turns[idx].text) != (seen["speaker"], seen["text"]):
            result.flag("lost", f"session {record.id[:8]} line {idx} ({seen['speaker']}) was seen committed")
    if seen.get("status") not in (None, ACTIVE) and record.status != seen["status"]:
        result.flag("lost", f"session {record.id[:8]} was seen {seen['status']!r}, is {record.status!r}")


def run_crash(kills: int, db_url: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Kill `kills` children at random points and audit after each; the report `trainer bench crash` prints."""
    rng = random.Random(seed)
    scenarios = load_library().scenarios
    outcomes: Counter[str] = Counter()
    with database(db_url) as url, tempfile.TemporaryDirectory(prefix="leverage-crash-") as tmp:
        log_path = Path(tmp) / "seen.jsonl"
        store = Store(url)
        store.migrate()
        trainee_id = store.create_trainee("Crash trainee").id
        store.dispose()  # no connection may cross a fork
        result, timers = Audit(), 0
        for n in range(kills):
            plan = random_plan(rng)
            outcome = _run_child(url, trainee_id, log_path, plan, seed * 100_000 + n)
            outcomes[outcome] += 1
            timers += plan.kind == "timer" and outcome == "killed"
            store = Store(url)
            try:
                result = audit(store, scenarios, trainee_id, read_log(log_path))
            finally:
                store.dispose()
            if result.lost or result.duplicated or result.stale:
                break  # the first damage is the interesting one
        records = read_log(log_path)
    return _report(kills, store.dialect, outcomes, records, result, timers)


def _report(
    kills: int, backend: str, outcomes: Counter[str], records: list[dict[str, Any]], result: Audit, timers: int
) -> dict[str, Any]:
    """The numbers, with where the kills landed (a timer's kill lands wherever the child happened to be)."""
    where = Counter(r["kill"] for r in records if "kill" in r)
    if timers:
        where["after a random delay (wherever the child was)"] = timers
    return {
        "kills_planned": kills, "backend": backend,
        "killed": outcomes["killed"], "not_reached": outcomes["not reached"], "failed": outcomes["failed"],
        "inside_write_transaction": sum(1 for r in records if r.get("inside_write")),
        "kill_points": dict(where.most_common()),
        "child_errors": [r["child_error"] for r in records if "child_error" in r][:5],
        "sessions": result.sessions, "lines": result.lines,
        "lines_seen_committed": sum(1 for r in records if "idx" in r),
        "lost": result.lost, "duplicated": result.duplicated, "stale": result.stale,
        "problems": result.problems,
    }  # fmt: skip


def format_report(report: dict[str, Any]) -> str:
    """The human-readable lines."""
    lines = [
        f"{report['killed']} of {report['kills_planned']} children killed with SIGKILL on {report['backend']} "
        f"({report['inside_write_transaction']} inside a write transaction; not reached {report['not_reached']}, "
        f"failed {report['failed']})",
        f"audited {report['sessions']} sessions, {report['lines']} lines ({report['lines_seen_committed']} seen "
        f"committed): lost {report['lost']}, duplicated {report['duplicated']}, stale {report['stale']}",
        "where the kills landed:",
    ]
    lines += [f"  {count:>3} x {where}" for where, count in report["kill_points"].items()]
    lines += [f"  child error: {e}" for e in report["child_errors"]]
    lines += [f"  {p}" for p in report["problems"]]
    return "\n".join(lines)

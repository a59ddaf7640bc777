"""`trainer bench load`: N simulated trainees playing at once through the practice service, on one database.

Each simulated trainee does what a trainee does in the app: it gets a trainee row, starts a session (the
session row and the opening line), then sends a line and streams the reply, turn after turn, starting a new
session when one ends. Trainees run as threads sharing one store (the Streamlit server: one process, one
thread per browser session) or as processes with a store each (several app processes on one database).

What it reports: completed turns per second, the p50/p95 latency of a turn (send + the whole reply), the
p50/p95 time to the reply's first text, every error by kind, trainees that never got a session started, and
lost turns: lines a trainee saw committed that the database does not hold at that place afterwards (plus
lines the database holds that no trainee saw committed).
With the embedded model (`realizer="llm"`, threads only: one model per process) replies wait their turn in
the app's queue (`trainer.app.model_queue`); the report says how far back in that queue replies waited.
"""

from __future__ import annotations

import multiprocessing
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import create_engine, text

from trainer.app import factories
from trainer.app.model_queue import ModelQueue, QueueWait
from trainer.app.practice import ACTIVE, Live, Practice
from trainer.app.session import Realizer
from trainer.config import get_settings
from trainer.measure.counterparty import latency_script
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.storage.connection import normalise_url
from trainer.storage.store import Store
from trainer.voice.realizer import TemplateRealizer

Mode = Literal["threads", "processes"]
Voice = Literal["template", "llm"]
MODES: tuple[str, ...] = ("threads", "processes")
VOICES: tuple[str, ...] = ("template", "llm")
SCENARIO = "carmaker-renewal"
START_TIMEOUT_S = 300.0  # every trainee must be ready to play within this (forking 50 processes on 2 cores)
RUN_TIMEOUT_S = 3600.0


class LoadError(ValueError):
    """A plan that cannot run (unknown scenario, the model in processes); the message says why."""


@dataclass(frozen=True)
class LoadPlan:
    """What to simulate."""

    trainees: int = 50
    turns: int = 10  # per trainee
    mode: Mode = "threads"
    realizer: Voice = "template"
    pause_s: float = 0.0  # each trainee thinks for uniform(0, pause_s) seconds between turns
    scenario_id: str = SCENARIO
    seed: int = 0


@dataclass
class TraineeRun:
    """One simulated trainee's account: what it did, how long each turn took, what went wrong."""

    index: int
    started: bool = False
    turns: int = 0
    latencies: list[float] = field(default_factory=list)
    first_text: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    transcripts: dict[str, list[str]] = field(default_factory=dict)  # session id -> lines it saw committed
    max_ahead: int = 0  # the furthest back in the model's queue one of its replies waited


# ------------------------------------------------------------------ one simulated trainee


def describe(exc: BaseException) -> str:
    """An error's kind for the report: its type and the first line of its message."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:160]}"


def _voice(plan: LoadPlan) -> Realizer:
    """The voice this trainee's replies use (the model's exactly as the app builds it)."""
    if plan.realizer == "template":
        return TemplateRealizer()
    return factories.model_realizer(get_settings())


class Trainee:
    """A simulated trainee: the app's calls in the app's order, timed."""

    def __init__(self, index: int, plan: LoadPlan, store: Store, scenarios: dict[str, Scenario],
                 queue: ModelQueue | None) -> None:  # fmt: skip
        self.run = TraineeRun(index)
        self.plan, self.store, self.queue = plan, store, queue
        self.practice = Practice(store, scenarios)
        self.script = latency_script(scenarios[plan.scenario_id])
        self.rng = random.Random(f"{plan.seed}:{index}")
        self.voice = _voice(plan)
        self.sessions: list[Live] = []

    def play(self) -> TraineeRun:
        """Sign up, then play `turns` turns (errors are counted, and the trainee carries on as a person would)."""
        try:
            trainee_id = self.store.create_trainee(f"Load trainee {self.run.index}").id
        except Exception as exc:  # noqa: BLE001 - every failure is the measurement
            self.run.errors.append(describe(exc))
            return self.run
        live: Live | None = None
        for n in range(self.plan.turns):
            if live is None or live.status != ACTIVE:
                live = self._start(trainee_id)
            if live is not None:
                self._turn(live, self.script[n % len(self.script)])
            if self.plan.pause_s:
                time.sleep(self.rng.uniform(0, self.plan.pause_s))
        self.run.transcripts = {live.session_id: [line.text for line in live.lines] for live in self.sessions}
        return self.run

    def _start(self, trainee_id: str) -> Live | None:
        """A new session with its opening line (None, counted, if it failed)."""
        try:
            live = self.practice.start(trainee_id, self.plan.scenario_id, seed=self.rng.randrange(2**31),
                                       realizer=self.plan.realizer)  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            self.run.errors.append(describe(exc))
            return None
        self.run.started = True
        self.sessions.append(live)
        return live

    def _turn(self, live: Live, line: str) -> None:
        """Send a line (unless one is still waiting for its reply) and stream the reply, timed."""
        started, first = time.perf_counter(), None
        try:
            if live.pending is None:
                self.practice.send(live, line)
            chunks = self.practice.reply(live, self.voice, self.plan.realizer, self.queue, self._waited)
            for _ in chunks:
                first = time.perf_counter() - started if first is None else first
        except Exception as exc:  # noqa: BLE001
            self.run.errors.append(describe(exc))
            return
        total = time.perf_counter() - started
        self.run.turns += 1
        self.run.latencies.append(total)
        self.run.first_text.append(total if first is None else first)

    def _waited(self, wait: QueueWait) -> None:
        """The queue told this trainee its place: keep the furthest."""
        self.run.max_ahead = max(self.run.max_ahead, wait.ahead)


# ------------------------------------------------------------------ threads and processes


def _in_threads(plan: LoadPlan, url: str, scenarios: dict[str, Scenario]) -> tuple[list[TraineeRun], float]:
    """Every trainee a thread on one shared store, released together; returns their runs and the wall time."""
    store = Store(url)
    queue = factories.model_queue(get_settings(), "llm") if plan.realizer == "llm" else None
    trainees = [Trainee(i, plan, store, scenarios, queue) for i in range(plan.trainees)]
    runs: list[TraineeRun | None] = [None] * plan.trainees
    gate = threading.Barrier(plan.trainees + 1)

    def body(trainee: Trainee) -> None:
        gate.wait()
        runs[trainee.run.index] = trainee.play()

    threads = [threading.Thread(target=body, args=(t,), daemon=True) for t in trainees]
    for thread in threads:
        thread.start()
    gate.wait(START_TIMEOUT_S)
    started = time.perf_counter()
    for thread in threads:
        thread.join(RUN_TIMEOUT_S)
    wall = time.perf_counter() - started
    store.dispose()
    return [run or TraineeRun(i, errors=["no result (thread hung)"]) for i, run in enumerate(runs)], wall


def _process_main(index: int, plan: LoadPlan, url: str, gate: Any, results: Any) -> None:
    """One trainee in its own process with its own store (fork: the parent's imports and library are shared)."""
    try:
        trainee = Trainee(index, plan, Store(url), load_library().scenarios, None)
    except Exception as exc:  # noqa: BLE001
        gate.wait(START_TIMEOUT_S)
        results.put(TraineeRun(index, errors=[describe(exc)]))
        return
    gate.wait(START_TIMEOUT_S)
    run = trainee.play()
    trainee.store.dispose()
    results.put(run)


def _context() -> Any:
    """fork where there is one (cheap: 50 processes share the parent's imported code), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _in_processes(plan: LoadPlan, url: str) -> tuple[list[TraineeRun], float]:
    """Every trainee a process, released together once all are ready; returns their runs and the wall time."""
    ctx = _context()
    gate, results = ctx.Barrier(plan.trainees + 1), ctx.Queue()
    procs = [ctx.Process(target=_process_main, args=(i, plan, url, gate, results), daemon=True)
             for i in range(plan.trainees)]  # fmt: skip
    for proc in procs:
        proc.start()
    gate.wait(START_TIMEOUT_S)
    started = time.perf_counter()
    runs: dict[int, TraineeRun] = {}
    deadline = started + RUN_TIMEOUT_S
    while len(runs) < plan.trainees and time.perf_counter() < deadline:
        try:
            run = results.get(timeout=1.0)
        except Exception:  # noqa: BLE001 - queue.Empty: check whether the rest are still alive
            if not any(p.is_alive() for p in procs):
                break
            continue
        runs[run.index] = run
    wall = time.perf_counter() - started
    for proc in procs:
        proc.join(5)
    return [runs.get(i) or TraineeRun(i, errors=["no result (the process died)"]) for i in range(plan.trainees)], wall


# ------------------------------------------------------------------ the database under test


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The database to load: a fresh SQLite file by default; on PostgreSQL a throwaway schema, dropped after."""
    if url is None:
        with tempfile.TemporaryDirectory(prefix="leverage-load-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'load.db'}"
        return
    if normalise_url(url).get_backend_name() != "postgresql":
        yield url
        return
    schema = f"load_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = normalise_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ------------------------------------------------------------------ the report


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), interpolated; None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


def lost_and_extra(store: Store, runs: list[TraineeRun]) -> tuple[int, int]:
    """(lines a trainee saw committed that are not stored at their place, stored lines no trainee saw)."""
    lost = extra = 0
    for run in runs:
        for session_id, seen in run.transcripts.items():
            stored = [turn.text for turn in store.list_turns(session_id)]
            lost += sum(1 for i, line in enumerate(seen) if i >= len(stored) or stored[i] != line)
            extra += max(0, len(stored) - len(seen))
    return lost, extra


def summarise(plan: LoadPlan, backend: str, runs: list[TraineeRun], wall: float, lost: int, extra: int) -> dict[str, Any]:
    """The numbers `trainer bench load` prints."""
    latencies = [x for r in runs for x in r.latencies]
    first = [x for r in runs for x in r.first_text]
    turns = sum(r.turns for r in runs)
    kinds = Counter(e for r in runs for e in r.errors)
    rounded = lambda v: None if v is None else round(v, 4)  # noqa: E731
    return {
        "trainees": plan.trainees, "mode": plan.mode, "backend": backend, "realizer": plan.realizer,
        "turns_per_trainee": plan.turns, "pause_s": plan.pause_s,
        "turns": turns, "errors": sum(kinds.values()), "never_started": sum(1 for r in runs if not r.started),
        "lost_turns": lost, "extra_lines": extra,
        "wall_s": round(wall, 3), "turns_per_s": round(turns / wall, 2) if wall > 0 else None,
        "p50_s": rounded(percentile(latencies, 50)), "p95_s": rounded(percentile(latencies, 95)),
        "first_text_p50_s": rounded(percentile(first, 50)), "first_text_p95_s": rounded(percentile(first, 95)),
        "max_queue_ahead": max((r.max_ahead for r in runs), default=0),
        "error_kinds": dict(kinds.most_common(10)),
    }  # fmt: skip


def check(plan: LoadPlan, scenarios: dict[str, Scenario]) -> None:
    """Refuse a plan that cannot run, before any database is touched."""
    if plan.trainees < 1 or plan.turns < 1:
        raise LoadError("--trainees and --turns must be at least 1")
    if plan.mode not in MODES or plan.realizer not in VOICES:
        raise LoadError(f"mode must be one of {MODES} and realizer one of {VOICES}")
    if plan.scenario_id not in scenarios:
        raise LoadError(f"unknown scenario {plan.scenario_id!r}")
    if plan.realizer == "llm" and plan.mode == "processes":
        raise LoadError("the embedded model is loaded once per process: measure it with --mode threads")


def run_load(plan: LoadPlan, db_url: str | None = None) -> dict[str, Any]:
    """Simulate the plan against a database and report; LoadError for a plan that cannot run.

    With realizer="llm" the model's voice is built first, so an unavailable model fails before anything runs
    (LLMUnavailable) instead of being measured as errors."""
    scenarios = load_library().scenarios
    check(plan, scenarios)
    if plan.realizer == "llm":
        factories.warm_model(get_settings())
        _voice(plan)
    with database(db_url) as url:
        setup = Store(url)
        setup.migrate()
        backend = setup.dialect
        setup.dispose()  # no connection may cross a fork
        runs, wall = _in_threads(plan, url, scenarios) if plan.mode == "threads" else _in_processes(plan, url)
        check_store = Store(url)
        try:
            lost, extra = lost_and_extra(check_store, runs)
        finally:
            check_store.dispose()
    return summarise(plan, backend, runs, wall, lost, extra)


def format_report(report: dict[str, Any]) -> str:
    """The human-readable lines."""
    ms = lambda v: "-" if v is None else f"{v * 1000:.0f} ms"  # noqa: E731
    lines = [
        f"{report['trainees']} trainees as {report['mode']} on {report['backend']}, {report['realizer']} voice, "
        f"{report['turns_per_trainee']} turns each: {report['turns']} turns in {report['wall_s']:.1f} s "
        f"({report['turns_per_s']} turns/s)",
        f"turn latency p50 {ms(report['p50_s'])}, p95 {ms(report['p95_s'])}; first text p50 "
        f"{ms(report['first_text_p50_s'])}, p95 {ms(report['first_text_p95_s'])}",
        f"errors {report['errors']}, never started {report['never_started']}, lost turns {report['lost_turns']}, "
        f"unexpected lines {report['extra_lines']}",
    ]
    if report["realizer"] == "llm":
        lines.append(f"the furthest back a reply waited in the model's queue: {report['max_queue_ahead']} ahead")
    lines += [f"  {count} x {kind}" for kind, count in report["error_kinds"].items()]
    return "\n".join(lines)

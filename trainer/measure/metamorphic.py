"""Metamorphic exploitation relations, part of `trainer eval counterparty`.

N base trainee scripts are built from varied material (gold trainee lines recombined, neutral lines carrying the
scenario's own numbers, order shuffles, 4-9 lines). Each script is played in every scenario with and without one
inserted line per relation (evals/counterparty/metamorphic.yaml):

- inserting a mistake (urgency, a weak alternative, deference, an unprompted concession, yielding the process)
  must never improve the trainee's outcome;
- inserting a good move (a stakeholder probe, a question about needs or constraints, a challenge to their
  alternative, an objective standard, a conditional trade) must never worsen it.

The outcome is `room_captured` (it moves with every counterparty step); the trainee's utility is reported beside
it. A violation is a strict move the wrong way (tolerance 1e-9); the expected strict effect is a strict move the
right way. Each pair also records whether the reader read the inserted line as the intended act: a misread line
cannot have its effect, so "strict among read" separates the engine's answer from the reader's reading.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache, lru_cache
from multiprocessing import get_context
from typing import Any

from trainer.config import REPO_ROOT
from trainer.domain.acts import ActKind, TurnAnalysis
from trainer.domain.deal import DealState
from trainer.engine.outcome import compute_outcome, room_captured
from trainer.engine.policy import Move
from trainer.engine.terms import format_value
from trainer.engine.turn import Engine
from trainer.measure.progress import progress as stderr_progress
from trainer.measure.scripts import fill_slots, load_yaml, script_slots
from trainer.reader.analysis import analyse_turn
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.voice.realizer import TemplateRealizer

GOLD_DIR = REPO_ROOT / "evals" / "gold"
# heldout/ stays blind (evals/gold/README.md): violations print whole scripts, so only train/ and dev/ lines are used.
GOLD_SPLITS = ("train", "dev")
SPEC_FILE = "metamorphic.yaml"
TOLERANCE = 1e-9
VIOLATION_MAX = 0.01  # share of pairs
STRICT_MIN = 0.80  # share of pairs with the expected strict effect
MIN_LINES, MAX_LINES = 4, 9
DEFAULT_SCRIPTS = 1000
DEFAULT_SEED = 0
WORKERS = 2

MISTAKE_ACTS = frozenset(
    {
        ActKind.disclose_urgency,
        ActKind.disclose_weak_alternative,
        ActKind.deference,
        ActKind.concession,
        ActKind.accept_their_process,
    }
)
ENDING_ACTS = frozenset({ActKind.accept, ActKind.walk_away})
GOOD_ACTS = frozenset(
    {
        ActKind.question_stakeholders,
        ActKind.question_interests,
        ActKind.question_constraints,
        ActKind.challenge_alternative,
        ActKind.objective_standard,
        ActKind.conditional_trade,
    }
)


# ------------------------------------------------------------------ material


def meta_slots(scenario: Scenario) -> dict[str, str]:
    """`script_slots` plus the second issue's target (neutral lines state only the trainee's targets)."""
    slots = script_slots(scenario)
    second = sorted(scenario.issues, key=lambda i: -i.trainee_weight)[1]
    slots["second_target"] = format_value(second, second.trainee_target)
    return slots


def fill(line: str, scenario: Scenario) -> str:
    """A line template filled with the scenario's slots."""
    return fill_slots(line, meta_slots(scenario))


@cache
def spec() -> dict[str, Any]:
    """The relations file."""
    return load_yaml(SPEC_FILE)


def relations() -> list[str]:
    """Relation ids in file order (mistakes first)."""
    return list(spec()["relations"])


def gold_trainee_lines(splits: Sequence[str] = GOLD_SPLITS) -> list[str]:
    """Every distinct trainee line of the gold transcripts in the given splits, in a stable order."""
    seen: dict[str, None] = {}
    for split in splits:
        for path in sorted((GOLD_DIR / split).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            for turn in doc.get("turns", []):
                text = " ".join(str(turn.get("text", "")).split())
                if turn.get("speaker") == "trainee" and text and "{" not in text:
                    seen.setdefault(text, None)
    return list(seen)


def _contexts(scenario: Scenario) -> list[str | None]:
    """Counterparty lines a base line may follow: none, or its opening and process proposals (one text: the reader
    only asks whether the previous line proposed a piece of process or asked for a fallback)."""
    return [None, " ".join([scenario.counterparty.opening_line, *(t.line for t in scenario.process_traps)])]


def _problem_in(analysis: TurnAnalysis, offers: bool = False) -> str | None:
    kinds = {a.kind for a in analysis.acts}
    if kinds & MISTAKE_ACTS:
        return f"mistake:{sorted(k.value for k in kinds & MISTAKE_ACTS)}"
    if kinds & ENDING_ACTS:
        return "ends the session"
    if analysis.offers() and not offers:
        return "offer with another negotiation's numbers"
    return None


def neutral_problem(text: str, scenario: Scenario, offers: bool = False) -> str | None:
    """Why a line cannot sit in a base script for this scenario (a tested mistake, an ending, a stray offer;
    `offers` allows offers, for the neutral lines that state the scenario's own targets)."""
    for previous in _contexts(scenario):
        problem = _problem_in(analyse_turn(text, scenario, previous), offers)
        if problem:
            return problem
    return None


_POOLS: dict[tuple[str, ...], list[str]] = {}


def _neutral_pool(scenarios: list[Scenario]) -> list[str]:
    key = tuple(sc.id for sc in scenarios)
    if key in _POOLS:
        return _POOLS[key]
    kept = []
    for line in gold_trainee_lines():
        if _problem_in(analyse_turn(line, None, None)):
            continue  # a mistake or an ending in any scenario: no need to read it ten times
        if all(neutral_problem(line, sc) is None for sc in scenarios):
            kept.append(line)
    _POOLS[key] = kept
    return kept


def neutral_gold_lines(scenarios: Iterable[Scenario]) -> list[str]:
    """Gold trainee lines that the reader reads as none of the tested mistakes, no ending and no offer, in every
    scenario and after its opening or process lines (so one script is neutral wherever it is played)."""
    return list(_neutral_pool(sorted(scenarios, key=lambda s: s.id)))


@dataclass(frozen=True)
class Script:
    """One base script: line templates (neutral lines keep their {slots}), how it was built, its play seed."""

    id: int
    kind: str  # "transcript" | "mix" | "shuffle"
    lines: tuple[str, ...]
    seed: int


@dataclass(frozen=True)
class Insertion:
    """One relation's line (a template) inserted before base line `position` (0 = first)."""

    relation: str
    line: str
    position: int


def _with_neutral(rng: random.Random, lines: list[str], neutral: list[str]) -> list[str]:
    """Mix in one to three neutral lines (the scenario's issues and numbers) at random places."""
    out = list(lines)
    for line in rng.sample(neutral, rng.randint(1, 3)):
        out.insert(rng.randint(0, len(out)), line)
    return out


def build_scripts(
    n: int = DEFAULT_SCRIPTS, seed: int = DEFAULT_SEED, scenarios: Iterable[Scenario] | None = None
) -> list[Script]:
    """N distinct base scripts (seeded, deterministic): a gold transcript's trainee lines in their order, a mix
    across transcripts, or an order shuffle of an earlier script; each with 1-3 neutral scenario lines."""
    scs = list(scenarios if scenarios is not None else load_library().scenarios.values())
    pool = neutral_gold_lines(scs)
    by_transcript = _lines_by_transcript(set(pool))
    neutral = list(spec()["neutral_lines"])
    rng = random.Random(f"metamorphic:{seed}")
    out: list[Script] = []
    seen: set[tuple[str, ...]] = set()
    attempts = 0
    while len(out) < n and attempts < n * 50:
        attempts += 1
        length = rng.randint(MIN_LINES, MAX_LINES)
        roll = rng.random()
        if out and roll < 0.2:
            kind, lines = "shuffle", list(rng.choice(out).lines)
            rng.shuffle(lines)
        elif roll < 0.5 and by_transcript:
            kind, source = "transcript", rng.choice(by_transcript)
            lines = _with_neutral(rng, source[: max(length - 2, 1)], neutral)
        else:
            kind = "mix"
            lines = rng.sample(pool, min(length - 2, len(pool)))
            lines = _with_neutral(rng, lines, neutral)
        lines = lines[:MAX_LINES]
        if len(lines) < MIN_LINES or tuple(lines) in seen:
            continue
        seen.add(tuple(lines))
        out.append(Script(id=len(out), kind=kind, lines=tuple(lines), seed=len(out) % 97))
    return out


def _lines_by_transcript(allowed: set[str]) -> list[list[str]]:
    """Per gold transcript, its neutral trainee lines in order (transcripts with at least two)."""
    out = []
    for split in GOLD_SPLITS:
        for path in sorted((GOLD_DIR / split).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            lines = [" ".join(str(t.get("text", "")).split()) for t in doc.get("turns", [])
                     if t.get("speaker") == "trainee"]  # fmt: skip
            kept = [ln for ln in lines if ln in allowed]
            if len(kept) >= 2:
                out.append(kept)
    return out


def plan_insertions(script: Script, seed: int = DEFAULT_SEED) -> list[Insertion]:
    """One insertion per relation: a line from its pool and a position before one of the base lines (the first
    included, and the last line's slot, so at least one base line always follows)."""
    rng = random.Random(f"insert:{seed}:{script.id}")
    out = []
    for rel in relations():
        line = rng.choice(spec()["relations"][rel]["lines"])
        out.append(Insertion(rel, line, rng.randrange(len(script.lines))))
    return out


# ------------------------------------------------------------------ playing


_READS: dict[str, dict[tuple[str, str | None], TurnAnalysis]] = {}
READ_CACHE_MAX = 200_000  # entries per scenario; cleared when full


class Player:
    """Plays scripts in one scenario with the template voice; the reader is memoised per (text, previous)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.voice = TemplateRealizer()
        self._reads = _READS.setdefault(scenario.id, {})  # kept across chunks in a worker process

    def read(self, text: str, scenario: Scenario | None, previous: str | None) -> TurnAnalysis:
        """`analyse_turn`, memoised (it is pure and deterministic)."""
        key = (text, previous)
        if key not in self._reads:
            if len(self._reads) >= READ_CACHE_MAX:
                self._reads.clear()
            self._reads[key] = analyse_turn(text, self.scenario, previous)
        return self._reads[key]

    def engine(self, seed: int) -> Engine:
        return Engine(self.scenario, seed, analyser=self.read)

    def say(self, move: Move, state: DealState) -> str:
        """The counterparty's line as Session records it (the streamed chunks joined and stripped)."""
        return "".join(self.voice.stream(move, state, self.scenario, ())).strip()

    def open(self, engine: Engine) -> tuple[DealState, str]:
        state, move = engine.open()
        return state, self.say(move, state) or self.scenario.counterparty.opening_line

    def play_from(
        self, engine: Engine, state: DealState, previous: str, lines: Sequence[str]
    ) -> tuple[list[tuple[DealState, str]], list[TurnAnalysis]]:
        """Step through lines (stopping once the deal closes); snapshots[i] is (state, previous) before line i."""
        snaps, reads = [(state, previous)], []
        for line in lines:
            if state.is_over:
                break
            result = engine.step(state, line, previous)
            state, previous = result.state, self.say(result.move, result.state)
            snaps.append((state, previous))
            reads.append(result.analysis)
        return snaps, reads


def _score(state: DealState, scenario: Scenario) -> tuple[float, float]:
    return room_captured(state, scenario), compute_outcome(state, scenario).trainee_utility


def _read_as_intended(analysis: TurnAnalysis | None, rel: dict[str, Any]) -> bool:
    """The intended act is there, and nothing of the opposite family (a mistake read into a good move...)."""
    if analysis is None:
        return False
    kinds = {a.kind for a in analysis.acts}
    wanted = {ActKind(k) for k in rel["acts"]}
    opposite = MISTAKE_ACTS if rel["kind"] == "good" else GOOD_ACTS
    if ActKind.concession in wanted and ActKind.conditional_trade in kinds:
        return False  # a concession traded for something is not unprompted
    return bool(kinds & wanted) and not (kinds & opposite)


def _base_mistakes(state: DealState, reads: list[TurnAnalysis]) -> list[str]:
    """Tested mistakes a base script committed in play (it should have none)."""
    found = sorted({a.kind.value for r in reads for a in r.acts if a.kind in MISTAKE_ACTS | ENDING_ACTS})
    m = state.mistakes
    if m.unprompted_concessions and "concession" not in found:
        found.append("unprompted_concession")
    if m.process_given and "accept_their_process" not in found:
        found.append("process_given")
    return found


def run_scripts(scenario: Scenario, scripts: Sequence[Script], seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """Every pair for these scripts in one scenario: one record per (script, relation)."""
    player, rels, out = Player(scenario), spec()["relations"], []
    for script in scripts:
        engine = player.engine(script.seed)
        lines = [fill(x, scenario) for x in script.lines]
        state, previous = player.open(engine)
        snaps, reads = player.play_from(engine, state, previous, lines)
        base_room, base_util = _score(snaps[-1][0], scenario)
        base_mistakes = _base_mistakes(snaps[-1][0], reads)
        for ins in plan_insertions(script, seed):
            rel = rels[ins.relation]
            inserted = fill(ins.line, scenario)
            if ins.position < len(snaps) and not snaps[ins.position][0].is_over:
                s0, p0 = snaps[ins.position]
                v_snaps, v_reads = player.play_from(engine, s0, p0, [inserted, *lines[ins.position :]])
                v_state, read = v_snaps[-1][0], (v_reads[0] if v_reads else None)
            else:  # the base deal closed before the insertion point: the line is never said
                v_state, read = snaps[-1][0], None
            room, util = _score(v_state, scenario)
            at = snaps[min(ins.position, len(snaps) - 1)][0]
            moved_after = abs(base_room - room_captured(at, scenario)) > TOLERANCE
            d_room, d_util = room - base_room, util - base_util
            sign = 1 if rel["kind"] == "good" else -1
            out.append(
                {
                    "script": script.id,
                    "scenario": scenario.id,
                    "relation": ins.relation,
                    "kind": rel["kind"],
                    "position": ins.position,
                    "line": inserted,
                    "acts": [a.kind.value for a in read.acts] if read else [],
                    "read": _read_as_intended(read, rel),
                    "base_room": round(base_room, 6),
                    "room": round(room, 6),
                    "d_room": d_room,
                    "d_utility": d_util,
                    "violation": sign * d_room < -TOLERANCE,
                    "strict": sign * d_room > TOLERANCE,
                    "utility_violation": sign * d_util < -TOLERANCE,
                    "base_mistakes": base_mistakes,
                    "base_moved_after": moved_after,  # the base's counterparty still moved after the insertion
                }
            )
    return out


def _job(args: tuple[str, list[Script], int]) -> list[dict[str, Any]]:
    """A worker's share: one scenario, a chunk of scripts (the library is loaded in the worker)."""
    sid, scripts, seed = args
    return run_scripts(_library()[sid], scripts, seed)


@lru_cache(maxsize=1)
def _library() -> dict[str, Scenario]:
    return load_library().scenarios



def run_metamorphic(
    n_scripts: int = DEFAULT_SCRIPTS,
    scenarios: dict[str, Scenario] | None = None,
    seed: int = DEFAULT_SEED,
    workers: int = WORKERS,
    chunk: int = 100,
    progress: Callable[[str], None] | None = stderr_progress,
    keep_pairs: bool = False,
) -> dict[str, Any]:
    """Build the scripts, play every pair in every scenario, and summarise (see `summarise`); `keep_pairs` adds
    every pair record under "pairs" (large: not for the CLI's JSON)."""
    started = time.monotonic()
    library = scenarios if scenarios is not None else _library()
    scripts = build_scripts(n_scripts, seed, library.values())
    say = progress or (lambda _m: None)
    say(f"metamorphic: {len(scripts)} scripts x {len(library)} scenarios x {len(relations())} relations")
    jobs = [(sid, scripts[i : i + chunk], seed) for sid in sorted(library) for i in range(0, len(scripts), chunk)]
    pairs: list[dict[str, Any]] = []
    if workers > 1 and len(jobs) > 1 and scenarios is None:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            futures = [pool.submit(_job, job) for job in jobs]
            for done, fut in enumerate(as_completed(futures), 1):
                pairs += fut.result()
                _tick(say, done, len(jobs), pairs, started)
    else:
        for done, (sid, chunk_scripts, s) in enumerate(jobs, 1):
            pairs += run_scripts(library[sid], chunk_scripts, s)
            _tick(say, done, len(jobs), pairs, started)
    pairs.sort(key=lambda p: (p["script"], p["scenario"], p["relation"]))
    report = summarise(pairs, scripts, library)
    report["seconds"] = round(time.monotonic() - started, 1)
    if keep_pairs:
        report["pairs_list"] = pairs
    return report


def _tick(say: Callable[[str], None], done: int, total: int, pairs: list[dict[str, Any]], started: float) -> None:
    bad = sum(p["violation"] for p in pairs)
    say(f"metamorphic: {done}/{total} chunks, {len(pairs)} pairs, {bad} violations, "
        f"{time.monotonic() - started:.0f} s")  # fmt: skip


# ------------------------------------------------------------------ summary and report


def share(k: float, d: float) -> float:
    """k / d to four places (0 when there is nothing to divide)."""
    return round(k / d, 4) if d else 0.0


def _rates(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(pairs)
    read = [p for p in pairs if p["read"]]
    moved = [p for p in pairs if p["base_moved_after"]]
    return {
        "pairs": n,
        "violations": sum(p["violation"] for p in pairs),
        "violations_read": sum(p["violation"] for p in read),  # the line was read as its act
        "violation_rate": share(sum(p["violation"] for p in pairs), n),
        "strict_rate": share(sum(p["strict"] for p in pairs), n),
        "read_rate": share(len(read), n),
        "strict_among_read": share(sum(p["strict"] for p in read), len(read)),
        "utility_violations": sum(p["utility_violation"] for p in pairs),
        "moved_after_rate": share(len(moved), n),
        "strict_when_moved": share(sum(p["strict"] for p in moved), len(moved)),
        "mean_d_room": round(statistics.mean(p["d_room"] for p in pairs), 4) if pairs else 0.0,
    }


def summarise(pairs: list[dict[str, Any]], scripts: Sequence[Script], library: dict[str, Scenario]) -> dict[str, Any]:
    """Totals, per relation, per scenario, and every violation with both versions of its script."""
    by_id = {s.id: s for s in scripts}
    violations = []
    for p in pairs:
        if p["violation"]:
            base = [fill(x, library[p["scenario"]]) for x in by_id[p["script"]].lines]
            violations.append({**{k: p[k] for k in ("script", "scenario", "relation", "position", "line", "acts",
                                                    "read", "base_room", "room")},
                               "d_room": round(p["d_room"], 6), "base": base,
                               "variant": [*base[: p["position"]], p["line"], *base[p["position"] :]]})  # fmt: skip
    total = _rates(pairs)
    report = {
        "scripts": len(scripts),
        "scenarios": len(library),
        "script_kinds": {k: sum(s.kind == k for s in scripts) for k in ("transcript", "mix", "shuffle")},
        "positions_used": sorted({p["position"] for p in pairs}),
        "base_with_mistakes": sum(1 for p in pairs if p["base_mistakes"]) // max(len(relations()), 1),
        **total,
        "by_relation": {r: _rates([p for p in pairs if p["relation"] == r]) for r in relations()},
        "by_scenario": {s: _rates([p for p in pairs if p["scenario"] == s]) for s in sorted(library)},
        "violation_list": violations,
    }
    report["passed"] = metamorphic_verdict(report)
    return report


def metamorphic_verdict(report: dict[str, Any]) -> bool:
    """The issue's targets: at most 1% violations, the expected strict effect in at least 80% of pairs."""
    return report["pairs"] > 0 and report["violation_rate"] <= VIOLATION_MAX and report["strict_rate"] >= STRICT_MIN


def _row(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<26}{r['pairs']:>7}{r['violations']:>6}{r['violation_rate']:>7.2%}{r['violations_read']:>7}"
            f"{r['strict_rate']:>8.1%}{r['read_rate']:>7.1%}{r['strict_among_read']:>9.1%}"
            f"{r['moved_after_rate']:>7.1%}{r['strict_when_moved']:>9.1%}{r['utility_violations']:>7}"
            f"{r['mean_d_room']:>+9.4f}")  # fmt: skip


HEADER = (f"{'':<26}{'pairs':>7}{'viol':>6}{'viol%':>7}{'v|read':>7}{'strict':>8}{'read':>7}{'str|read':>9}"
          f"{'moved':>7}{'str|mvd':>9}{'u-viol':>7}{'mean Δ':>9}")  # fmt: skip
LEGEND = (
    "viol: the relation broken on room captured (v|read: of them, the line read as its act); strict: the expected "
    "strict effect; read: the line read as its act; str|read: strict among those; moved: the base's counterparty "
    "still moved after the insertion point (a mistake has nothing to cost otherwise); str|mvd: strict among those; "
    "u-viol: the relation broken on utility; mean Δ: mean change in room captured."
)


def format_violation(v: dict[str, Any]) -> str:
    """One violation: where, what, and the whole script in both versions."""
    head = (f"VIOLATION {v['relation']} in {v['scenario']} (script {v['script']}, inserted at line {v['position']}): "
            f"room {v['base_room']:.4f} -> {v['room']:.4f}; inserted {v['line']!r} read as {v['acts']}")  # fmt: skip
    base = "\n".join(f"    {i}. {ln}" for i, ln in enumerate(v["base"]))
    variant = "\n".join(f"    {i}. {ln}" for i, ln in enumerate(v["variant"]))
    return f"{head}\n  base:\n{base}\n  with the line:\n{variant}"


def print_metamorphic(report: dict[str, Any], max_violations: int | None = None) -> str:
    """The tables, then every violation (or the first `max_violations`)."""
    header = HEADER
    out = [
        f"Metamorphic relations: {report['scripts']} scripts x {report['scenarios']} scenarios, "
        f"{report['pairs']} pairs ({report.get('seconds', 0)} s); targets: violations <= {VIOLATION_MAX:.0%}, "
        f"strict >= {STRICT_MIN:.0%}. Outcome: room captured.",
        LEGEND,
        f"script kinds {report['script_kinds']}; insertion positions {report['positions_used']}; "
        f"base runs with a tested mistake read in play: {report['base_with_mistakes']}",
        header,
    ]
    out += [_row(r, v) for r, v in report["by_relation"].items()]
    out.append(_row("total", report))
    out.append(header.replace(" " * 26, f"{'scenario':<26}", 1))
    out += [_row(s, v) for s, v in report["by_scenario"].items()]
    shown = report["violation_list"] if max_violations is None else report["violation_list"][:max_violations]
    out += [format_violation(v) for v in shown]
    if len(shown) < len(report["violation_list"]):
        out.append(f"... and {len(report['violation_list']) - len(shown)} more violations")
    out.append(f"metamorphic passed: {report['passed']}")
    return "\n".join(out)


__all__ = [
    "Insertion",
    "Player",
    "Script",
    "build_scripts",
    "format_violation",
    "gold_trainee_lines",
    "meta_slots",
    "metamorphic_verdict",
    "neutral_gold_lines",
    "plan_insertions",
    "print_metamorphic",
    "run_metamorphic",
    "run_scripts",
    "summarise",
]

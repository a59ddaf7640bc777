"""`trainer eval replay`: how often a debrief's better line saves ground, leaves it unchanged, or costs ground.

Sessions, played with the template voice in every scenario:
- scripted: the A/B scripts of `evals/counterparty/ab_scripts.yaml` (the mistake-free baseline, each mistake
  variant, and the baseline with every mistake line in it), at each of the fixed seeds;
- gold: the trainee lines of every `evals/gold/dev` transcript (the split that may be read and run), said in
  order against every scenario, at seed 0. They bring varied wording and mistakes the scripts do not.
Each session is evaluated as the debrief evaluates it; every detected finding is replayed with its better line
(`trainer.app.replay`), and so is the all-better-lines replay. A finding with no meaningful replay is counted as
`none` and left out of the rates. Target: the better line does not cost ground in at least 95% of cases.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from trainer.app.practice import evaluate_lines
from trainer.app.replay import ALL, Price, prices
from trainer.app.session import Session, run_script
from trainer.domain.mistakes import MISTAKE_IDS
from trainer.engine.difficulty import scenario_at
from trainer.measure.evalsets import load_split
from trainer.measure.levels_eval import with_all_mistakes
from trainer.measure.progress import progress
from trainer.measure.scripts import SEEDS, load_yaml, scripts_for
from trainer.scenarios.schema import Scenario
from trainer.voice.realizer import TemplateRealizer

TARGET = 0.95  # the better line never costs ground in at least this share of cases
VERDICTS = ("saves", "same", "costs")
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Case:
    """One replayed finding (or the all-better-lines replay) of one session."""

    scenario_id: str
    source: str  # "scripted:<script>@<seed>" or "gold:<id>"
    mistake: str  # a mistake id, or ALL
    price: Price


def _sessions(scenario: Scenario, gold: bool) -> Iterator[tuple[str, Session, int]]:
    """(source, session, seed) for every session played in one scenario."""
    ab = load_yaml("ab_scripts.yaml")
    scripts = {k: v for k, v in scripts_for(scenario, ab).items() if not k.startswith("good:")}
    scripts["mistakes:all"] = with_all_mistakes(scenario, ab)
    for name, lines in scripts.items():
        for seed in SEEDS:
            yield f"scripted:{name}@{seed}", run_script(scenario, lines, TemplateRealizer(), seed), seed
    if gold:
        for item in load_split("dev"):
            lines = [t.text for t in item.turns if t.speaker == "trainee"]
            yield f"gold:{item.id}", run_script(scenario, lines, TemplateRealizer(), 0), 0


def cases_for(scenario: Scenario, gold: bool = True) -> list[Case]:
    """Every replayed finding of every session in one scenario."""
    out = []
    for source, session, seed in _sessions(scenario, gold):
        report = evaluate_lines(session.lines, scenario)
        for mistake, price in prices(report, session.lines, scenario, seed).items():
            out.append(Case(scenario.id, source, mistake, price))
    return out


def rates(cases: list[Case]) -> dict[str, Any]:
    """Saves, same and costs as fractions of the cases that have a replay, plus counts."""
    counts = Counter(c.price.verdict for c in cases)
    n = sum(counts[v] for v in VERDICTS)
    out: dict[str, Any] = {v: round(counts[v] / n, 4) if n else 0.0 for v in VERDICTS}
    out["cases"] = n
    out["no_replay"] = counts["none"]
    diverged = sum(1 for c in cases if c.price.diverged_at is not None)
    out["stops_being_meaningful"] = round(diverged / n, 4) if n else 0.0
    return out


def run_replay(scenarios: dict[str, Scenario], gold: bool = True, level: str | None = "standard") -> dict[str, Any]:
    """Everything `trainer eval replay` reports; `overall` covers every finding, `all_better_lines` the combined
    replays; `passed` when the better line does not cost ground in at least TARGET of the findings."""
    cases: list[Case] = []
    for sid, scenario in sorted(scenarios.items()):
        found = cases_for(scenario_at(scenario, level), gold)
        progress(f"replay: {sid}: {sum(c.mistake != ALL for c in found)} findings")
        cases += found
    findings = [c for c in cases if c.mistake != ALL]
    by_mistake = defaultdict(list)
    by_scenario = defaultdict(list)
    for c in findings:
        by_mistake[c.mistake].append(c)
        by_scenario[c.scenario_id].append(c)
    overall = rates(findings)
    report: dict[str, Any] = {
        "level": level,
        "sources": "scripted+gold" if gold else "scripted",
        "overall": overall,
        "per_mistake": {m: rates(by_mistake[m]) for m in MISTAKE_IDS if m in by_mistake},
        "per_scenario": {s: rates(by_scenario[s]) for s in sorted(by_scenario)},
        "all_better_lines": rates([c for c in cases if c.mistake == ALL]),
        "examples_costs": [_example(c) for c in findings if c.price.verdict == "costs"][:MAX_EXAMPLES],
    }
    report["passed"] = overall["cases"] > 0 and 1 - overall["costs"] >= TARGET
    return report


def _example(case: Case) -> dict[str, str]:
    """A case that cost ground, for the report."""
    return {"scenario": case.scenario_id, "source": case.source, "mistake": case.mistake, "summary": case.price.summary}



def _row(name: str, r: dict[str, Any]) -> str:
    return (f"  {name:<26}{r['cases']:>7}{r['saves']:>8.1%}{r['same']:>8.1%}{r['costs']:>8.1%}"
            f"{r['stops_being_meaningful']:>11.1%}{r['no_replay']:>9}")  # fmt: skip


def print_replay(report: dict[str, Any]) -> str:
    """Human-readable tables."""
    head = f"  {'':<26}{'cases':>7}{'saves':>8}{'same':>8}{'costs':>8}{'diverges':>11}{'no replay':>10}"
    out = [f"Replaying each finding with its better line ({report['sources']}, level {report['level']})", head]
    out.append("per mistake")
    out += [_row(m, r) for m, r in report["per_mistake"].items()]
    out.append("per scenario")
    out += [_row(s, r) for s, r in report["per_scenario"].items()]
    out.append(_row("overall (every finding)", report["overall"]))
    out.append(_row("all better lines at once", report["all_better_lines"]))
    for ex in report["examples_costs"]:
        out.append(f"  costs: {ex['scenario']} {ex['source']} {ex['mistake']}: {ex['summary']}")
    out.append(f"never costs ground in {1 - report['overall']['costs']:.1%} of findings (target {TARGET:.0%}): "
               f"passed: {report['passed']}")  # fmt: skip
    return "\n".join(out)

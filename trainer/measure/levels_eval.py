"""`trainer eval levels`: difficulty levels change the engine, measured.

Two reports, over every scenario and the three levels, with the template voice and the fixed seeds of
`trainer eval counterparty`:
- the A/B relations at every level: a mistake line never improves the trainee's result and a good move never
  worsens it (violations), and how often the effect is strict. The result is the trainee's *value*: their weighted
  position from walk-away (0) to target (1), not clamped, so a Hard session already below the walk-away still
  shows what a mistake cost (the clamped utility of `eval counterparty` reads 0 for both);
- the ground conceded per level for fixed scripts: the weighted share of the distance from the trainee's target
  to the counterparty's opening that the trainee did not win. Both ends are the same at every level, so the
  numbers compare across levels.
"""

from __future__ import annotations

import statistics
from typing import Any

from trainer.app.session import run_script
from trainer.engine.difficulty import scenario_at
from trainer.engine.outcome import final_terms
from trainer.engine.terms import trainee_gain
from trainer.measure.scripts import SEEDS, load_yaml, scripts_for
from trainer.scenarios.levels import LEVELS, Level
from trainer.scenarios.schema import Scenario
from trainer.voice.realizer import TemplateRealizer

EPS = 1e-9
FIXED_SCRIPTS = ("baseline", "mistakes")  # the A/B baseline, and the same with every mistake line in it


def value(scenario: Scenario, lines: list[str], seed: int) -> tuple[float, float, dict[str, float]]:
    """(unclamped value, ground conceded, final terms) of one scripted session with the template voice."""
    state = run_script(scenario, lines, TemplateRealizer(), seed).state
    assert state is not None
    _, terms = final_terms(state, scenario)
    total = sum(i.trainee_weight for i in scenario.issues)
    val = sum(
        i.trainee_weight * (terms[i.id] - i.trainee_walkaway) / (i.trainee_target - i.trainee_walkaway)
        for i in scenario.issues
    )
    ground = sum(i.trainee_weight * _not_won(i, terms[i.id]) for i in scenario.issues)
    return val / total, ground / total, terms


def _not_won(issue: Any, final: float) -> float:
    """Share of the target-to-opening distance the trainee did not win (0 = target reached, 1 = their opening)."""
    span = abs(issue.trainee_target - issue.counterparty_opening)
    lost = trainee_gain(issue, final, issue.trainee_target)
    return min(max(lost / span, 0.0), 1.0) if span else 0.0


def mean_value(scenario: Scenario, lines: list[str]) -> tuple[float, float]:
    """Mean (value, ground conceded) over the fixed seeds."""
    runs = [value(scenario, lines, s) for s in SEEDS]
    return statistics.mean(r[0] for r in runs), statistics.mean(r[1] for r in runs)


def with_all_mistakes(scenario: Scenario, ab: dict[str, Any]) -> list[str]:
    """The baseline with every mistake line of the A/B scripts (process replaced first, the others inserted)."""
    scripts = scripts_for(scenario, ab)
    base = scripts["baseline"]
    out = list(scripts["mistake:process_concession"][:1]) + base[1:]
    at = ab["insert_at"]
    inserted = [scripts[f"mistake:{m}"][at] for m in ("urgency_signal", "weak_alternative", "power_vs_leverage")]
    return [*out[:at], *inserted, *out[at:]]


def relations(scenario: Scenario, ab: dict[str, Any]) -> dict[str, Any]:
    """Each A/B variant against the baseline at one level: Δ value, whether the relation holds, whether strictly."""
    scripts = scripts_for(scenario, ab)
    base, _ = mean_value(scenario, scripts["baseline"])
    out: dict[str, Any] = {}
    for name, lines in scripts.items():
        if name == "baseline":
            continue
        delta = mean_value(scenario, lines)[0] - base
        mistake = name.startswith("mistake:")
        holds = delta <= EPS if mistake else delta >= -EPS
        strict = delta < -EPS if mistake else delta > EPS
        out[name] = {"d_value": round(delta, 4), "holds": holds, "strict": strict}
    return out


def ground_row(base: Scenario, ab: dict[str, Any]) -> dict[str, Any]:
    """Ground conceded and the main issue's final term at each level, for the fixed scripts."""
    row: dict[str, Any] = {}
    for level in LEVELS:
        scenario = scenario_at(base, level)
        scripts = {"baseline": scripts_for(scenario, ab)["baseline"], "mistakes": with_all_mistakes(scenario, ab)}
        row[level.value] = {name: round(mean_value(scenario, lines)[1], 4) for name, lines in scripts.items()}
    return row


def run_levels(scenarios: dict[str, Scenario]) -> dict[str, Any]:
    """Everything `trainer eval levels` reports; `passed`: no relation violated at any level, and for the fixed
    baseline script more ground conceded at each harder level in every scenario."""
    ab = load_yaml("ab_scripts.yaml")
    per_level: dict[str, Any] = {}
    for level in LEVELS:
        results = {sid: relations(scenario_at(sc, level), ab) for sid, sc in sorted(scenarios.items())}
        pairs = [e for r in results.values() for e in r.values()]
        per_level[level.value] = {
            "pairs": len(pairs),
            "violations": [f"{sid} {name} ({e['d_value']:+.4f})" for sid, r in results.items()
                           for name, e in r.items() if not e["holds"]],  # fmt: skip
            "strict_rate": round(sum(e["strict"] for e in pairs) / len(pairs), 4) if pairs else 0.0,
            "scenarios": results,
        }
    ground = {sid: ground_row(sc, ab) for sid, sc in sorted(scenarios.items())}
    ordered = all(_increasing(row, "baseline") for row in ground.values())
    passed = ordered and not any(v["violations"] for v in per_level.values())
    return {"relations": per_level, "ground_conceded": ground, "levels_ordered": ordered, "passed": passed}


def _increasing(row: dict[str, Any], script: str) -> bool:
    """Introductory < Standard < Hard for one script."""
    values = [row[level.value][script] for level in LEVELS]
    return all(a < b for a, b in zip(values, values[1:], strict=False))


def print_levels(report: dict[str, Any]) -> str:
    """Human-readable tables."""
    out = ["A/B relations per level (Δ value vs the baseline script, 5 seeds; mistakes must not raise it, good moves "
           "must not lower it)"]  # fmt: skip
    for level, r in report["relations"].items():
        out.append(f"  {Level(level).label:<13} {r['pairs']} pairs, {len(r['violations'])} violations, "
                   f"strict effect in {r['strict_rate']:.0%}")  # fmt: skip
        out += [f"    violation: {v}" for v in r["violations"]]
    out.append("Ground conceded per level (share of target-to-opening distance not won; baseline / with mistakes)")
    out.append(f"  {'scenario':<26}" + "".join(f"{lv.label:>18}" for lv in LEVELS))
    for sid, row in report["ground_conceded"].items():
        cells = "".join(f"{row[lv.value]['baseline']:>9.3f} / {row[lv.value]['mistakes']:.3f}" for lv in LEVELS)
        out.append(f"  {sid:<26}{cells}")
    means = [statistics.mean(r[lv.value]["baseline"] for r in report["ground_conceded"].values()) for lv in LEVELS]
    out.append(f"  {'mean (baseline)':<26}" + "".join(f"{m:>18.3f}" for m in means))
    out.append(f"harder levels concede more for the baseline in every scenario: {report['levels_ordered']}")
    out.append(f"passed: {report['passed']}")
    return "\n".join(out)

"""The A/B scripts' text, shared by every script-based evaluation: generic trainee lines with {slots} filled from
each scenario (only words a trainee could know or ask), and the baseline/variant scripts built from them.

Its own module so the evaluations that use it (A/B, levels, replay, metamorphic) never import each other.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from trainer.config import REPO_ROOT
from trainer.engine.terms import format_value
from trainer.scenarios.schema import Scenario

EVAL_DIR = REPO_ROOT / "evals" / "counterparty"
SEEDS = (0, 1, 2, 3, 4)


def load_yaml(name: str) -> dict[str, Any]:
    """One of the eval files in evals/counterparty."""
    return yaml.safe_load((EVAL_DIR / name).read_text(encoding="utf-8"))


def _mid(a: float, b: float, step: float) -> float:
    """Halfway, on the issue's step grid."""
    return round(round(((a + b) / 2) / step) * step, 6)


def script_slots(scenario: Scenario) -> dict[str, str]:
    """Scenario-specific words for the generic scripts (only what a trainee could know or ask)."""
    ranked = sorted(scenario.issues, key=lambda i: -i.trainee_weight)
    main, second = ranked[0], ranked[1]
    cp = scenario.counterparty
    stake_kw = next((s.reveal_when.keywords[0] for s in cp.stakeholders if s.reveal_when.keywords), "")
    targets = ", ".join(f"{i.label.lower()} at {format_value(i, i.trainee_target)}" for i in scenario.issues)
    return {
        "main_label": main.label.lower(),
        "second_label": second.label.lower(),
        "targets": targets,
        "main_target": format_value(main, main.trainee_target),
        "main_near": format_value(
            main,
            _mid(main.trainee_target, _mid(main.trainee_target, main.trainee_walkaway, main.step), main.step),
        ),
        "main_soft": format_value(main, _mid(main.trainee_target, main.trainee_walkaway, main.step)),
        "second_mid": format_value(second, _mid(second.trainee_target, second.trainee_walkaway, second.step)),
        "pressure_kw": scenario.trainee.private_pressures[0].keywords[0],
        "weak_alt_kw": scenario.trainee.alternative.keywords[0],
        "stake_hint": f", {stake_kw} for example" if stake_kw else "",
        "alt_kw": cp.alternatives[0].reveal_when.keywords[0]
        if cp.alternatives[0].reveal_when.keywords
        else "your other options",
        "need_kw": cp.situational_needs[0].reveal_when.keywords[0]
        if cp.situational_needs[0].reveal_when.keywords
        else "timing",
    }


def fill_slots(line: str, slots: dict[str, str]) -> str:
    """Fill placeholders; unknown ones stay visible rather than crash."""
    return re.sub(r"\{(\w+)\}", lambda m: slots.get(m.group(1), m.group(0)), line)


def variant(spec: dict[str, Any], base: list[str], at: int) -> list[str]:
    """The baseline with one line inserted or the first line replaced."""
    if "replace_first" in spec:
        return [spec["replace_first"], *base[1:]]
    return [*base[:at], spec["insert"], *base[at:]]


def scripts_for(scenario: Scenario, ab: dict[str, Any]) -> dict[str, list[str]]:
    """Every script for one scenario: 'baseline', 'mistake:<id>' and 'good:<id>'."""
    slots, at = script_slots(scenario), ab["insert_at"]
    base = [fill_slots(x, slots) for x in ab["baseline"]]
    out = {"baseline": base}
    for group, prefix in (("good_moves", "good"), ("mistakes", "mistake")):
        for name, spec in ab[group].items():
            if "same_as_missing" not in spec:
                filled = {k: fill_slots(v, slots) for k, v in spec.items()}
                out[f"{prefix}:{name}"] = variant(filled, base, at)
    return out

"""The three-script check: one ordinary trainee script, the same with one sentence revealing a deadline, and the
same with one question about who else weighs in. In every scenario the deadline must cost ground and the
stakeholder question must save some (template voice, seed 1: the case the issue measured).

The control script opens with questions about their interests and constraints, pushes back, asks where they can
be flexible, then accepts the standing offer. The check is small on purpose: it is the first thing a trainer
would try by hand, so the counterparty must get its direction right every time.
"""

from __future__ import annotations

from typing import Any

from trainer.app.session import run_script
from trainer.engine.outcome import room_captured
from trainer.scenarios.schema import Scenario
from trainer.voice.realizer import TemplateRealizer

SEED = 1
CONTROL = [
    "Before we get into numbers, what are you hoping to achieve with this, and what matters most on your side?",
    "What constraints are you working under at the moment?",
    "That's still a long way from where we need to be on {main}.",
    "Where do you have some flexibility?",
    "Then we accept your current offer.",
]
DEADLINE = "To be honest, we need this signed by the end of the month."
STAKEHOLDER = "Who else on your side weighs in on this decision?"
INSERT_AT = 2  # after the two opening questions, before the push-back


def scripts(scenario: Scenario) -> dict[str, list[str]]:
    """The three scripts for one scenario (only its main issue's name is filled in)."""
    main = max(scenario.issues, key=lambda i: i.trainee_weight).label.lower()
    control = [line.format(main=main) for line in CONTROL]
    return {
        "control": control,
        "deadline": [*control[:INSERT_AT], DEADLINE, *control[INSERT_AT:]],
        "stakeholder": [*control[:INSERT_AT], STAKEHOLDER, *control[INSERT_AT:]],
    }


def check_scenario(scenario: Scenario, seed: int = SEED) -> dict[str, Any]:
    """Room captured by each script, and whether each variant moved the result the right way (strictly)."""
    room = {}
    for name, lines in scripts(scenario).items():
        session = run_script(scenario, lines, TemplateRealizer(), seed)
        room[name] = round(room_captured(session.state, scenario), 4)
    return {
        "room": room,
        "deadline_costs": room["deadline"] < room["control"],
        "stakeholder_saves": room["stakeholder"] > room["control"],
    }


def run_three_scripts(scenarios: dict[str, Scenario], seed: int = SEED) -> dict[str, Any]:
    """The check in every scenario; passed only when both directions are right everywhere."""
    results = {sid: check_scenario(sc, seed) for sid, sc in sorted(scenarios.items())}
    costs = sum(r["deadline_costs"] for r in results.values())
    saves = sum(r["stakeholder_saves"] for r in results.values())
    return {
        "scenarios": results,
        "deadline_costs": costs,
        "stakeholder_saves": saves,
        "total": len(results),
        "passed": costs == saves == len(results),
    }

"""A scenario as played at one difficulty level: the counterparty's reservation and flexibility moved within the
scenario's bounds, and the engine settings the policy reads (patience, unlock, exploitation, pressure tactics).

The level changes what the engine decides, not how the voice sounds. Standard is the scenario as written, so a
plain `Scenario` and `scenario_at(s, "standard")` play the same game. Everything that takes a scenario (engine,
voice, evaluator, outcome) takes the leveled one unchanged: its hidden reservation *is* the level's, so the debrief's
"they would have gone to" and "conceded beyond necessity" are measured against the counterparty actually played.
"""

from __future__ import annotations

from trainer.scenarios.levels import (
    STANDARD,
    Level,
    LevelSettings,
    default_level,
    moved_reservation,
    parse_level,
    scaled_share,
    settings_for,
)
from trainer.scenarios.schema import Counterparty, Issue, Scenario

FALSE_DEADLINE = "false_deadline"  # the pressure tactic: an answer demanded by a date that means nothing
PRESSURE_FROM_TURN = 2  # it sets its false deadline on its first hold from this trainee turn on


class LeveledScenario(Scenario):
    """The scenario at `level`, with the engine settings of that level (never loaded from a file)."""

    level: Level
    tuning: LevelSettings


def scenario_at(scenario: Scenario, level: Level | str | None = None) -> LeveledScenario:
    """The scenario at a level (None: the scenario's default level, from its `difficulty`)."""
    chosen = parse_level(level, default_level(scenario.difficulty))
    if isinstance(scenario, LeveledScenario) and scenario.level == chosen:
        return scenario
    base = base_of(scenario)
    tuning = settings_for(base.levels, chosen)
    data = base.model_dump()
    data["issues"] = [_issue(i, tuning).model_dump() for i in base.issues]
    data["counterparty"] = _counterparty(base.counterparty, tuning).model_dump()
    return LeveledScenario.model_validate({**data, "level": chosen, "tuning": tuning.model_dump()})


def base_of(scenario: Scenario) -> Scenario:
    """The scenario as written; a leveled one is rebuilt from its Standard values, which it never changes."""
    if not isinstance(scenario, LeveledScenario):
        return scenario
    if scenario.level != Level.standard:
        raise ValueError("re-level a scenario from the library's copy, not from another level")
    return Scenario.model_validate(scenario.model_dump(exclude={"level", "tuning"}))


def tuning_of(scenario: Scenario) -> LevelSettings:
    """The engine settings to play `scenario` with (Standard for a plain scenario)."""
    return scenario.tuning if isinstance(scenario, LeveledScenario) else STANDARD


def level_of(scenario: Scenario) -> Level:
    """The level a scenario is played at (Standard for a plain scenario)."""
    return scenario.level if isinstance(scenario, LeveledScenario) else Level.standard


def harsher(factor: float, tuning: LevelSettings) -> float:
    """A penalty factor (0..1, 1 = no effect) at a level's exploitation: Hard makes it smaller, Introductory
    closer to 1; Standard (exploitation 1) leaves it exactly as it is."""
    return factor**tuning.exploitation


def final_offer_turn(base_turn: int, tuning: LevelSettings) -> int:
    """A more patient counterparty calls its position final later."""
    return max(1, round(base_turn * tuning.patience))


def _issue(issue: Issue, tuning: LevelSettings) -> Issue:
    """One issue with its reservation moved to the level's distance from the opening."""
    moved = moved_reservation(
        issue.counterparty_opening, issue.counterparty_reservation, issue.step, tuning.reservation_distance
    )
    return issue.model_copy(update={"counterparty_reservation": moved})


def _counterparty(cp: Counterparty, tuning: LevelSettings) -> Counterparty:
    """Hidden items whose flexibility is scaled by how much good moves unlock at this level."""

    def scaled(items: list) -> list:
        return [
            x.model_copy(update={"flexibility": {k: scaled_share(v, tuning.unlock) for k, v in x.flexibility.items()}})
            for x in items
        ]

    return cp.model_copy(
        update={
            "situational_needs": scaled(cp.situational_needs),
            "stakeholders": scaled(cp.stakeholders),
            "alternatives": scaled(cp.alternatives),
        }
    )

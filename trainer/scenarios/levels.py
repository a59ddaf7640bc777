"""Difficulty levels as scenario data: the bounds a scenario sets for Introductory, Standard and Hard, the
arithmetic that places a level inside them, and the validator's rules for them.

Standard is always the scenario as written. Introductory and Hard sit at the two ends of the bounds the scenario
gives (or the defaults below): how far the counterparty's reservation sits from its opening, its patience, how
much each good move unlocks, how hard it exploits each mistake, and whether it uses pressure tactics (a false
deadline). The engine applies a level in `trainer.engine.difficulty`; this module only describes and checks it.

It imports nothing from `library` (which imports it for the schema field), so the checks take the scenario's
issues and hidden items structurally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

Problem = tuple[str, str]  # (field path, message), as in library.semantic_problems


class Level(StrEnum):
    introductory = "introductory"
    standard = "standard"
    hard = "hard"

    @property
    def label(self) -> str:
        """'Introductory', 'Standard', 'Hard'."""
        return self.value.capitalize()


LEVELS: tuple[Level, ...] = (Level.introductory, Level.standard, Level.hard)
# A scenario's `difficulty` (1..3, "1 = gentle counterparty, 3 = relentless") is its default level.
DEFAULT_LEVEL_BY_DIFFICULTY: dict[int, Level] = {1: Level.introductory, 2: Level.standard, 3: Level.hard}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bound(_Strict):
    """One engine setting at the two ends of the range; Standard is 1 (the scenario as written)."""

    introductory: float = Field(gt=0, le=4)
    hard: float = Field(gt=0, le=4)


class LevelBounds(_Strict):
    """The `levels:` block of a scenario file. Every key is optional; omitted ones take these defaults."""

    # multiplies the distance from the counterparty's opening to its reservation (1 = as written)
    reservation_distance: Bound = Field(default_factory=lambda: Bound(introductory=1.1, hard=0.9))
    # divides how much of the gap to its limit it closes per move, and multiplies the turn of its final offer
    patience: Bound = Field(default_factory=lambda: Bound(introductory=0.75, hard=1.5))
    # multiplies the room each good move unlocks (surfaced needs, stakeholders, alternatives; trades; standards)
    unlock: Bound = Field(default_factory=lambda: Bound(introductory=1.25, hard=0.9))
    # multiplies how hard each mistake is exploited (penalties scale linearly, factors as powers)
    exploitation: Bound = Field(default_factory=lambda: Bound(introductory=0.6, hard=1.5))
    # the levels at which it uses pressure tactics (a false deadline)
    pressure_tactics: list[Level] = Field(default_factory=lambda: [Level.hard])


class LevelSettings(_Strict):
    """The values one level resolves to."""

    level: Level = Level.standard
    reservation_distance: float = 1.0
    patience: float = 1.0
    unlock: float = 1.0
    exploitation: float = 1.0
    pressure_tactics: bool = False


STANDARD = LevelSettings()
# Which end of each bound makes the counterparty easier: Introductory must sit on that side of 1, Hard on the other.
EASIER_ABOVE_ONE: dict[str, bool] = {
    "reservation_distance": True,
    "patience": False,
    "unlock": True,
    "exploitation": False,
}


def parse_level(value: str | Level | None, default: Level = Level.standard) -> Level:
    """A level from text ('hard', 'Hard'); None gives the default; an unknown name is a ValueError naming the choices."""
    if value is None or value == "":
        return default
    try:
        return Level(str(value).strip().lower())
    except ValueError:
        raise ValueError(f"unknown level {value!r}; use one of {', '.join(LEVELS)}") from None


def default_level(difficulty: int) -> Level:
    """The level a scenario is played at unless the trainee picks another."""
    return DEFAULT_LEVEL_BY_DIFFICULTY.get(difficulty, Level.standard)


def settings_for(bounds: LevelBounds, level: Level) -> LevelSettings:
    """The engine settings at one level: Standard is 1 everywhere, the other two read the scenario's bounds."""
    if level == Level.standard:
        return LevelSettings(pressure_tactics=Level.standard in bounds.pressure_tactics)
    end = level.value
    return LevelSettings(
        level=level,
        reservation_distance=getattr(bounds.reservation_distance, end),
        patience=getattr(bounds.patience, end),
        unlock=getattr(bounds.unlock, end),
        exploitation=getattr(bounds.exploitation, end),
        pressure_tactics=level in bounds.pressure_tactics,
    )


GRID = 4  # a moved reservation sits on a quarter-step grid: readable, and rarely equal to a number the trainee sees


def moved_reservation(opening: float, reservation: float, step: float, distance: float) -> float:
    """The reservation at a level: its distance from the opening scaled, on a quarter of the issue's step."""
    if distance == 1:
        return reservation
    moved = opening + (reservation - opening) * distance
    return round(round(moved * GRID / step) * step / GRID, 6)


def scaled_share(share: float, unlock: float) -> float:
    """A flexibility share at a level (still a share: never above 1)."""
    return share if unlock == 1 else min(share * unlock, 1.0)


# ---------------------------------------------------------------- validation


class IssueNumbers(Protocol):
    """What the checks read of an issue (library.Issue has it all)."""

    id: str
    unit: str
    trainee_target: float
    trainee_walkaway: float
    counterparty_opening: float
    counterparty_reservation: float
    step: float

    @property
    def trainee_prefers(self) -> str: ...


class HiddenItem(Protocol):
    """What the checks read of a need, stakeholder or alternative."""

    @property
    def flexibility(self) -> Mapping[str, float]: ...


LeakCheck = Callable[[float, str], str | None]  # (value, unit) -> the trainee-visible text that shows it, or None


def level_problems(
    bounds: LevelBounds, issues: Iterable[IssueNumbers], items: Iterable[HiddenItem], leak: LeakCheck
) -> Iterator[Problem]:
    """Bounds on the right side of Standard, and at every level: a zone of agreement, a reachable walk-away and no
    reservation the trainee can read."""
    yield from _side_problems(bounds)
    issues, items = list(issues), list(items)
    for level in (Level.introductory, Level.hard):
        values = settings_for(bounds, level)
        for it in issues:
            yield from _issue_problems(level, values, it, issues, items, leak)


def _side_problems(bounds: LevelBounds) -> Iterator[Problem]:
    """Introductory must be the easier end and Hard the harder one, with Standard (1) between them."""
    for name, easier_above in EASIER_ABOVE_ONE.items():
        bound: Bound = getattr(bounds, name)
        for level, value in (("introductory", bound.introductory), ("hard", bound.hard)):
            above = level == "introductory" if easier_above else level == "hard"
            if (value < 1) if above else (value > 1):
                side = "at least" if above else "at most"
                yield f"levels.{name}.{level}", f"must be {side} 1 (Standard, the scenario as written); got {value:g}"


def _better(it: IssueNumbers, a: float, b: float) -> bool:
    """a is strictly better for the trainee than b."""
    sign = 1.0 if it.trainee_prefers == "higher" else -1.0
    return (a - b) * sign > 1e-9


def _num(value: float) -> str:
    """Numbers as authors write them: 1200000 not 1.2e+06, 4.5 not 4.500000."""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _issue_problems(
    level: Level, values: LevelSettings, it: IssueNumbers, issues: list[IssueNumbers], items: list[HiddenItem],
    leak: LeakCheck,
) -> Iterator[Problem]:  # fmt: skip
    """One issue at one level (an issue that breaks the rules as written is reported there, not again here)."""
    if not _better(it, it.counterparty_reservation, it.trainee_walkaway):
        return
    where = f"levels.reservation_distance.{level.value}"
    r = moved_reservation(it.counterparty_opening, it.counterparty_reservation, it.step, values.reservation_distance)
    name = f"{level.label}: issue {it.id!r} has its reservation at {_num(r)} {it.unit}"
    if not _better(it, r, it.trainee_walkaway):
        yield where, f"{name}, no better for the trainee than the walk-away ({_num(it.trainee_walkaway)}); no deal is possible"
        return
    if abs(r - it.counterparty_opening) + 1e-9 < it.step:
        yield where, f"{name}, less than one step ({_num(it.step)}) from the opening"
    for other in issues:
        for field in ("trainee_target", "trainee_walkaway"):
            if abs(getattr(other, field) - r) < 1e-9:
                yield where, f"{name}, equal to the {field} of issue {other.id!r}, which the trainee reads"
    shown = leak(r, it.unit)
    if shown:
        yield where, f"{name}, which the trainee can read in {shown}"
    yield from _reachable(level, values, it, r, items)


def _reachable(
    level: Level, values: LevelSettings, it: IssueNumbers, reservation: float, items: list[HiddenItem]
) -> Iterator[Problem]:
    """Surfacing every hidden item must still unlock the walk-away at this level (when it does as written)."""
    if not _unlocks(it, it.counterparty_reservation, items, 1.0):
        return
    if not _unlocks(it, reservation, items, values.unlock):
        total = sum(scaled_share(x.flexibility.get(it.id, 0.0), values.unlock) for x in items)
        span = reservation - it.counterparty_opening
        need = (it.trainee_walkaway - it.counterparty_opening) / span
        yield (
            f"levels.unlock.{level.value}",
            f"{level.label}: hidden items unlock only {total:.2g} of the range on {it.id!r}, but the walk-away needs "
            f"{need:.2g}; raise this bound or the items' flexibility",
        )


def _unlocks(it: IssueNumbers, reservation: float, items: list[HiddenItem], unlock: float) -> bool:
    """Whether all hidden items together unlock at least the walk-away's share of the range."""
    total = sum(scaled_share(x.flexibility.get(it.id, 0.0), unlock) for x in items)
    span = reservation - it.counterparty_opening
    need = (it.trainee_walkaway - it.counterparty_opening) / span if span else 1.0
    return not (0 <= need <= 1) or total + 1e-9 >= need

"""Typed scenario files: the schema every other part of Leverage reads.

Loader, semantic validation and the library live here too (see the owner's additions below the models).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trainer.config import REPO_ROOT, path_settings
from trainer.domain.mistakes import MistakeId
from trainer.domain.numbers import number_variants, number_words
from trainer.scenarios.levels import LevelBounds, level_problems


class Strict(BaseModel):
    """Base for every scenario model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Direction(StrEnum):
    higher = "higher"
    lower = "lower"


class AlternativeStrength(StrEnum):
    weak = "weak"
    moderate = "moderate"
    strong = "strong"


class RevealTrigger(Strict):
    """When the trainee earns a piece of hidden information.

    Fires when the trainee turn carries one of `acts` (act kinds from `trainer.domain.acts.ActKind`, e.g.
    `question_stakeholders`) and, if `keywords` is non-empty, mentions at least one keyword (case-insensitive).
    """

    acts: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)


class PrivatePressure(Strict):
    """Something costly to reveal (deadline, runway, board date). The evaluator matches its keywords."""

    id: str
    description: str
    keywords: list[str] = Field(min_length=1)


class TraineeAlternative(Strict):
    description: str
    strength: AlternativeStrength
    keywords: list[str] = Field(min_length=1)


class TraineeBrief(Strict):
    role: str
    organisation: str
    background: str
    goals: list[str] = Field(min_length=1)
    must_haves: list[str] = Field(min_length=1)
    red_lines: list[str] = Field(min_length=1)
    private_pressures: list[PrivatePressure] = Field(min_length=1)
    alternative: TraineeAlternative


class Persona(Strict):
    tone: str
    habits: list[str] = Field(min_length=1)
    pressure_tactics: list[str] = Field(min_length=1)


class SituationalNeed(Strict):
    """A hidden need of the stronger side; surfacing it opens real flexibility on some issues."""

    id: str
    description: str
    reveal_line: str  # what the counterparty admits, in its own voice, once surfaced
    reveal_when: RevealTrigger
    flexibility: dict[str, float] = Field(default_factory=dict)  # issue id -> extra share of range (0..1)


class Stakeholder(Strict):
    id: str
    role: str
    name: str | None = None
    interest: str
    concern: str
    how_to_surface: str  # shown in the debrief: what the trainee had to do
    reveal_line: str
    reveal_when: RevealTrigger
    flexibility: dict[str, float] = Field(default_factory=dict)


class CounterpartyAlternative(Strict):
    """The stronger side's fallback as it presents it, and its real weakness (the carmaker lesson)."""

    id: str
    description: str
    weakness: str
    concede_line: str  # what it admits when the trainee exposes the weakness
    reveal_when: RevealTrigger
    flexibility: dict[str, float] = Field(default_factory=dict)


class Counterparty(Strict):
    name: str
    role: str
    organisation: str
    persona: Persona
    opening_line: str
    situational_needs: list[SituationalNeed] = Field(min_length=1)
    stakeholders: list[Stakeholder] = Field(min_length=1)
    alternatives: list[CounterpartyAlternative] = Field(min_length=1)
    second_voice: str | None = None  # name/role of a second person in the room, if any


class Issue(Strict):
    """One negotiable term. Values are plain numbers in `unit`; each side prefers the opposite direction."""

    id: str
    label: str
    unit: str
    trainee_prefers: Direction
    counterparty_prefers: Direction
    trainee_target: float
    trainee_walkaway: float
    counterparty_opening: float
    counterparty_reservation: float  # hidden: never shown to the trainee
    trainee_weight: float = Field(gt=0, le=1)
    counterparty_weight: float = Field(gt=0, le=1)
    step: float = Field(default=1.0, gt=0)  # smallest sensible movement, for rounding offers
    aliases: list[str] = Field(default_factory=list)  # words that name this issue in free text


class ProcessTrapKind(StrEnum):
    draft = "draft"
    agenda = "agenda"
    sequence = "sequence"
    cadence = "cadence"


class ProcessTrap(Strict):
    id: str
    kind: ProcessTrapKind
    line: str  # how the counterparty proposes it
    default_terms: dict[str, float] = Field(default_factory=dict)  # terms its draft would bring (draft traps)


class Scenario(Strict):
    id: str
    title: str
    summary: str
    difficulty: int = Field(ge=1, le=3)
    tags: list[str] = Field(default_factory=list)
    estimated_minutes: int = Field(ge=5, le=120)
    learning_focus: list[MistakeId] = Field(min_length=1)
    public_setting: str
    trainee: TraineeBrief
    counterparty: Counterparty
    issues: list[Issue] = Field(min_length=2, max_length=6)
    process_traps: list[ProcessTrap] = Field(min_length=1)
    levels: LevelBounds = Field(default_factory=LevelBounds)  # difficulty bounds (trainer/scenarios/levels.py)
    rewind_limit: int = Field(default=3, ge=0, le=20)  # rewinds per session; a cohort may override it

    def issue(self, issue_id: str) -> Issue:
        """Look up an issue by id (KeyError if unknown)."""
        for item in self.issues:
            if item.id == issue_id:
                return item
        raise KeyError(issue_id)


# ---------------------------------------------------------------------------------------------------------------
# Loader, semantic validation and library (owner: scenarios area)
# ---------------------------------------------------------------------------------------------------------------

MAX_FILE_BYTES = 256 * 1024  # a scenario is a few KB; anything bigger is a mistake or an attack
MAX_YAML_NODES = 20_000  # parsed nodes per file, a second guard next to the byte limit
TEMPLATE_STEM = "_template"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_OPENING_WORDS = 8


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `messages` holds one formatted line per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class Library:
    """The usable scenarios plus one line per file that was skipped."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)  # scenario id -> file it came from

    def get(self, scenario_id: str) -> Scenario:
        """Look up a scenario by id (KeyError if unknown)."""
        return self.scenarios[scenario_id]

    def ids(self) -> list[str]:
        """Ids sorted by difficulty then id, the order pickers show."""
        return sorted(self.scenarios, key=lambda i: (self.scenarios[i].difficulty, i))


# --- safe YAML ----------------------------------------------------------------------------------------------------


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no alias bombs), duplicate keys and oversized node trees."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        """Count nodes and reject aliases before PyYAML can share or expand them."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML anchors and aliases (&name / *name) are not allowed in scenario files",
                problem_mark=event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise yaml.MarkedYAMLError(problem=f"too many YAML nodes (limit {MAX_YAML_NODES})")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        """Reject duplicate keys, which plain YAML silently resolves to the last one."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # resolve '<<' merge keys first so they are not read as plain keys
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool):
                continue  # lists and mappings as keys: the base class reports them as unhashable
            if key in seen:
                raise yaml.MarkedYAMLError(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One readable line for any PyYAML error, with its line and column when known."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor for the tag" in problem:
        problem = f"unsupported YAML tag{problem.split('tag', 1)[1]} (only plain YAML is allowed)"
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"invalid YAML: {where}{problem}"


def read_yaml(path: Path, label: str | None = None) -> dict[str, Any]:
    """Read one scenario file safely: size limit first, then a guarded safe loader, then a mapping check."""
    label = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError([f"{label}: cannot read file: {exc.strerror or exc}"]) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError([f"{label}: file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{label}: cannot read file as UTF-8 text: {exc}"]) from None
    return parse_yaml_text(text, label)


def parse_yaml_text(text: str, label: str) -> dict[str, Any]:
    """Parse scenario YAML text with the guarded loader; the result must be a mapping."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioError([f"{label}: text is larger than the limit of {MAX_FILE_BYTES} bytes"])
    loader: _GuardedLoader | None = None
    try:
        loader = _GuardedLoader(text)  # the reader already rejects control characters here
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{label}: {_yaml_problem(exc)}"]) from None
    except RecursionError:
        raise ScenarioError([f"{label}: invalid YAML: nesting is too deep"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError([f"{label}: the file must contain a YAML mapping of scenario fields, got {kind}"])
    return data


# --- pydantic errors -> one line each ------------------------------------------------------------------------------


def format_loc(loc: Iterable[str | int]) -> str:
    """('issues', 1, 'unit') -> 'issues[1].unit', the field path used in every message."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _pydantic_message(err: dict[str, Any]) -> str:
    """Rephrase pydantic's message for authors who never read the code."""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against scenarios/_template.yaml)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("too_short", "too_long"):
        ctx = err.get("ctx") or {}
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        got = ctx.get("actual_length")
        return f"must have {word} {bound} item(s); got {got}"
    if kind == "literal_error" or kind == "enum":
        return f"{err.get('msg', 'invalid value').lower()}; got {err.get('input')!r}"
    return f"{err.get('msg', 'invalid value')} (got {_short(err.get('input'))})"


def _short(value: Any) -> str:
    """A compact repr for error lines."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def pydantic_lines(label: str, exc: ValidationError) -> list[str]:
    """One `path: field: message` line per pydantic error."""
    return [f"{label}: {format_loc(e['loc'])}: {_pydantic_message(e)}" for e in exc.errors()]


# --- semantic validation ---------------------------------------------------------------------------------------------

Problem = tuple[str, str]  # (field path, message)


def _fmt(value: float) -> str:
    """Numbers as authors write them: 30 not 30.0."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _with_unit(value: float, unit: str) -> str:
    """'30 days', '4.5%' for messages."""
    return f"{_fmt(value)}%" if unit == "%" else f"{_fmt(value)} {unit}"


def _check_identity(s: Scenario, stem: str | None) -> Iterator[Problem]:
    """The id is a slug and names its file, so instructors can find a scenario from its id."""
    if not SLUG_RE.match(s.id):
        yield (
            "id",
            f"must be a lowercase slug like 'carmaker-renewal' (letters, digits, single hyphens); got {s.id!r}",
        )
    if stem is not None and s.id != stem.lstrip("_"):
        yield "id", f"must match the file name: expected {stem.lstrip('_')!r}, got {s.id!r}"
    if len(set(s.learning_focus)) != len(s.learning_focus):
        yield "learning_focus", "lists the same mistake twice"


def _zone_problems(i: int, it: Issue) -> Iterator[Problem]:
    """Opening < walk-away <= reservation (mirrored for 'lower'), target beyond walk-away but not timid."""
    p = f"issues[{i}]"
    if it.trainee_prefers == it.counterparty_prefers:
        yield (
            f"{p}.counterparty_prefers",
            f"must be the opposite of trainee_prefers ({it.trainee_prefers.value})",
        )
        return
    up = 1.0 if it.trainee_prefers == Direction.higher else -1.0
    better, worse = ("above", "below") if up > 0 else ("below", "above")
    u = it.unit
    if up * (it.trainee_target - it.trainee_walkaway) <= 0:
        yield (
            f"{p}.trainee_target",
            (
                f"must be {better} trainee_walkaway ({_with_unit(it.trainee_walkaway, u)}) because the trainee "
                f"prefers {it.trainee_prefers.value} values; got {_with_unit(it.trainee_target, u)}"
            ),
        )
        return
    if up * (it.trainee_walkaway - it.counterparty_opening) <= 0:
        yield (
            f"{p}.counterparty_opening",
            (
                f"must be {worse} trainee_walkaway ({_with_unit(it.trainee_walkaway, u)}) so a careless trainee has "
                f"ground to give away; got {_with_unit(it.counterparty_opening, u)}"
            ),
        )
    far = it.trainee_walkaway + 2 * (it.trainee_target - it.trainee_walkaway)
    lo, hi = sorted((it.trainee_walkaway, far))
    if min(it.trainee_walkaway, it.trainee_target) >= 0:
        lo = max(lo, 0.0)  # quantities like %, days and money do not go negative
    if not (lo - 1e-9 <= it.counterparty_reservation <= hi + 1e-9):
        yield (
            f"{p}.counterparty_reservation",
            (
                f"must lie between {_with_unit(lo, u)} and {_with_unit(hi, u)} (from trainee_walkaway to twice the "
                f"distance to trainee_target) so a zone of agreement exists and the target stays ambitious; "
                f"got {_with_unit(it.counterparty_reservation, u)}"
            ),
        )
    span = abs(it.counterparty_reservation - it.counterparty_opening)
    if span and it.step > span:
        yield f"{p}.step", f"is larger than the counterparty's whole range ({_fmt(span)}); use a smaller step"


def _check_issues(s: Scenario) -> Iterator[Problem]:
    """Every issue has a zone of agreement, aliases, a unique id; weights per side sum to 1."""
    yield from _duplicates("issues", [it.id for it in s.issues])
    owner: dict[str, str] = {}
    for i, it in enumerate(s.issues):
        yield from _zone_problems(i, it)
        if not it.aliases:
            yield (
                f"issues[{i}].aliases",
                "give at least one word that names this issue in free text (e.g. 'price')",
            )
        yield from _check_words(f"issues[{i}].aliases", it.aliases)
        for n, alias in enumerate(it.aliases):
            key = alias.strip().lower()
            if owner.setdefault(key, it.id) != it.id:
                yield (
                    f"issues[{i}].aliases[{n}]",
                    f"{alias!r} already names issue {owner[key]!r}; an alias must be unambiguous",
                )
    yield from _check_visible_numbers(s)
    for side in ("trainee_weight", "counterparty_weight"):
        total = sum(getattr(it, side) for it in s.issues)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            yield f"issues[*].{side}", f"must sum to 1 across issues; got {total:.4g}"


def _check_visible_numbers(s: Scenario) -> Iterator[Problem]:
    """A reservation equal to any number the trainee sees (targets, walk-aways) would leak through the brief."""
    for i, it in enumerate(s.issues):
        for k, other in enumerate(s.issues):
            for name in ("trainee_walkaway", "trainee_target"):
                if math.isclose(getattr(other, name), it.counterparty_reservation, abs_tol=1e-9):
                    where = name if k == i else f"issues[{k}].{name}"
                    yield (
                        f"issues[{i}].counterparty_reservation",
                        f"must differ from {where} ({_with_unit(getattr(other, name), other.unit)}): the trainee sees that number, "
                        "so an equal reservation would leak",
                    )


def _duplicates(where: str, ids: list[str]) -> Iterator[Problem]:
    """Ids must be unique so the engine can track what was revealed or traded."""
    seen: set[str] = set()
    for n, item_id in enumerate(ids):
        if item_id in seen:
            yield f"{where}[{n}].id", f"duplicate id {item_id!r}"
        seen.add(item_id)
        if not SLUG_RE.match(item_id.replace("_", "-")):
            yield (
                f"{where}[{n}].id",
                f"must be a short lowercase id (letters, digits, '-' or '_'); got {item_id!r}",
            )


MIN_WORD_CHARS = 3  # 'it', 'ip', 'mg' would match inside ordinary words


def _check_words(where: str, words: list[str]) -> Iterator[Problem]:
    """Keywords and aliases are matched in free text, so they must be non-empty and not tiny."""
    for n, word in enumerate(words):
        if len(word.strip()) < MIN_WORD_CHARS:
            yield (
                f"{where}[{n}]",
                (
                    f"{word!r} is too short to match reliably; use at least {MIN_WORD_CHARS} characters "
                    "or a longer phrase"
                ),
            )


# Acts that are mistakes: revealing hidden information as their reward would teach the opposite lesson.
COSTLY_ACTS = frozenset(
    {"concession", "disclose_urgency", "disclose_weak_alternative", "deference", "accept_their_process"}
)


def _act_values() -> set[str]:
    """Valid act kinds, read from trainer.domain.acts so the two never drift apart."""
    from trainer.domain.acts import ActKind

    return {k.value for k in ActKind}


def _check_trigger(where: str, trig: RevealTrigger) -> Iterator[Problem]:
    """A reveal needs real act kinds, or the item can never surface."""
    valid = _act_values()
    for n, act in enumerate(trig.acts):
        if act in COSTLY_ACTS:
            yield (
                f"{where}.reveal_when.acts[{n}]",
                f"{act!r} is one of the five mistakes; hidden items must be earned by questions, challenges or trades",
            )
        elif act not in valid:
            yield (
                f"{where}.reveal_when.acts[{n}]",
                (
                    f"{act!r} is not an act kind; use one of: question_interests, question_constraints, "
                    "question_stakeholders, question_alternatives, question_process, challenge_alternative, "
                    "objective_standard, conditional_trade, propose_own_process"
                ),
            )
    yield from _check_words(f"{where}.reveal_when.keywords", trig.keywords)


def _check_flex(where: str, flex: dict[str, float], issue_ids: set[str]) -> Iterator[Problem]:
    """Flexibility must point at real issues and open a share in (0, 1]."""
    for key, share in flex.items():
        if key not in issue_ids:
            yield (
                f"{where}.flexibility.{key}",
                f"unknown issue id; known issues: {', '.join(sorted(issue_ids))}",
            )
        elif not (0 < share <= 1):
            yield f"{where}.flexibility.{key}", f"must be a share in (0, 1]; got {_fmt(share)}"


def _check_counterparty(s: Scenario) -> Iterator[Problem]:
    """Hidden items have valid triggers and flexibility; something must pay off when surfaced."""
    cp, ids = s.counterparty, {it.id for it in s.issues}
    groups = (
        ("situational_needs", cp.situational_needs),
        ("stakeholders", cp.stakeholders),
        ("alternatives", cp.alternatives),
    )
    all_ids: list[str] = []
    for name, items in groups:
        yield from _duplicates(f"counterparty.{name}", [x.id for x in items])
        for n, item in enumerate(items):
            where = f"counterparty.{name}[{n}]"
            yield from _check_trigger(where, item.reveal_when)
            yield from _check_flex(where, item.flexibility, ids)
            all_ids.append(item.id)
    shared = {x for x in all_ids if all_ids.count(x) > 1}
    for x in sorted(shared):
        yield (
            "counterparty",
            f"id {x!r} is used by more than one need/stakeholder/alternative; ids must be unique",
        )
    yield from _check_reachable(s)
    if not any(x.flexibility for x in cp.situational_needs):
        yield "counterparty.situational_needs", "at least one need must open flexibility on some issue"
    if not any(x.flexibility for x in cp.alternatives):
        yield (
            "counterparty.alternatives",
            "at least one alternative's weakness must open flexibility on some issue",
        )
    if len(cp.opening_line.split()) < MIN_OPENING_WORDS:
        yield (
            "counterparty.opening_line",
            (
                f"must apply structural pressure in at least {MIN_OPENING_WORDS} words (size, a deadline, "
                "their draft, their alternatives)"
            ),
        )


def walkaway_share(it: Issue) -> float:
    """Share of the counterparty's opening-to-reservation range the trainee needs just to reach the walk-away."""
    span = it.counterparty_reservation - it.counterparty_opening
    return (it.trainee_walkaway - it.counterparty_opening) / span if span else 1.0


def _check_reachable(s: Scenario) -> Iterator[Problem]:
    """Surfacing every hidden item must unlock at least the walk-away, or skill cannot win the issue."""
    cp = s.counterparty
    items = [*cp.situational_needs, *cp.stakeholders, *cp.alternatives]
    for i, it in enumerate(s.issues):
        total = sum(x.flexibility.get(it.id, 0.0) for x in items)
        need = walkaway_share(it)
        if 0 <= need <= 1 and total + 1e-9 < need:  # outside [0, 1] the zone check already reports it
            yield (
                f"issues[{i}]",
                f"hidden items unlock only {total:.2g} of the counterparty's range on {it.id!r}, but reaching the "
                f"trainee's walk-away needs {need:.2g}; add flexibility for {it.id!r} to a need, stakeholder or "
                "alternative",
            )


def _check_trainee(s: Scenario) -> Iterator[Problem]:
    """Pressures and alternative need ids/keywords the evaluator can match."""
    yield from _duplicates("trainee.private_pressures", [p.id for p in s.trainee.private_pressures])
    for n, p in enumerate(s.trainee.private_pressures):
        yield from _check_words(f"trainee.private_pressures[{n}].keywords", p.keywords)
    yield from _check_words("trainee.alternative.keywords", s.trainee.alternative.keywords)
    alternative = {k.strip().lower() for k in s.trainee.alternative.keywords}
    for n, p in enumerate(s.trainee.private_pressures):
        for k, kw in enumerate(p.keywords):
            if kw.strip().lower() in alternative:
                yield (
                    f"trainee.private_pressures[{n}].keywords[{k}]",
                    f"{kw!r} is also an alternative keyword; the evaluator could not tell urgency from a weak "
                    "alternative",
                )


def _check_traps(s: Scenario) -> Iterator[Problem]:
    """Draft defaults must reference real issues and be no better for the trainee than the opening."""
    yield from _duplicates("process_traps", [t.id for t in s.process_traps])
    for n, trap in enumerate(s.process_traps):
        for key, value in trap.default_terms.items():
            where = f"process_traps[{n}].default_terms.{key}"
            try:
                it = s.issue(key)
            except KeyError:
                yield where, f"unknown issue id; known issues: {', '.join(sorted({i.id for i in s.issues}))}"
                continue
            up = 1.0 if it.trainee_prefers == Direction.higher else -1.0
            if up * (value - it.counterparty_opening) > 1e-9:
                side = "at or below" if up > 0 else "at or above"
                yield (
                    where,
                    (
                        f"must be {side} counterparty_opening ({_with_unit(it.counterparty_opening, it.unit)}): "
                        f"a draft trap brings terms worse for the trainee; got {_with_unit(value, it.unit)}"
                    ),
                )


# --- reservation leak check ------------------------------------------------------------------------------------------


def trainee_visible_texts(s: Scenario) -> Iterator[tuple[str, str]]:
    """(field path, text) for everything the trainee may read: public view plus title/summary/tags."""
    yield "title", s.title
    yield "summary", s.summary
    for n, tag in enumerate(s.tags):
        yield f"tags[{n}]", tag
    yield from _walk("public_setting", s.public_setting)
    yield from _walk("trainee", s.trainee.model_dump(mode="json"))
    cp = s.counterparty
    for name in ("name", "role", "organisation", "opening_line"):
        yield f"counterparty.{name}", getattr(cp, name)
    yield from _walk("counterparty.persona", cp.persona.model_dump(mode="json"))
    if cp.second_voice:
        yield "counterparty.second_voice", cp.second_voice


def _walk(path: str, value: Any) -> Iterator[tuple[str, str]]:
    """Every string inside a dumped model, with its field path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(f"{path}.{k}", v)
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _walk(f"{path}[{n}]", v)


def _needs_unit(value: float) -> bool:
    """Single-digit integers are too common in prose to flag unless the unit is attached ('3 years')."""
    return float(value).is_integer() and abs(value) < 10


def _unit_words(unit: str) -> str:
    """Regex for the unit right after a small number: '%' or 'percent', 'day' for 'days/week', 'EUR'."""
    if unit.strip() == "%":
        return r"%|percent|per cent"
    words = re.findall(r"[A-Za-z]+", unit)
    if not words:
        return re.escape(unit)
    first = words[0]
    stem = first[:-1] if first.lower().endswith("s") and len(first) > 3 else first
    return re.escape(stem)


def _leak_pattern(value: float, unit: str) -> re.Pattern[str]:
    """A regex for the value as a standalone number (digits, or a number word followed by the unit)."""
    alts = "|".join(re.escape(v) for v in number_variants(value))
    core = rf"(?<![\d.,])(?:{alts})(?![\d]|[.,]\d)"
    if _needs_unit(value):
        core += rf"\s*-?\s*(?:{_unit_words(unit)})"
    words = number_words(int(value)) if float(value).is_integer() else []
    if words:
        spelled = "|".join(re.escape(w) for w in words)
        core += rf"|\b(?:{spelled})\s*-?\s*(?:{_unit_words(unit)})"
    return re.compile(core, re.IGNORECASE)


def _check_leaks(s: Scenario) -> Iterator[Problem]:
    """No hidden reservation value may appear in trainee-visible text."""
    patterns = [(it, _leak_pattern(it.counterparty_reservation, it.unit)) for it in s.issues]
    for path, text in trainee_visible_texts(s):
        for it, pat in patterns:
            m = pat.search(text)
            if m:
                yield (
                    path,
                    (
                        f"reveals the hidden counterparty_reservation of issue {it.id!r} "
                        f"({_with_unit(it.counterparty_reservation, it.unit)}) as {m.group(0)!r}; rephrase or change the number"
                    ),
                )


def _check_levels(s: Scenario) -> Iterator[Problem]:
    """Every difficulty level keeps the rules above (trainer/scenarios/levels.py)."""
    texts = list(trainee_visible_texts(s))
    cp = s.counterparty

    def leak(value: float, unit: str) -> str | None:
        return next((path for path, text in texts if _leak_pattern(value, unit).search(text)), None)

    yield from level_problems(s.levels, s.issues, [*cp.situational_needs, *cp.stakeholders, *cp.alternatives], leak)


SEMANTIC_CHECKS = (_check_issues, _check_trainee, _check_counterparty, _check_traps, _check_leaks, _check_levels)


def semantic_problems(s: Scenario, stem: str | None = None) -> list[Problem]:
    """All rules beyond the schema, as (field path, message); empty means the scenario is usable."""
    out: list[Problem] = list(_check_identity(s, stem))
    for check in SEMANTIC_CHECKS:
        out.extend(check(s))
    return out


def validate_scenario(s: Scenario, label: str = "<scenario>", stem: str | None = None) -> list[str]:
    """Formatted `label: field: message` lines for a scenario already built in memory."""
    return [f"{label}: {loc}: {msg}" for loc, msg in semantic_problems(s, stem)]


def parse_scenario(data: dict[str, Any], label: str = "<scenario>", stem: str | None = None) -> Scenario:
    """Build and semantically check a scenario from a mapping; ScenarioError lists every problem."""
    try:
        s = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(pydantic_lines(label, exc)) from None
    problems = validate_scenario(s, label, stem)
    if problems:
        raise ScenarioError(problems)
    return s


def _label(path: Path) -> str:
    """Paths in messages: relative to the working directory when possible, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load, schema-check and semantically check one scenario file; raises ScenarioError."""
    p = Path(path)
    label = _label(p)
    return parse_scenario(read_yaml(p, label), label, p.stem)


def dump_scenario(s: Scenario) -> str:
    """YAML text for a scenario (block style, keys in schema order); load_scenario reads it back equal."""
    return yaml.safe_dump(
        tidy_numbers(s.model_dump(mode="json")), sort_keys=False, allow_unicode=True, width=100
    )


def tidy_numbers(value: Any) -> Any:
    """Whole floats as ints (400000 not 400000.0) so dumps read like the files authors write."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: tidy_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tidy_numbers(v) for v in value]
    return value


# --- library ----------------------------------------------------------------------------------------------------------


def repo_scenarios_dir() -> Path:
    """The shipped scenarios/ folder next to the package."""
    return REPO_ROOT / "scenarios"


def default_dirs() -> list[Path]:
    """LEVERAGE_SCENARIOS_DIR (os.pathsep-separated) or the repo's scenarios/, plus <data_dir>/scenarios."""
    paths = path_settings()
    own = [Path(d) for d in paths.scenarios_dir.split(os.pathsep) if d]
    dirs = own or [repo_scenarios_dir()]
    if (paths.data_dir / "scenarios").is_dir():
        dirs.append(paths.data_dir / "scenarios")
    return dirs


def scenario_files(dirs: Iterable[str | os.PathLike[str]], include_template: bool = False) -> list[Path]:
    """YAML files in the given dirs (files passed directly are kept), sorted, template optional."""
    out: list[Path] = []
    for d in dirs:
        p = Path(d)
        found = [p] if p.is_file() else sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else []
        out.extend(f for f in found if include_template or f.stem != TEMPLATE_STEM)
    return out


def load_library(dirs: Iterable[str | os.PathLike[str]] | None = None) -> Library:
    """Load every scenario in dirs (default: default_dirs()); broken or duplicate files go to .errors."""
    lib = Library()
    for path in scenario_files(default_dirs() if dirs is None else dirs):
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            lib.errors.extend(exc.messages)
            continue
        if s.id in lib.scenarios:
            lib.errors.append(
                f"{_label(path)}: id: duplicate id {s.id!r} (already loaded from "
                f"{_label(lib.paths[s.id])}); this file is skipped"
            )
            continue
        lib.scenarios[s.id] = s
        lib.paths[s.id] = path
    return lib


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Error lines for files/dirs (dirs include the template); empty list means all valid."""
    errors: list[str] = []
    owners: dict[str, Path] = {}
    given = list(paths)
    files = scenario_files(given, include_template=True)
    for p in given:
        if not Path(p).exists():
            errors.append(f"{p}: no such file or directory")
    if not files and not errors:
        errors.append(f"{', '.join(map(str, given)) or '(nothing)'}: no scenario files found")
    for path in files:
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            errors.extend(exc.messages)
            continue
        if s.id in owners and path.stem != TEMPLATE_STEM:
            errors.append(f"{_label(path)}: id: duplicate id {s.id!r} (also in {_label(owners[s.id])})")
        owners.setdefault(s.id, path)
    return errors


# --- views --------------------------------------------------------------------------------------------------------


def public_view(s: Scenario) -> dict[str, Any]:
    """What the trainee may see: no reservations, needs, stakeholders, alternatives or traps."""
    cp = s.counterparty
    view = {
        "id": s.id,
        "title": s.title,
        "summary": s.summary,
        "difficulty": s.difficulty,
        "estimated_minutes": s.estimated_minutes,
        "tags": list(s.tags),
        "public_setting": s.public_setting,
        "trainee": s.trainee.model_dump(mode="json"),
        "counterparty": {
            "name": cp.name,
            "role": cp.role,
            "organisation": cp.organisation,
            "persona": cp.persona.model_dump(mode="json"),
            "opening_line": cp.opening_line,
            **({"second_voice": cp.second_voice} if cp.second_voice else {}),
        },
        "issues": [_public_issue(it) for it in s.issues],
    }
    return tidy_numbers(view)


def _public_issue(it: Issue) -> dict[str, Any]:
    """An issue as the trainee sees it: own numbers only, never the counterparty's."""
    return {
        "id": it.id,
        "label": it.label,
        "unit": it.unit,
        "trainee_prefers": it.trainee_prefers.value,
        "trainee_target": it.trainee_target,
        "trainee_walkaway": it.trainee_walkaway,
        "trainee_weight": it.trainee_weight,
    }


def summary_row(s: Scenario) -> dict[str, Any]:
    """The fields a picker or `scenarios list --json` shows."""
    return {
        "id": s.id,
        "title": s.title,
        "difficulty": s.difficulty,
        "estimated_minutes": s.estimated_minutes,
        "learning_focus": list(s.learning_focus),
        "tags": list(s.tags),
        "summary": s.summary,
    }


def to_json(value: Any) -> str:
    """Stable JSON for CLI output."""
    return json.dumps(value, indent=2, ensure_ascii=False)

"""Semantic checks beyond the schema: zones of agreement, ids, triggers, flexibility, and the leak check.

Each check yields (field path, message) pairs, so a message always names the field an author has to change.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from trainer.domain.acts import ActKind
from trainer.domain.numbers import number_variants, number_words
from trainer.scenarios.levels import level_problems
from trainer.scenarios.schema import Direction, Issue, RevealTrigger, Scenario

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_OPENING_WORDS = 8
# The counterparty's numbers stay on the trainee's scale: its opening (and a draft trap's terms) at most this many
# times the trainee's target-to-walk-away distance from the walk-away. The shipped scenarios use at most 2.
MAX_REACH = 10


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


def off_scale(it: Issue, value: float) -> str | None:
    """Why a counterparty number is absurd next to the trainee's own (None when it is not): negative where the
    trainee's are not, or an order of magnitude beyond the trainee's whole range."""
    if min(it.trainee_target, it.trainee_walkaway) >= 0 > value:
        return f"must not be negative when trainee_target and trainee_walkaway are not; got {_with_unit(value, it.unit)}"
    reach = MAX_REACH * abs(it.trainee_target - it.trainee_walkaway)
    if reach and abs(value - it.trainee_walkaway) > reach:
        return (f"is absurdly far from trainee_walkaway ({_with_unit(it.trainee_walkaway, it.unit)}): at most "
                f"{MAX_REACH} times the trainee's target-to-walk-away distance; got {_with_unit(value, it.unit)}")
    return None


def _check_issues(s: Scenario) -> Iterator[Problem]:
    """Every issue has a zone of agreement, aliases, a unique id; weights per side sum to 1."""
    yield from _duplicates("issues", [it.id for it in s.issues])
    owner: dict[str, str] = {}
    for i, it in enumerate(s.issues):
        yield from _zone_problems(i, it)
        if reason := off_scale(it, it.counterparty_opening):
            yield f"issues[{i}].counterparty_opening", reason
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
            if reason := off_scale(it, value):
                yield where, reason
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

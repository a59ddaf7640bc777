"""Direction-aware arithmetic on issue values, so no other module has to remember which way is 'better'."""

from __future__ import annotations

import math

from trainer.scenarios.schema import Direction, Issue


def trainee_sign(issue: Issue) -> int:
    """+1 when the trainee wants the value higher, -1 when lower."""
    return 1 if issue.trainee_prefers == Direction.higher else -1


def better_for_trainee(issue: Issue, a: float, b: float) -> bool:
    """True when value a is strictly better for the trainee than value b."""
    return (a - b) * trainee_sign(issue) > 1e-9


def trainee_gain(issue: Issue, start: float, end: float) -> float:
    """How far end sits from start in the trainee's favour (negative = toward the counterparty)."""
    return (end - start) * trainee_sign(issue)


def cp_limit(issue: Issue, share: float) -> float:
    """The value the counterparty will go to after releasing `share` (0..1) of its opening-to-reservation room."""
    share = min(max(share, 0.0), 1.0)
    room = issue.counterparty_reservation - issue.counterparty_opening
    return issue.counterparty_opening + room * share


def round_for_cp(issue: Issue, value: float) -> float:
    """Round to the issue's step, in the counterparty's favour, never past its reservation."""
    steps = value / issue.step
    down = trainee_sign(issue) > 0  # trainee wants higher -> the counterparty rounds down
    rounded = (math.floor(steps + 1e-9) if down else math.ceil(steps - 1e-9)) * issue.step
    return clamp_to_reservation(issue, round(rounded, 6))


def clamp_to_reservation(issue: Issue, value: float) -> float:
    """The counterparty never offers anything better for the trainee than its hidden reservation."""
    if better_for_trainee(issue, value, issue.counterparty_reservation):
        return issue.counterparty_reservation
    return value


def trainee_utility(issue: Issue, value: float) -> float:
    """0 at the trainee's walk-away, 1 at its target, clamped."""
    span = issue.trainee_target - issue.trainee_walkaway
    if abs(span) < 1e-12:
        return 1.0 if not better_for_trainee(issue, issue.trainee_walkaway, value) else 0.0
    return min(max((value - issue.trainee_walkaway) / span, 0.0), 1.0)


CURRENCIES = {"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "JPY", "$", "€", "£"}


def format_number(value: float) -> str:
    """'6.5', '60', '1,200,000': no trailing zeros, thousands separated."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# Count nouns a scenario may use as a unit, singular -> plural. Only these are inflected: a currency, '%',
# 'million' or the tail of 'EUR/unit' ('per unit') reads the same whatever the number.
COUNT_NOUNS = {
    "day": "days", "week": "weeks", "month": "months", "year": "years", "hour": "hours", "unit": "units",
    "person": "people", "seat": "seats", "licence": "licences", "license": "licenses", "user": "users",
    "shift": "shifts", "employee": "employees", "FTE": "FTEs",
}
SINGULARS = {plural: singular for singular, plural in COUNT_NOUNS.items()}
SCALE_WORDS = {"thousand", "million", "billion", "k", "m", "mn", "bn"}  # '1 million units' stays plural


def agree(number: str, head: str) -> str:
    """The unit's head with its last word in number agreement: '1 day', '2 days' (the issue's unit may be either).

    A scenario writes its unit once ('days/week', 'months'), but a voiced line says any value in it, and
    '1 days per week' reads like a broken template. Only a known count noun as the last word changes, and never
    after a scale word.
    """
    *before, last = head.split() or [""]
    if SCALE_WORDS & {w.lower() for w in before}:
        return head
    word = SINGULARS.get(last, last) if number == "1" else COUNT_NOUNS.get(last, last)
    return " ".join([*before, word])


def format_value(issue: Issue, value: float) -> str:
    """Human form of a value with its unit ('6.5%', '60 days', '1 day per week', 'EUR 178 per unit')."""
    number, unit = format_number(value), issue.unit.strip()
    if unit in {"%", "percent"}:
        return f"{number}%"
    head, _, tail = unit.partition("/")
    words = head.split()
    if words and words[0] in CURRENCIES:
        rest = " ".join(words[1:])
        text = f"{words[0]} {number}" + (f" {rest}" if rest else "")
    else:
        text = f"{number} {agree(number, head)}".strip()
    return f"{text} per {tail}" if tail else text

"""Scoring the deal: the trainee's utility, and the ground conceded beyond what the counterparty needed.

'Conceded beyond necessity' makes the sources' thesis measurable: on each issue, how far the result sits from
what the counterparty would actually have accepted (its hidden reservation), as a share of its
opening-to-reservation room. 0 = the trainee got everything that was available; 1 = nothing moved. It is computed
only over terms the trainee proposed or agreed to: a term the trainee never put a number on was not conceded.
"""

from __future__ import annotations

from pydantic import Field

from trainer.domain.base import Strict
from trainer.domain.deal import Concession, DealState, Side, Status
from trainer.engine.terms import better_for_trainee, trainee_gain, trainee_utility
from trainer.scenarios.schema import Issue, Scenario


class IssueOutcome(Strict):
    issue_id: str
    label: str
    unit: str
    trainee_position: float | None
    counterparty_position: float
    final: float  # agreed value, else the counterparty's last offer
    counterparty_reservation: float  # shown only after the session, to teach
    trainee_utility: float = Field(ge=0, le=1)
    # None when the trainee neither proposed nor agreed a value on this issue: nothing was conceded on it
    conceded_beyond_necessity: float | None = Field(default=None, ge=0, le=1)
    gap: float  # in the issue's unit: how much more was available
    meets_walkaway: bool = True  # the result is at or better than the trainee's walk-away


class Outcome(Strict):
    status: Status
    basis: str  # "agreed" | "last_offer"
    terms: dict[str, float]
    trainee_utility: float = Field(ge=0, le=1)
    conceded_beyond_necessity: float | None = Field(default=None, ge=0, le=1)  # over proposed/agreed terms only
    issues: list[IssueOutcome]
    concessions_without_return: list[Concession] = Field(default_factory=list)
    counterparty_concessions: int = 0


def final_terms(state: DealState, scenario: Scenario) -> tuple[str, dict[str, float]]:
    """The agreed terms, or the counterparty's last offer when there is no agreement."""
    if state.status == Status.agreed and state.agreed_terms:
        return "agreed", dict(state.agreed_terms)
    return "last_offer", {
        i.id: state.counterparty_positions.get(i.id, i.counterparty_opening) for i in scenario.issues
    }


def conceded_beyond(issue: Issue, value: float) -> tuple[float, float]:
    """(share 0..1, gap in units) between the result and the counterparty's reservation."""
    room = abs(issue.counterparty_reservation - issue.counterparty_opening)
    gap = max(trainee_gain(issue, value, issue.counterparty_reservation), 0.0)
    share = 0.0 if room < 1e-12 else min(gap / room, 1.0)
    return share, gap


def meets_walkaway(issue: Issue, value: float) -> bool:
    """True when a value is at or better than the trainee's walk-away on its issue."""
    return not better_for_trainee(issue, issue.trainee_walkaway, value)


def below_walkaway(terms: dict[str, float], scenario: Scenario) -> list[Issue]:
    """The issues on which a package falls short of the trainee's walk-away (in the scenario's order)."""
    return [i for i in scenario.issues if i.id in terms and not meets_walkaway(i, terms[i.id])]


def _committed(state: DealState, issue: Issue) -> bool:
    """The trainee proposed a value on this issue, or agreed a deal that includes it."""
    return state.status == Status.agreed or state.trainee_positions.get(issue.id) is not None


def _issue_outcome(state: DealState, issue: Issue, value: float) -> IssueOutcome:
    """Score one issue."""
    share, gap = conceded_beyond(issue, value)
    return IssueOutcome(
        issue_id=issue.id,
        label=issue.label,
        unit=issue.unit,
        trainee_position=state.trainee_positions.get(issue.id),
        counterparty_position=state.counterparty_positions.get(issue.id, issue.counterparty_opening),
        final=value,
        counterparty_reservation=issue.counterparty_reservation,
        trainee_utility=round(trainee_utility(issue, value), 4),
        conceded_beyond_necessity=round(share, 4) if _committed(state, issue) else None,
        gap=round(gap, 6),
        meets_walkaway=meets_walkaway(issue, value),
    )


def compute_outcome(state: DealState, scenario: Scenario) -> Outcome:
    """Score the session on its final (or last) terms, weighted by the trainee's weights."""
    basis, terms = final_terms(state, scenario)
    issues = [_issue_outcome(state, i, terms[i.id]) for i in scenario.issues]
    weights = {i.id: i.trainee_weight for i in scenario.issues}
    total = sum(weights.values())
    utility = sum(weights[o.issue_id] * o.trainee_utility for o in issues) / total
    committed = [o for o in issues if o.conceded_beyond_necessity is not None]
    beyond = (sum(weights[o.issue_id] * (o.conceded_beyond_necessity or 0.0) for o in committed)
              / sum(weights[o.issue_id] for o in committed)) if committed else None
    unreturned = [c for c in state.concessions if c.by == Side.trainee and c.unreturned]
    cp_moves = sum(1 for c in state.concessions if c.by == Side.counterparty)
    return Outcome(
        status=state.status,
        basis=basis,
        terms=terms,
        trainee_utility=round(utility, 4),
        conceded_beyond_necessity=None if beyond is None else round(beyond, 4),
        issues=issues,
        concessions_without_return=unreturned,
        counterparty_concessions=cp_moves,
    )


CONCEDED_EXPLAINED = (
    "Of the ground they would really have given on the terms you proposed or agreed, the share you left on the "
    "table (0% = you got all of it)."
)
NOT_CONCEDED = "You never put a number on any term, so you conceded nothing yet: this is not scored."


def conceded_sentence(outcome: Outcome) -> str:
    """The one plain sentence shown wherever 'conceded beyond necessity' is."""
    return CONCEDED_EXPLAINED if outcome.conceded_beyond_necessity is not None else NOT_CONCEDED


def room_captured(state: DealState, scenario: Scenario) -> float:
    """Weighted share of the counterparty's opening-to-reservation room the final terms capture (0..1).

    Unlike the utility (clamped at the trainee's walk-away), it moves with every step the counterparty takes,
    so the metamorphic evaluation can see a line's effect on a session that never reached the walk-away.
    """
    _, terms = final_terms(state, scenario)
    total = sum(i.trainee_weight for i in scenario.issues)
    return sum(i.trainee_weight * (1 - conceded_beyond(i, terms[i.id])[0]) for i in scenario.issues) / total

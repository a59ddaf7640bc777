"""Scoring the deal: the trainee's utility, and the ground conceded beyond what the counterparty needed.

'Conceded beyond necessity' makes the sources' thesis measurable: on each issue, how far the result sits from
what the counterparty would actually have accepted (its hidden reservation), as a share of its
opening-to-reservation room. 0 = the trainee got everything that was available; 1 = nothing moved.
"""

from __future__ import annotations

from pydantic import Field

from trainer.domain.base import Strict
from trainer.domain.deal import Concession, DealState, Side, Status
from trainer.engine.terms import trainee_gain, trainee_utility
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
    conceded_beyond_necessity: float = Field(ge=0, le=1)
    gap: float  # in the issue's unit: how much more was available


class Outcome(Strict):
    status: Status
    basis: str  # "agreed" | "last_offer"
    terms: dict[str, float]
    trainee_utility: float = Field(ge=0, le=1)
    conceded_beyond_necessity: float = Field(ge=0, le=1)
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
        conceded_beyond_necessity=round(share, 4),
        gap=round(gap, 6),
    )


def compute_outcome(state: DealState, scenario: Scenario) -> Outcome:
    """Score the session on its final (or last) terms, weighted by the trainee's weights."""
    basis, terms = final_terms(state, scenario)
    issues = [_issue_outcome(state, i, terms[i.id]) for i in scenario.issues]
    weights = {i.id: i.trainee_weight for i in scenario.issues}
    total = sum(weights.values())
    utility = sum(weights[o.issue_id] * o.trainee_utility for o in issues) / total
    beyond = sum(weights[o.issue_id] * o.conceded_beyond_necessity for o in issues) / total
    unreturned = [c for c in state.concessions if c.by == Side.trainee and c.unreturned]
    cp_moves = sum(1 for c in state.concessions if c.by == Side.counterparty)
    return Outcome(
        status=state.status,
        basis=basis,
        terms=terms,
        trainee_utility=round(utility, 4),
        conceded_beyond_necessity=round(beyond, 4),
        issues=issues,
        concessions_without_return=unreturned,
        counterparty_concessions=cp_moves,
    )

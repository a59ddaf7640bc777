"""Rewind and branch: go back to any counterparty turn and continue from there in a new branch, the original kept.

The branch starts from the deal state the engine reaches by replaying the transcript up to that turn, with the
same scenario, level and seed, so it is the same game up to that point. Each family (a root session and its
branches) has one rewind limit: the trainee's cohort's, else the scenario's (default 3). Branches count against
their root, so rewinding from a branch spends the same allowance.

The debrief compares a family side by side: terms, headline score and mistakes per branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.app.practice import ACTIVE, Live, Practice, PracticeError, evaluate_lines, terms_on_table
from trainer.app.session import COUNTERPARTY, Session
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.engine.outcome import compute_outcome
from trainer.engine.terms import format_value
from trainer.scenarios.schema import Scenario
from trainer.storage import branches as lineage
from trainer.storage.branches import Lineage, RewindLimitReached
from trainer.storage.store import Store

PREVIEW_CHARS = 70

__all__ = ["RewindLimitReached", "rewind", "rewind_status", "rewind_points", "compare_family", "BranchView"]


@dataclass(frozen=True)
class RewindStatus:
    """How many rewinds this session family has, and how many are left."""

    limit: int
    used: int

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass(frozen=True)
class RewindPoint:
    """A counterparty turn to go back to."""

    index: int  # transcript index of the counterparty's line
    label: str


def rewind_limit(store: Store, trainee_id: str, scenario: Scenario) -> int:
    """The cohort's limit when it sets one, else the scenario's."""
    cohort = lineage.cohort_rewind_limit(store, trainee_id)
    return scenario.rewind_limit if cohort is None else cohort


def rewind_status(store: Store, live: Live) -> RewindStatus:
    """Rewinds used and allowed for the family of the session on screen."""
    place = lineage.lineage(store, live.session_id, live.trainee_id)
    root = place.root_id if place is not None else live.session_id
    return RewindStatus(rewind_limit(store, live.trainee_id, live.scenario), lineage.rewinds_used(store, root))


def rewind_points(live: Live) -> list[RewindPoint]:
    """Every counterparty turn of the session, newest first, with a short preview of what they said."""
    points = []
    for i, line in enumerate(live.lines):
        if line.speaker == COUNTERPARTY:
            text = " ".join(line.text.split())
            preview = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS].rsplit(" ", 1)[0] + "…"
            points.append(RewindPoint(i, f"Turn {i + 1}: {preview}"))
    return list(reversed(points))


def rewind(practice: Practice, live: Live, turn_index: int) -> Live:
    """A new branch continuing `live` from its counterparty turn `turn_index`; `live` stays as it was."""
    if not 0 <= turn_index < len(live.lines) or live.lines[turn_index].speaker != COUNTERPARTY:
        raise PracticeError("Pick one of the counterparty's turns to go back to.")
    status = rewind_status(practice.store, live)
    if status.left <= 0:
        raise PracticeError(f"You have used all {status.limit} rewinds for this session.")
    lines = live.lines[: turn_index + 1]
    game = Session.replay(live.scenario, live.game.seed, lines)  # the engine's state at that turn
    try:
        branch_id = lineage.create_branch(
            practice.store, live.session_id, live.trainee_id, turn_index, game.state, status.limit
        )
    except RewindLimitReached as exc:  # another tab spent the last one meanwhile
        raise PracticeError(str(exc)) from exc
    branch = practice.resume(live.trainee_id, branch_id)
    if branch is None:  # pragma: no cover - the branch was just written for this trainee
        raise PracticeError("The branch could not be opened. Reload the page and try again.")
    return branch


# ---------------------------------------------------------------- side by side


@dataclass
class BranchView:
    """One member of a family as the comparison shows it."""

    session_id: str
    label: str
    status: str
    terms: dict[str, str]  # issue label -> the result (agreed, or their last offer), in its unit
    basis: str  # "agreed" | "last_offer"
    score: int  # the debrief's headline score
    mistakes: list[str] = field(default_factory=list)  # titles of the mistakes detected
    current: bool = False


def _label(member: Lineage, n: int) -> str:
    """'Original' or 'Branch 2 (from turn 5)'."""
    return "Original" if member.is_root else f"Branch {n} (from turn {(member.branch_turn or 0) + 1})"


def _report(practice: Practice, live: Live) -> Report:
    """The stored evaluation, or one computed now (and stored once the session has ended, as the debrief does)."""
    stored = practice.store.latest_evaluation(live.session_id, live.trainee_id)
    if stored is not None:
        return stored.report
    report = evaluate_lines(live.lines, live.scenario)
    if live.status != ACTIVE:
        practice.store.save_evaluation(live.session_id, report)
    return report


def _view(practice: Practice, member: Lineage, n: int, current: str) -> BranchView | None:
    """One branch's terms, headline score and mistakes."""
    live = practice.resume(member.trainee_id, member.session_id)
    if live is None:
        return None
    report = _report(practice, live)
    outcome = compute_outcome(live.state, live.scenario)
    terms = {row.label: format_value(live.scenario.issue(row.issue_id), outcome.terms[row.issue_id])
             for row in terms_on_table(live.state, live.scenario)}  # fmt: skip
    return BranchView(
        session_id=member.session_id,
        label=_label(member, n),
        status=live.status,
        terms=terms,
        basis=outcome.basis,
        score=report.overall_score,
        mistakes=[MISTAKE_TITLES[m.id] for m in report.mistakes if m.detected],
        current=member.session_id == current,
    )


def compare_family(store: Store, scenarios: dict[str, Scenario], session_id: str, trainee_id: str) -> list[BranchView]:
    """The session's family side by side, original first (empty when the session is not this trainee's)."""
    practice = Practice(store, scenarios)
    members = lineage.family(store, session_id, trainee_id)
    views = [_view(practice, m, n, session_id) for n, m in enumerate(members)]
    return [v for v in views if v is not None]

"""Evaluated session history, loaded in three set-based queries for one trainee or a whole cohort.

Shared by progress.py (one trainee) and dashboard.py (a cohort), so both read the same "latest evaluation
per session" rule: the evaluation with the highest id. A session family counts as its root: branches (rewinds,
storage/branches.py) are left out, and `branch_finished` says whether one of them was finished. A cohort's history
is read only for its owner: the instructor's account id is part of the query, as everywhere in
`trainer.storage.cohorts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from trainer.storage.cohorts import owns
from trainer.storage.store import Store
from trainer.storage.tables import EvaluationRow, MistakeScoreRow, SessionRow, TraineeRow, TurnRow


@dataclass(frozen=True)
class HistoryEntry:
    """One session with its latest evaluation (if any)."""

    session_id: str
    trainee_id: str
    scenario_id: str
    status: str
    created_at: datetime
    outcome: dict[str, Any] | None
    overall_score: int | None = None
    scores: dict[str, int] = field(default_factory=dict)
    report_json: str | None = None
    branch_finished: bool = False  # a branch of this (root) session was finished
    kind: str = "practice"  # or "real": a pasted real conversation the trainee kept (trainer.storage.saved)
    label: str | None = None  # the trainee's name for a kept real conversation

    @property
    def evaluated(self) -> bool:
        """Only evaluated sessions count toward proficiency."""
        return self.overall_score is not None


def _scope(trainee_id: str | None, cohort_id: int | None, owner_id: int | None) -> ColumnElement[bool]:
    """Which sessions (roots only): one trainee's, or every session of the trainees of a cohort this instructor
    owns."""
    if trainee_id is not None:
        return (SessionRow.trainee_id == trainee_id) & SessionRow.parent_id.is_(None)
    if cohort_id is not None and owner_id is not None:
        members = select(TraineeRow.id).where(TraineeRow.cohort_id == cohort_id, owns(owner_id, cohort_id))
        return SessionRow.trainee_id.in_(members) & SessionRow.parent_id.is_(None)
    raise ValueError("give trainee_id, or cohort_id with the owner_id of the instructor reading it")


def load_history(
    store: Store,
    *,
    trainee_id: str | None = None,
    cohort_id: int | None = None,
    owner_id: int | None = None,
    with_reports: bool = False,
) -> list[HistoryEntry]:
    """Sessions oldest first, each with its latest evaluation's scores (and report JSON if asked)."""
    scope = _scope(trainee_id, cohort_id, owner_id)
    latest = (
        select(EvaluationRow.session_id, func.max(EvaluationRow.id).label("eid"))
        .group_by(EvaluationRow.session_id)
        .subquery()
    )
    sessions = (
        select(SessionRow, EvaluationRow)
        .outerjoin(latest, latest.c.session_id == SessionRow.id)
        .outerjoin(EvaluationRow, EvaluationRow.id == latest.c.eid)
        .where(scope)
        .order_by(SessionRow.created_at, SessionRow.id)
    )
    scores = (
        select(latest.c.session_id, MistakeScoreRow.mistake_id, MistakeScoreRow.score)
        .join(latest, latest.c.eid == MistakeScoreRow.evaluation_id)
        .join(SessionRow, SessionRow.id == latest.c.session_id)
        .where(scope)
    )
    branch = aliased(SessionRow)
    roots = select(SessionRow.id).where(scope)
    finished = select(branch.root_id).where(branch.root_id.in_(roots), branch.status != "open").distinct()
    with store.transaction(write=False) as db:
        by_session: dict[str, dict[str, int]] = {}
        for session_id, mistake_id, score in db.execute(scores):
            by_session.setdefault(session_id, {})[mistake_id] = score
        done = set(db.scalars(finished))
        return [_entry(s, e, by_session.get(s.id, {}), with_reports, s.id in done) for s, e in db.execute(sessions)]


def _entry(
    session: SessionRow, evaluation: EvaluationRow | None, scores: dict[str, int], with_report: bool,
    branch_finished: bool = False,
) -> HistoryEntry:
    """Flatten one joined row into a plain record."""
    return HistoryEntry(
        session_id=session.id,
        trainee_id=session.trainee_id,
        scenario_id=session.scenario_id,
        status=session.status,
        created_at=session.created_at,
        outcome=None if session.outcome_json is None else json.loads(session.outcome_json),
        overall_score=None if evaluation is None else evaluation.overall_score,
        scores=scores,
        report_json=evaluation.report_json if (evaluation is not None and with_report) else None,
        branch_finished=branch_finished,
    )


def last_turn_times(store: Store, session_ids: list[str]) -> dict[str, datetime]:
    """When each session's last turn was saved, in one grouped query (sessions without turns are left out)."""
    if not session_ids:
        return {}
    query = (
        select(TurnRow.session_id, func.max(TurnRow.created_at))
        .where(TurnRow.session_id.in_(session_ids))
        .group_by(TurnRow.session_id)
    )
    with store.transaction(write=False) as db:
        return {sid: when for sid, when in db.execute(query)}

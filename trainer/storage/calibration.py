"""The grader-calibration workbench's data: an instructor's review of a stored evaluation, one mark per mistake.

Reviews attach to the evaluation that was on screen (not to the session), so a later re-evaluation never pairs an
instructor's verdict with findings they did not see. Every function takes the instructor's account id and the
cohort, and filters on ownership in SQL like `trainer.storage.cohorts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from trainer.storage.cohorts import owns
from trainer.storage.store import Store, StoreError
from trainer.storage.tables import (
    VERDICTS,
    CalibrationMarkRow,
    CalibrationReviewRow,
    EvaluationRow,
    SessionRow,
    TraineeRow,
    utcnow,
)


@dataclass(frozen=True)
class Mark:
    """The instructor's verdict on one mistake, beside whether the evaluator flagged it."""

    mistake_id: str
    evaluator_detected: bool
    verdict: str  # one of tables.VERDICTS
    turns: tuple[int, ...] = ()


@dataclass(frozen=True)
class Review:
    id: int
    evaluation_id: int
    session_id: str
    instructor_id: int
    created_at: datetime
    updated_at: datetime
    marks: dict[str, Mark]


@dataclass(frozen=True)
class EvaluatedSession:
    """A session of an owned cohort with its latest evaluation: what the workbench samples from."""

    session_id: str
    evaluation_id: int
    trainee_id: str
    scenario_id: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewedEvaluation:
    """A review with the report it judged and the session it came from (for agreement figures and exports)."""

    review: Review
    report_json: str
    scenario_id: str


def _members(owner_id: int, cohort_id: int) -> Select[tuple[str]]:
    """The trainees of a cohort this instructor owns (empty for anyone else's cohort)."""
    return select(TraineeRow.id).where(TraineeRow.cohort_id == cohort_id, owns(owner_id, cohort_id))


def evaluated_sessions(store: Store, owner_id: int, cohort_id: int) -> list[EvaluatedSession]:
    """Every evaluated session of an owned cohort with the id of its latest evaluation, oldest first."""
    latest = (
        select(EvaluationRow.session_id, func.max(EvaluationRow.id).label("eid"))
        .group_by(EvaluationRow.session_id)
        .subquery()
    )
    query = (
        select(SessionRow.id, latest.c.eid, SessionRow.trainee_id, SessionRow.scenario_id, SessionRow.created_at)
        .join(latest, latest.c.session_id == SessionRow.id)
        .where(SessionRow.trainee_id.in_(_members(owner_id, cohort_id)))
        .order_by(SessionRow.created_at, SessionRow.id)
    )

    def work(db: Session) -> list[EvaluatedSession]:
        return [EvaluatedSession(*row) for row in db.execute(query)]

    return store.read(work)


def save_review(
    store: Store, owner_id: int, cohort_id: int, session_id: str, evaluation_id: int, marks: list[Mark]
) -> Review:
    """Record (or replace) this instructor's marks on one evaluation of a session in a cohort they own."""
    for mark in marks:
        if mark.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {mark.verdict!r}")

    def work(db: Session) -> Review:
        _check_evaluation(db, owner_id, cohort_id, session_id, evaluation_id)
        row = db.scalar(select(CalibrationReviewRow).where(
            CalibrationReviewRow.evaluation_id == evaluation_id, CalibrationReviewRow.instructor_id == owner_id
        ))  # fmt: skip
        now = utcnow()
        if row is None:
            row = CalibrationReviewRow(
                evaluation_id=evaluation_id, session_id=session_id, instructor_id=owner_id, created_at=now
            )
            db.add(row)
        row.updated_at = now
        db.flush()
        db.execute(delete(CalibrationMarkRow).where(CalibrationMarkRow.review_id == row.id))
        db.add_all(_mark_row(row.id, mark) for mark in marks)
        db.flush()
        return _review(row, {m.mistake_id: m for m in marks})

    return store.write(work)


def _check_evaluation(db: Session, owner_id: int, cohort_id: int, session_id: str, evaluation_id: int) -> None:
    """The evaluation belongs to the session, and the session to a trainee of a cohort this instructor owns."""
    found = db.scalar(
        select(EvaluationRow.id)
        .join(SessionRow, SessionRow.id == EvaluationRow.session_id)
        .where(
            EvaluationRow.id == evaluation_id,
            SessionRow.id == session_id,
            SessionRow.trainee_id.in_(_members(owner_id, cohort_id)),
        )
    )
    if found is None:
        raise StoreError("That session is not part of this cohort.")


def _mark_row(review_id: int, mark: Mark) -> CalibrationMarkRow:
    return CalibrationMarkRow(
        review_id=review_id, mistake_id=mark.mistake_id, evaluator_detected=mark.evaluator_detected,
        verdict=mark.verdict, turns_json=json.dumps(sorted(set(mark.turns))),
    )  # fmt: skip


def _mark(row: CalibrationMarkRow) -> Mark:
    return Mark(row.mistake_id, row.evaluator_detected, row.verdict, tuple(json.loads(row.turns_json)))


def _review(row: CalibrationReviewRow, marks: dict[str, Mark]) -> Review:
    return Review(
        row.id, row.evaluation_id, row.session_id, row.instructor_id, row.created_at, row.updated_at, marks
    )


def reviews(store: Store, owner_id: int, cohort_id: int) -> list[ReviewedEvaluation]:
    """This instructor's reviews in an owned cohort, oldest review first, each with the report it judged."""
    query = (
        select(CalibrationReviewRow, EvaluationRow.report_json, SessionRow.scenario_id)
        .join(EvaluationRow, EvaluationRow.id == CalibrationReviewRow.evaluation_id)
        .join(SessionRow, SessionRow.id == CalibrationReviewRow.session_id)
        .where(
            CalibrationReviewRow.instructor_id == owner_id,
            SessionRow.trainee_id.in_(_members(owner_id, cohort_id)),
        )
        .order_by(CalibrationReviewRow.updated_at, CalibrationReviewRow.id)
    )

    def work(db: Session) -> list[ReviewedEvaluation]:
        rows = db.execute(query).all()
        marks = _marks_of(db, [r[0].id for r in rows])
        return [ReviewedEvaluation(_review(r, marks.get(r.id, {})), report, scenario) for r, report, scenario in rows]

    return store.read(work)


def review_of(store: Store, owner_id: int, cohort_id: int, evaluation_id: int) -> Review | None:
    """This instructor's review of one evaluation in an owned cohort, if any."""
    query = (
        select(CalibrationReviewRow)
        .join(SessionRow, SessionRow.id == CalibrationReviewRow.session_id)
        .where(
            CalibrationReviewRow.evaluation_id == evaluation_id,
            CalibrationReviewRow.instructor_id == owner_id,
            SessionRow.trainee_id.in_(_members(owner_id, cohort_id)),
        )
    )

    def work(db: Session) -> Review | None:
        row = db.scalar(query)
        return None if row is None else _review(row, _marks_of(db, [row.id]).get(row.id, {}))

    return store.read(work)


def _marks_of(db: Session, review_ids: list[int]) -> dict[int, dict[str, Mark]]:
    """Marks per review id."""
    out: dict[int, dict[str, Mark]] = {}
    if not review_ids:
        return out
    for row in db.scalars(select(CalibrationMarkRow).where(CalibrationMarkRow.review_id.in_(review_ids))):
        out.setdefault(row.review_id, {})[row.mistake_id] = _mark(row)
    return out

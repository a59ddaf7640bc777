"""Evaluations of pasted real conversations that a trainee chose to keep (opt-in), and can delete again.

Every function is keyed by the trainee: one trainee can neither list, read nor delete another's. They stay out of
cohort views and exports: `trainer.storage.history` reads practice sessions only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trainer.domain.report import Report
from trainer.domain.transcripts import Turn
from trainer.storage.store import Store, StoreError
from trainer.storage.tables import SavedEvaluationRow, TraineeRow, utcnow

MAX_LABEL = 200


@dataclass(frozen=True)
class SavedEvaluation:
    id: int
    trainee_id: str
    label: str
    scenario_id: str | None
    turns: list[Turn]
    report_json: str
    overall_score: int
    created_at: datetime

    @property
    def report(self) -> Report:
        """The typed report, re-validated on read."""
        return Report.model_validate_json(self.report_json)


def _saved(row: SavedEvaluationRow) -> SavedEvaluation:
    turns = [Turn.model_validate(t) for t in json.loads(row.turns_json)]
    return SavedEvaluation(
        row.id, row.trainee_id, row.label, row.scenario_id, turns, row.report_json, row.overall_score, row.created_at
    )


def keep(
    store: Store, trainee_id: str, label: str, turns: list[Turn], report: Report, scenario_id: str | None = None
) -> SavedEvaluation:
    """Keep an evaluated real conversation in this trainee's history."""
    now = utcnow()

    def work(db: Session) -> SavedEvaluation:
        if db.get(TraineeRow, trainee_id) is None:
            raise StoreError("Unknown trainee.")
        row = SavedEvaluationRow(
            trainee_id=trainee_id, label=(label.strip() or "Real conversation")[:MAX_LABEL], scenario_id=scenario_id,
            turns_json=json.dumps([t.model_dump(mode="json") for t in turns], ensure_ascii=False),
            report_json=report.model_dump_json(), overall_score=report.overall_score, created_at=now,
        )  # fmt: skip
        db.add(row)
        db.flush()
        return _saved(row)

    return store.write(work)


def list_saved(store: Store, trainee_id: str) -> list[SavedEvaluation]:
    """This trainee's kept conversations, oldest first."""
    query = (
        select(SavedEvaluationRow)
        .where(SavedEvaluationRow.trainee_id == trainee_id)
        .order_by(SavedEvaluationRow.created_at, SavedEvaluationRow.id)
    )

    def work(db: Session) -> list[SavedEvaluation]:
        return [_saved(row) for row in db.scalars(query)]

    return store.read(work)


def get_saved(store: Store, saved_id: int, trainee_id: str) -> SavedEvaluation | None:
    """One kept conversation if it is this trainee's (unknown and foreign look the same)."""

    def work(db: Session) -> SavedEvaluation | None:
        row = db.get(SavedEvaluationRow, saved_id)
        return _saved(row) if row is not None and row.trainee_id == trainee_id else None

    return store.read(work)


def delete_saved(store: Store, saved_id: int, trainee_id: str) -> bool:
    """Delete a kept conversation of this trainee for good; True if there was one."""
    stmt = delete(SavedEvaluationRow).where(
        SavedEvaluationRow.id == saved_id, SavedEvaluationRow.trainee_id == trainee_id
    )

    def work(db: Session) -> bool:
        return db.execute(stmt).rowcount > 0

    return store.write(work)

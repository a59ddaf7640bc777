"""Preparation sheets, saved with the session they prepared (one per root session; its branches share it).

The sheet is stored as the JSON the app's model produces (`trainer.app.preparation.Sheet`); this module neither
reads nor trusts its fields. Reads for a trainee check ownership the way `store.get_session` does.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.storage.store import Store, StoreError
from trainer.storage.tables import PreparationRow, SessionRow, utcnow


def _root_of(session: SessionRow) -> str:
    return session.root_id or session.id


def save_sheet(store: Store, session_id: str, trainee_id: str, sheet_json: str) -> None:
    """Save (or replace) the sheet of a session's family, if the session is this trainee's."""

    def work(db: Session) -> None:
        session = db.get(SessionRow, session_id)
        if session is None or session.trainee_id != trainee_id:
            raise StoreError("Unknown session.")
        row = db.get(PreparationRow, _root_of(session))
        now = utcnow()
        if row is None:
            db.add(PreparationRow(session_id=_root_of(session), sheet_json=sheet_json, created_at=now, updated_at=now))
        else:
            row.sheet_json, row.updated_at = sheet_json, now

    return store.write(work)


def load_sheet(store: Store, session_id: str, trainee_id: str | None) -> str | None:
    """The sheet JSON of a session's family, or None; trainee_id=None is the instructor's drill-down."""

    def work(db: Session) -> str | None:
        session = db.get(SessionRow, session_id)
        if session is None or (trainee_id is not None and session.trainee_id != trainee_id):
            return None
        return db.scalar(select(PreparationRow.sheet_json).where(PreparationRow.session_id == _root_of(session)))

    return store.read(work)

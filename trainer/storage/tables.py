"""ORM tables: the one schema that Alembic migrations reproduce and every persistence module queries.

Only modules of `trainer.storage` import this module (the store, history and the migrations); everyone
else gets plain records from the store, never live ORM objects.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

SESSION_STATUSES: tuple[str, ...] = ("open", "agreed", "walked_away", "ended")
SPEAKERS: tuple[str, ...] = ("trainee", "counterparty")
ROLES: tuple[str, ...] = ("admin", "instructor")
# An instructor's mark on one mistake of a reviewed evaluation: agree / disagree / unsure with a finding the
# evaluator made, "absent" (the evaluator did not flag it and neither does the instructor) or "missed" (the
# evaluator did not flag it, the instructor says the trainee made it, at the turns given).
VERDICTS: tuple[str, ...] = ("agree", "disagree", "unsure", "absent", "missed")

# Named constraints, so migrations can drop them by name on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC now: one clock for every timestamp column."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL round-trip identically."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to naive UTC on the way in."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Re-attach UTC on the way out."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CohortRow(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rewind_limit: Mapped[int | None] = mapped_column(Integer)  # None: each scenario's own limit


class TraineeRow(Base):
    __tablename__ = "trainees"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    client_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the trainee joined their current cohort: sessions started before it do not complete its assignments.
    cohort_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    trainee_id: Mapped[str] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    seed: Mapped[int] = mapped_column(Integer)
    realizer: Mapped[str] = mapped_column(String(32))
    state_json: Mapped[str] = mapped_column(Text)
    outcome_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # lineage (storage/branches.py): a branch continues its parent from one counterparty turn; None on a root
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    root_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    branch_turn: Mapped[int | None] = mapped_column(Integer)  # index of the counterparty turn it continues from
    level: Mapped[str | None] = mapped_column(String(16))  # difficulty level; None: played before levels (Standard)


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "idx", name="uq_turns_session_id_idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    move_json: Mapped[str | None] = mapped_column(Text)
    meta_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvaluationRow(Base):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    report_json: Mapped[str] = mapped_column(Text)
    overall_score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MistakeScoreRow(Base):
    """One row per (evaluation, mistake): lets dashboards aggregate in SQL instead of parsing JSON."""

    __tablename__ = "mistake_scores"

    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True
    )
    mistake_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    detected: Mapped[bool] = mapped_column(Boolean)
    severity: Mapped[int] = mapped_column(Integer)


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "scenario_id", name="uq_assignments_cohort_id_scenario_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    scenario_id: Mapped[str] = mapped_column(String(100))
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LoginAttemptRow(Base):
    """One sign-in attempt: the account name typed (known or not), the client, and whether it worked."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_client_key_created_at", "client_key", "created_at"),
        Index("ix_login_attempts_account_created_at", "account", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_key: Mapped[str] = mapped_column(String(128))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    account: Mapped[str | None] = mapped_column(String(64))  # None: a row from before accounts (revision 0002)
    # A client that proved itself before (a device token for this account, or the server's own CLI): its failures
    # are counted for it alone, so guesses from elsewhere never lock it out.
    trusted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class InstructorRow(Base):
    """An instructor account: a name, a role and a scrypt hash; never deleted, only disabled."""

    __tablename__ = "instructors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    passphrase_hash: Mapped[str] = mapped_column(String(255))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every token (session or device) issued before this instant is void: set by reset, disable and revoke.
    tokens_valid_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CohortOwnerRow(Base):
    """Who owns a cohort. A table of its own (not a column on cohorts) so the migration never rebuilds `cohorts`,
    which SQLite would do by dropping it and firing the ON DELETE actions of trainees and assignments."""

    __tablename__ = "cohort_owners"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InstructorSessionRow(Base):
    """A signed-in browser: the token carries a nonce whose SHA-256 is the id, so the table alone signs no one in."""

    __tablename__ = "instructor_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SigningKeyRow(Base):
    """The HMAC key for instructor tokens, made on first use and shared by every replica through the database."""

    __tablename__ = "signing_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalibrationReviewRow(Base):
    """One instructor's review of one stored evaluation (the grader-calibration workbench)."""

    __tablename__ = "calibration_reviews"
    __table_args__ = (
        UniqueConstraint(
            "evaluation_id", "instructor_id", name="uq_calibration_reviews_evaluation_id_instructor_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalibrationMarkRow(Base):
    """The instructor's verdict on one mistake of a review, beside what the evaluator said."""

    __tablename__ = "calibration_marks"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_reviews.id", ondelete="CASCADE"), primary_key=True
    )
    mistake_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    evaluator_detected: Mapped[bool] = mapped_column(Boolean)
    verdict: Mapped[str] = mapped_column(String(16))
    turns_json: Mapped[str] = mapped_column(Text)  # the trainee turns the instructor says show the mistake


class SavedEvaluationRow(Base):
    """A pasted real conversation, evaluated and kept (opt-in) in the trainee's own history."""

    __tablename__ = "saved_evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[str] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    scenario_id: Mapped[str | None] = mapped_column(String(100))
    turns_json: Mapped[str] = mapped_column(Text)
    report_json: Mapped[str] = mapped_column(Text)
    overall_score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PreparationRow(Base):
    """The trainee's preparation sheet, saved with the (root) session it prepared."""

    __tablename__ = "preparations"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    sheet_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""Instructor accounts, cohort ownership, sign-in sessions, grader calibration and kept real-conversation
evaluations; when a trainee joined their cohort; which account and client a sign-in attempt was for.

Only new tables and plain nullable (or defaulted) columns: nothing existing is rebuilt. On SQLite a rebuild of
`cohorts` (what a new foreign-key column would need) drops the table, which fires ON DELETE SET NULL on trainees
and CASCADE on assignments, so ownership lives in its own table (`cohort_owners`).

The single-passphrase set-up becomes an admin account at run time, not here (`trainer.instructor.accounts.
adopt_legacy`): the hash is configuration, and it may be set only after this migration has run.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from trainer.storage.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the account, ownership, session, calibration and saved-evaluation tables; add three columns."""
    _accounts()
    _calibration()
    _saved_evaluations()
    op.add_column("trainees", sa.Column("cohort_joined_at", UTCDateTime(), nullable=True))
    # Trainees already in a cohort joined it no later than they were created: the best bound the data holds.
    op.execute("UPDATE trainees SET cohort_joined_at = created_at WHERE cohort_id IS NOT NULL")
    op.add_column("login_attempts", sa.Column("account", sa.String(64), nullable=True))
    op.add_column(
        "login_attempts", sa.Column("trusted", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_login_attempts_account_created_at", "login_attempts", ["account", "created_at"])


def _accounts() -> None:
    """Instructors, who owns which cohort, signed-in browsers and the token signing key."""
    op.create_table(
        "instructors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("passphrase_hash", sa.String(255), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.Column("tokens_valid_after", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instructors"),
        sa.UniqueConstraint("username", name="uq_instructors_username"),
    )
    op.create_table(
        "cohort_owners",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("cohort_id", name="pk_cohort_owners"),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name="fk_cohort_owners_cohort_id_cohorts", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["instructor_id"], ["instructors.id"], name="fk_cohort_owners_instructor_id_instructors"
        ),
    )
    op.create_index("ix_cohort_owners_instructor_id", "cohort_owners", ["instructor_id"])
    op.create_table(
        "instructor_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instructor_sessions"),
        sa.ForeignKeyConstraint(
            ["instructor_id"], ["instructors.id"], name="fk_instructor_sessions_instructor_id_instructors",
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    op.create_index("ix_instructor_sessions_instructor_id", "instructor_sessions", ["instructor_id"])
    op.create_table(
        "signing_keys",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_signing_keys"),
    )


def _calibration() -> None:
    """Reviews of stored evaluations and the per-mistake marks in them."""
    op.create_table(
        "calibration_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_calibration_reviews"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"], name="fk_calibration_reviews_evaluation_id_evaluations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_calibration_reviews_session_id_sessions", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["instructor_id"], ["instructors.id"], name="fk_calibration_reviews_instructor_id_instructors",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "evaluation_id", "instructor_id", name="uq_calibration_reviews_evaluation_id_instructor_id"
        ),
    )  # fmt: skip
    op.create_index("ix_calibration_reviews_session_id", "calibration_reviews", ["session_id"])
    op.create_index("ix_calibration_reviews_instructor_id", "calibration_reviews", ["instructor_id"])
    op.create_table(
        "calibration_marks",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("mistake_id", sa.String(40), nullable=False),
        sa.Column("evaluator_detected", sa.Boolean(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("turns_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("review_id", "mistake_id", name="pk_calibration_marks"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["calibration_reviews.id"], name="fk_calibration_marks_review_id_calibration_reviews",
            ondelete="CASCADE",
        ),
    )  # fmt: skip


def _saved_evaluations() -> None:
    """Evaluated real conversations a trainee chose to keep."""
    op.create_table(
        "saved_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.String(36), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=True),
        sa.Column("turns_json", sa.Text(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("overall_score", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_evaluations"),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name="fk_saved_evaluations_trainee_id_trainees", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_saved_evaluations_trainee_id", "saved_evaluations", ["trainee_id"])


def downgrade() -> None:
    """Drop what 0003 added; cohorts, trainees, sessions and their evaluations stay as they were."""
    op.drop_index("ix_login_attempts_account_created_at", table_name="login_attempts")
    op.drop_column("login_attempts", "trusted")
    op.drop_column("login_attempts", "account")
    op.drop_column("trainees", "cohort_joined_at")
    op.drop_index("ix_saved_evaluations_trainee_id", table_name="saved_evaluations")
    op.drop_table("saved_evaluations")
    op.drop_table("calibration_marks")
    op.drop_index("ix_calibration_reviews_instructor_id", table_name="calibration_reviews")
    op.drop_index("ix_calibration_reviews_session_id", table_name="calibration_reviews")
    op.drop_table("calibration_reviews")
    op.drop_table("signing_keys")
    op.drop_index("ix_instructor_sessions_instructor_id", table_name="instructor_sessions")
    op.drop_table("instructor_sessions")
    op.drop_index("ix_cohort_owners_instructor_id", table_name="cohort_owners")
    op.drop_table("cohort_owners")
    op.drop_table("instructors")

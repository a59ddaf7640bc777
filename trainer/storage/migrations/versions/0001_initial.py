"""Initial schema: cohorts, trainees, sessions, turns, evaluations and per-mistake scores.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from trainer.storage.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the core tables: cohorts, trainees, sessions, turns, evaluations and per-mistake scores."""
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("join_code", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cohorts"),
        sa.UniqueConstraint("join_code", name="uq_cohorts_join_code"),
    )
    op.create_table(
        "trainees",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("client_key", sa.String(128), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trainees"),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name="fk_trainees_cohort_id_cohorts", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("client_key", name="uq_trainees_client_key"),
    )
    op.create_index("ix_trainees_cohort_id", "trainees", ["cohort_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("trainee_id", sa.String(36), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("realizer", sa.String(32), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.Column("outcome_json", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name="fk_sessions_trainee_id_trainees", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sessions_trainee_id", "sessions", ["trainee_id"])
    op.create_index("ix_sessions_scenario_id", "sessions", ["scenario_id"])
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("move_json", sa.Text(), nullable=True),
        sa.Column("meta_json", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_turns"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_turns_session_id_sessions", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("session_id", "idx", name="uq_turns_session_id_idx"),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("overall_score", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evaluations"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_evaluations_session_id_sessions", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_evaluations_session_id", "evaluations", ["session_id"])
    op.create_table(
        "mistake_scores",
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("mistake_id", sa.String(40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("detected", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "mistake_id", name="pk_mistake_scores"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name="fk_mistake_scores_evaluation_id_evaluations",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop everything 0001 created, children first."""
    op.drop_table("mistake_scores")
    op.drop_index("ix_evaluations_session_id", table_name="evaluations")
    op.drop_table("evaluations")
    op.drop_table("turns")
    op.drop_index("ix_sessions_scenario_id", table_name="sessions")
    op.drop_index("ix_sessions_trainee_id", table_name="sessions")
    op.drop_table("sessions")
    op.drop_index("ix_trainees_cohort_id", table_name="trainees")
    op.drop_table("trainees")
    op.drop_table("cohorts")

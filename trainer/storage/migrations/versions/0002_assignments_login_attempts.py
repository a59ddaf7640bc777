"""Instructor features: cohort assignments and failed-passphrase limiting.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from trainer.storage.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the instructor tables: cohort assignments and sign-in attempts."""
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name="fk_assignments_cohort_id_cohorts", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("cohort_id", "scenario_id", name="uq_assignments_cohort_id_scenario_id"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(128), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_client_key_created_at", "login_attempts", ["client_key", "created_at"])


def downgrade() -> None:
    """Drop the instructor tables (sessions and cohorts stay)."""
    op.drop_index("ix_login_attempts_client_key_created_at", table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_table("assignments")

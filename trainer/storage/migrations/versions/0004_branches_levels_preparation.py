"""Learning by replaying: session lineage (rewind and branch), the difficulty level a session is played at, a
cohort's rewind limit, and the preparation sheet saved with a session.

Revision ID: 0004
Revises: 0003 (instructor accounts).
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from trainer.storage.tables import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Lineage and level on sessions, a rewind limit on cohorts, and the preparation sheets table."""
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("root_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("branch_turn", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("level", sa.String(16), nullable=True))
        batch.create_foreign_key(
            "fk_sessions_parent_id_sessions", "sessions", ["parent_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key("fk_sessions_root_id_sessions", "sessions", ["root_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_sessions_parent_id", ["parent_id"])
        batch.create_index("ix_sessions_root_id", ["root_id"])
    with op.batch_alter_table("cohorts") as batch:
        batch.add_column(sa.Column("rewind_limit", sa.Integer(), nullable=True))
    op.create_table(
        "preparations",
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("sheet_json", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name="pk_preparations"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_preparations_session_id_sessions", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    """Drop the sheets, the cohort limit, and the lineage and level columns (branches stay as plain sessions)."""
    op.drop_table("preparations")
    with op.batch_alter_table("cohorts") as batch:
        batch.drop_column("rewind_limit")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_root_id")
        batch.drop_index("ix_sessions_parent_id")
        batch.drop_constraint("fk_sessions_root_id_sessions", type_="foreignkey")
        batch.drop_constraint("fk_sessions_parent_id_sessions", type_="foreignkey")
        batch.drop_column("level")
        batch.drop_column("branch_turn")
        batch.drop_column("root_id")
        batch.drop_column("parent_id")

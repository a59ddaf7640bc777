"""Alembic environment: uses the connection the store hands over, or LEVERAGE_DB_URL for the developer CLI.

Depends only on the schema (`tables.py`) and the engine factory (`connection.py`), never on the store, which
sits above the migrations.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from trainer.config import get_settings
from trainer.storage.connection import build_engine
from trainer.storage.tables import Base

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    """Run migrations on an open connection; batch mode lets later revisions ALTER tables on SQLite."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_from_url() -> None:
    """Developer path (`alembic -c trainer/storage/migrations/alembic.ini ...`): open our own engine."""
    engine = build_engine(get_settings().db_url)
    with engine.connect() as connection:
        run_on(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")

given = context.config.attributes.get("connection")
if given is None:
    run_from_url()
else:
    run_on(given)

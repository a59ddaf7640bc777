"""Alembic, run from code: `Store.migrate()` upgrades to head at startup, so no `alembic` CLI step is needed.

`alembic.ini` beside this file is only for developers writing a new revision:
`LEVERAGE_DB_URL=sqlite:///scratch.db alembic -c trainer/storage/migrations/alembic.ini revision --autogenerate -m "..."`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

HERE = Path(__file__).resolve().parent
PG_LOCK_KEY = 7_135_202_611  # arbitrary constant: one migrator at a time across replicas


def alembic_config(connection: Connection | None = None) -> Config:
    """A Config pointing at this package's scripts, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (None if never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> str | None:
    """Upgrade if behind, one migrator at a time: a PostgreSQL advisory lock, or SQLite's write lock."""
    head = head_revision()
    if current_revision(engine) == head:
        return head
    with engine.connect() as raw:
        conn = raw.execution_options(sqlite_immediate=True)  # SQLite's equivalent of the advisory lock
        _lock(conn)
        try:
            with _no_foreign_key_actions(conn):
                command.upgrade(alembic_config(conn), "head")
                conn.commit()
        finally:
            _unlock(conn)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema down (tests and emergency rollbacks)."""
    with engine.connect() as conn, _no_foreign_key_actions(conn):
        command.downgrade(alembic_config(conn), revision)
        conn.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Step the schema up to a given revision (tests)."""
    with engine.connect() as conn, _no_foreign_key_actions(conn):
        command.upgrade(alembic_config(conn), revision)
        conn.commit()


@contextmanager
def _no_foreign_key_actions(conn: Connection) -> Iterator[None]:
    """SQLite runs a batch ALTER as copy, DROP and RENAME, and with foreign keys on the DROP fires the ON DELETE
    actions of every table that references the dropped one: rebuilding `sessions` deleted every turn and
    evaluation, rebuilding `cohorts` emptied every trainee's cohort. Foreign keys are off while migrating (the
    pragma is ignored inside a transaction, so it goes straight to the driver before the first BEGIN) and on again
    before the connection goes back to the pool. PostgreSQL alters tables in place: nothing to do."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None and not conn.in_transaction(), "switch foreign keys before the migration's BEGIN"
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _lock(conn: Connection) -> None:
    """Session-level advisory lock (PostgreSQL only); released by _unlock or when the connection closes."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
        conn.commit()


def _unlock(conn: Connection) -> None:
    """Release the migration lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
        conn.commit()

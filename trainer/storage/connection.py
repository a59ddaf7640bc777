"""Database connections: URL handling and an engine with the right per-backend settings.

The lowest storage module (with `tables.py`): the store and the migrations both build on it, so Alembic's
environment never has to import the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool


def normalise_url(url: str) -> URL:
    """`postgresql://` means psycopg 3 here (the only PostgreSQL driver we install)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def mask_url(url: str) -> str:
    """The URL as `trainer doctor` may print it: password replaced by ***."""
    return normalise_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run during a write; foreign keys are off in SQLite unless asked for."""
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below), so DDL is transactional too
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """pysqlite never BEGINs before DDL; do it ourselves so rollbacks (migrations, probes) are real.

    A connection with the `sqlite_immediate` execution option takes the write lock up front (migrations:
    a second process waits, then sees the schema already at head instead of failing on CREATE TABLE).
    """
    immediate = conn.get_execution_options().get("sqlite_immediate")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def build_engine(url: str) -> Engine:
    """An engine with the right per-backend settings (threads, pragmas, pool health checks)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if parsed.database in (None, "", ":memory:"):
        kwargs["poolclass"] = StaticPool  # one shared in-memory database, not one per connection
    elif not parsed.database.startswith("file:"):  # a plain path (not a SQLite URI): create its folder
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine

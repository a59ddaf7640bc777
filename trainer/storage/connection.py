"""Database connections: URL handling and an engine with the right per-backend settings.

The lowest storage module (with `tables.py`): the store and the migrations both build on it, so Alembic's
environment never has to import the store.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads still queue, processes rely on SQLite's busy timeout
    fcntl = None  # type: ignore[assignment]

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


class SqliteWriteGate:
    """Queue a SQLite database's writers before BEGIN IMMEDIATE: threads on a lock, processes on an flock.

    SQLite's own busy handler polls with sleeps that grow to 100 ms and favours whoever arrives last, so under
    contention an early writer can sleep through many commits. Threads of one process wait on a lock (woken
    at once); processes poll an flock of a sidecar file with sleeps capped at a few milliseconds. A gate
    that cannot be had within `patience_s` is skipped, leaving the wait to SQLite (and its busy timeout).
    """

    def __init__(self, path: Path | None, patience_s: float = 10.0) -> None:
        self._thread = threading.RLock()
        self._path, self._patience = path, patience_s
        self._fd: int | None = None
        self._pid = 0
        self._depth = 0  # re-entry by the holding thread (guarded by _thread)
        self._held = False

    def __enter__(self) -> None:
        self._thread.acquire()
        self._depth += 1
        if self._depth == 1 and self._path is not None:
            self._held = self._flock()

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._held:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._held = False
        self._thread.release()

    def _flock(self) -> bool:
        """Take the sidecar lock, polling with short sleeps; False if it took longer than the patience."""
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own open file
            try:
                self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            except OSError:  # a read-only folder: no gate, and SQLite reports the real problem itself
                return False
        deadline, pause = time.monotonic() + self._patience, 0.0005
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.004)


def write_gate(engine: Engine) -> SqliteWriteGate | None:
    """The writers' gate for a SQLite file database (a lock only, in memory); None for other databases."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if database in (None, "", ":memory:") or database.startswith("file:") or fcntl is None:
        return SqliteWriteGate(None)
    return SqliteWriteGate(Path(database).expanduser().with_name(Path(database).name + ".writers"))

"""Database fixtures shared by the persistence tests: every test runs on SQLite and, when
LEVERAGE_TEST_PG_URL is set, again on PostgreSQL in a throwaway schema of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from trainer.storage.connection import normalise_url
from trainer.storage.store import Store

PG_ENV = "LEVERAGE_TEST_PG_URL"
REQUIRED_ENV = "LEVERAGE_TEST_PG_REQUIRED"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _pg_schema_url(schema: str) -> str:
    """The test PG URL with a search_path pinned to one schema, so tests never see each other's tables."""
    base = normalise_url(os.environ[PG_ENV])
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    yield from pg_schema()


def pg_schema() -> Iterator[str]:
    """A throwaway schema on the test PostgreSQL, dropped afterwards (skips, or fails when CI requires it,
    without a database). Yields its URL; use with `yield from` in a fixture."""
    if not os.environ.get(PG_ENV):
        if os.environ.get(REQUIRED_ENV):  # CI sets this so a missing database fails instead of skipping
            pytest.fail(f"{REQUIRED_ENV} is set but {PG_ENV} is not")
        pytest.skip(f"{PG_ENV} not set (run scripts/start-postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(os.environ[PG_ENV]))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated Store on each backend."""
    instance = Store(db_url)
    instance.migrate()
    yield instance
    instance.dispose()


def backend_of(url: str) -> str:
    """`sqlite` or `postgresql`, for assertions that differ."""
    return make_url(url).get_backend_name()

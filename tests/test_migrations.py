"""Alembic migrations: up and down, step by step, on SQLite and PostgreSQL; the ORM matches the head schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from report_factory import make_report
from sqlalchemy import inspect, text

from trainer.storage import migrations
from trainer.storage.store import Store
from trainer.storage.tables import Base

pytest_plugins = ["db_fixtures"]

CORE = {"cohorts", "trainees", "sessions", "turns", "evaluations", "mistake_scores"}
INSTRUCTOR = {"assignments", "login_attempts"}
LEARNING = {"preparations"}  # 0004: lineage and level on sessions, a cohort rewind limit, preparation sheets


def _tables(store: Store) -> set[str]:
    return set(inspect(store.engine).get_table_names()) - {"alembic_version"}


def test_revisions_form_one_linear_history() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    revisions = list(script.walk_revisions())
    assert [r.revision for r in reversed(revisions)] == ["0001", "0002", "0004"]
    assert len(script.get_heads()) == 1


def test_up_and_down_step_by_step(db_url: str) -> None:
    store = Store(db_url)
    assert store.revision() is None and _tables(store) == set()
    migrations.upgrade(store.engine, "0001")
    assert store.revision() == "0001" and _tables(store) == CORE
    migrations.upgrade(store.engine, "0002")
    assert _tables(store) == CORE | INSTRUCTOR
    migrations.upgrade(store.engine, "0004")
    assert _tables(store) == CORE | INSTRUCTOR | LEARNING
    migrations.downgrade(store.engine, "0002")
    assert store.revision() == "0002" and _tables(store) == CORE | INSTRUCTOR
    migrations.downgrade(store.engine, "0001")
    assert store.revision() == "0001" and _tables(store) == CORE
    migrations.downgrade(store.engine, "base")
    assert store.revision() is None and _tables(store) == set()
    assert store.migrate() == migrations.head_revision()
    assert _tables(store) == CORE | INSTRUCTOR | LEARNING
    store.dispose()


def test_migrate_is_idempotent_and_keeps_data(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    trainee = store.create_trainee("Ada")
    session_id = store.create_session(trainee.id, "s", 1, "template", "{}")
    store.save_evaluation(session_id, make_report())
    again = Store(db_url)  # a second replica starting up
    assert again.migrate() == migrations.head_revision()
    assert again.latest_evaluation(session_id) is not None
    again.dispose()
    store.dispose()


def test_downgrade_of_instructor_tables_keeps_sessions(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    trainee = store.create_trainee("Ada")
    session_id = store.create_session(trainee.id, "s", 1, "template", "{}")
    migrations.downgrade(store.engine, "0001")
    with store.engine.connect() as conn:  # the ORM reads head's columns; an older schema is read with plain SQL
        assert conn.execute(text("SELECT count(*) FROM sessions WHERE id = :id"), {"id": session_id}).scalar() == 1
    store.dispose()


def test_orm_matches_migrated_schema(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    store.dispose()
    assert diff == []


def test_upgrading_keeps_every_turn_of_an_existing_database(tmp_path) -> None:
    """SQLite rebuilds a table to alter it; with foreign keys on, dropping `sessions` would delete every turn."""
    import sqlalchemy as sa

    from trainer.storage import migrations
    from trainer.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    migrations.upgrade(store.engine, "0002")
    with store.engine.begin() as conn:
        conn.execute(sa.text("insert into trainees (id, display_name, created_at) values ('t1', 'Ada', CURRENT_TIMESTAMP)"))
        conn.execute(sa.text(
            "insert into sessions (id, trainee_id, scenario_id, status, seed, realizer, state_json, created_at, "
            "updated_at) values ('s1', 't1', 'carmaker-renewal', 'open', 1, 'template', '{}', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("insert into turns (session_id, idx, speaker, text, created_at) "
                             "values ('s1', 0, 'counterparty', 'Welcome.', CURRENT_TIMESTAMP)"))
    assert store.migrate() == migrations.head_revision()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from turns")).scalar() == 1
        assert conn.execute(sa.text("select count(*) from sessions")).scalar() == 1

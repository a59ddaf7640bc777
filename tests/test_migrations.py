"""Alembic migrations: up and down, step by step, on SQLite and PostgreSQL; the ORM matches the head schema; the
single-passphrase set-up of revision 0002 becomes one admin account at 0003 without losing a cohort."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts_support import fast_hash
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from report_factory import make_report
from sqlalchemy import inspect, text

from trainer.instructor import accounts, auth, cohorts, dashboard
from trainer.storage import migrations
from trainer.storage.store import Store
from trainer.storage.tables import Base, TraineeRow

pytest_plugins = ["db_fixtures"]

CORE = {"cohorts", "trainees", "sessions", "turns", "evaluations", "mistake_scores"}
INSTRUCTOR = {"assignments", "login_attempts"}
LEARNING = {"preparations"}  # 0004: lineage and level on sessions, a cohort rewind limit, preparation sheets
ACCOUNTS = {"instructors", "cohort_owners", "instructor_sessions", "signing_keys", "calibration_reviews",
            "calibration_marks", "saved_evaluations"}  # fmt: skip
LEGACY_PASS = "the one shared passphrase"


def _tables(store: Store) -> set[str]:
    return set(inspect(store.engine).get_table_names()) - {"alembic_version"}


def _columns(store: Store, table: str) -> set[str]:
    return {c["name"] for c in inspect(store.engine).get_columns(table)}


def test_revisions_form_one_linear_history() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    revisions = list(script.walk_revisions())
    assert [r.revision for r in reversed(revisions)] == ["0001", "0002", "0003", "0004"]
    assert script.get_revision("0003").down_revision == "0002"
    assert script.get_revision("0004").down_revision == "0003"
    assert len(script.get_heads()) == 1


def test_up_and_down_step_by_step(db_url: str) -> None:
    store = Store(db_url)
    assert store.revision() is None and _tables(store) == set()
    migrations.upgrade(store.engine, "0001")
    assert store.revision() == "0001" and _tables(store) == CORE
    migrations.upgrade(store.engine, "0002")
    assert _tables(store) == CORE | INSTRUCTOR
    migrations.upgrade(store.engine, "0003")
    assert _tables(store) == CORE | INSTRUCTOR | ACCOUNTS
    assert "cohort_joined_at" in _columns(store, "trainees")
    assert {"account", "trusted"} <= _columns(store, "login_attempts")
    migrations.upgrade(store.engine, "0004")
    assert _tables(store) == CORE | INSTRUCTOR | ACCOUNTS | LEARNING
    migrations.downgrade(store.engine, "0002")
    assert store.revision() == "0002" and _tables(store) == CORE | INSTRUCTOR
    assert "cohort_joined_at" not in _columns(store, "trainees")
    assert not {"account", "trusted"} & _columns(store, "login_attempts")
    migrations.downgrade(store.engine, "0001")
    assert store.revision() == "0001" and _tables(store) == CORE
    migrations.downgrade(store.engine, "base")
    assert store.revision() is None and _tables(store) == set()
    assert store.migrate() == migrations.head_revision() == "0004"
    assert _tables(store) == CORE | INSTRUCTOR | ACCOUNTS | LEARNING
    store.dispose()


def test_migrate_is_idempotent_and_keeps_data(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    trainee = store.create_trainee("Ada")
    session_id = store.create_session(trainee.id, "s", 1, "template", "{}")
    store.save_evaluation(session_id, make_report())
    again = Store(db_url)  # a second replica starting up
    assert again.migrate() == "0004"
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


def _seed_at_0002(store: Store) -> dict[str, str]:
    """What a single-passphrase deployment holds at revision 0002: two cohorts, members, an assignment, a session
    with an evaluation and a failed sign-in, written with that revision's columns (the ORM is at head)."""
    now = datetime(2026, 3, 1, 9, 0, 0)
    with store.engine.begin() as conn:
        for cid, name, code in ((1, "Sales", "AAAAA22222"), (2, "Buyers", "BBBBB33333")):
            conn.execute(text("INSERT INTO cohorts (id, name, join_code, created_at) VALUES (:i, :n, :c, :t)"),
                         {"i": cid, "n": name, "c": code, "t": now})  # fmt: skip
        conn.execute(text("INSERT INTO trainees (id, display_name, cohort_id, client_key, created_at) "
                          "VALUES ('t-ada', 'Ada', 1, NULL, :t), ('t-solo', 'Solo', NULL, 'k', :t)"), {"t": now})
        conn.execute(text("INSERT INTO assignments (cohort_id, scenario_id, due_date, created_at) "
                          "VALUES (1, 'carmaker', NULL, :t)"), {"t": now})
        conn.execute(text("INSERT INTO sessions (id, trainee_id, scenario_id, status, seed, realizer, state_json, "
                          "created_at, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 't-ada', "
                          "'carmaker', 'agreed', 1, 'template', '{}', :t, :t)"), {"t": now})
        conn.execute(text("INSERT INTO turns (session_id, idx, speaker, text, created_at) VALUES "
                          "('00000000-0000-4000-8000-000000000001', 0, 'trainee', 'Hello', :t)"), {"t": now})
        conn.execute(text("INSERT INTO login_attempts (client_key, succeeded, created_at) VALUES ('old', false, :t)"),
                     {"t": now})  # fmt: skip
        report = make_report({"urgency_signal": 20})
        conn.execute(text("INSERT INTO evaluations (id, session_id, report_json, overall_score, created_at) VALUES "
                          "(1, '00000000-0000-4000-8000-000000000001', :r, :s, :t)"),
                     {"r": report.model_dump_json(), "s": report.overall_score, "t": now})  # fmt: skip
        for m in report.mistakes:
            conn.execute(text("INSERT INTO mistake_scores (evaluation_id, mistake_id, score, detected, severity) "
                              "VALUES (1, :m, :s, :d, :v)"),
                         {"m": m.id, "s": m.score, "d": m.detected, "v": m.severity})  # fmt: skip
    return {"session": "00000000-0000-4000-8000-000000000001"}


def test_single_passphrase_setup_becomes_one_admin_without_losing_cohorts(db_url: str) -> None:
    store = Store(db_url)
    migrations.upgrade(store.engine, "0002")
    seeded = _seed_at_0002(store)
    legacy = fast_hash(LEGACY_PASS)

    assert store.migrate() == "0004"
    made = accounts.adopt_legacy(store, legacy)
    assert made is not None and made.username == "admin" and made.is_admin
    assert accounts.adopt_legacy(store, legacy) is None  # once only: the variable is ignored from now on

    signed_in = auth.sign_in(store, "admin", LEGACY_PASS, auth.Client.browser("10.0.0.1", None))
    assert signed_in.ok and signed_in.account.id == made.id
    assert sorted(c.name for c in cohorts.my_cohorts(store, made)) == ["Buyers", "Sales"]
    sales = next(c for c in cohorts.my_cohorts(store, made) if c.name == "Sales")
    data = dashboard.load_cohort(store, made, sales.id)
    assert [t.display_name for t in data.trainees] == ["Ada"]
    assert [a.scenario_id for a in data.assignments] == ["carmaker"]
    assert [h.session_id for h in data.history] == [seeded["session"]] and data.history[0].evaluated
    assert data.history[0].scores["urgency_signal"] == 20
    assert [t.text for t in store.list_turns(seeded["session"])] == ["Hello"]  # SQLite's table rebuilds keep children
    with store.transaction() as db:  # members' join time is backfilled from when they were created
        assert db.get(TraineeRow, "t-ada").cohort_joined_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        assert db.get(TraineeRow, "t-solo").cohort_joined_at is None
    store.dispose()


def test_cohorts_wait_for_the_first_admin_when_no_passphrase_was_set(db_url: str) -> None:
    store = Store(db_url)
    migrations.upgrade(store.engine, "0002")
    _seed_at_0002(store)
    store.migrate()
    assert accounts.adopt_legacy(store, None) is None
    admin, adopted = accounts.add_account(store, "root", LEGACY_PASS, role="admin")
    assert adopted == 2 and len(cohorts.my_cohorts(store, admin)) == 2
    teacher, adopted = accounts.add_account(store, "tess", LEGACY_PASS)
    assert adopted == 0 and cohorts.my_cohorts(store, teacher) == []
    store.dispose()


def test_downgrade_from_accounts_keeps_cohorts_and_their_members(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    admin, _ = accounts.add_account(store, "root", LEGACY_PASS, role="admin")
    cohort = cohorts.create_cohort(store, admin, "Sales")
    trainee = store.create_trainee("Ada", cohort_code=cohort.join_code)
    cohorts.assign(store, admin, cohort.id, "carmaker")
    migrations.downgrade(store.engine, "0002")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT cohort_id FROM trainees WHERE id = :i"), {"i": trainee.id}).scalar() == cohort.id
        assert conn.execute(text("SELECT count(*) FROM assignments")).scalar() == 1
        assert conn.execute(text("SELECT name FROM cohorts")).scalar() == "Sales"
    store.dispose()

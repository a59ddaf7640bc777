"""Store behaviour on SQLite and (when configured) PostgreSQL: identity, isolation, turns, evaluations."""

from __future__ import annotations

import threading

import pytest
from report_factory import make_report

from trainer.storage.cohorts import cohort_of_trainee
from trainer.storage.connection import mask_url
from trainer.storage.store import PracticeSession, Store, StoreError
from trainer.storage.tables import CohortRow

pytest_plugins = ["db_fixtures"]  # db_url and store fixtures, on SQLite and PostgreSQL


def _session(store: Store, trainee_id: str, scenario_id: str = "supplier") -> str:
    return store.create_session(trainee_id, scenario_id, seed=7, realizer="template", state_json={"round": 0})


def test_trainee_round_trip(store: Store) -> None:
    trainee = store.create_trainee("  Ada  ", client_key="browser-1")
    assert trainee.display_name == "Ada" and trainee.cohort_id is None
    assert store.get_trainee(trainee.id) == trainee
    assert store.find_trainee_by_client_key("browser-1") == trainee
    assert store.get_trainee("nobody") is None
    assert trainee.created_at.tzinfo is not None


def test_blank_name_and_unknown_code_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="display name"):
        store.create_trainee("   ")
    with pytest.raises(StoreError, match="not recognised"):
        store.create_trainee("Bo", cohort_code="NOPE-NOPE")


def test_join_code_is_normalised(store: Store) -> None:
    with store.transaction() as db:
        db.add(CohortRow(name="Sales Q1", join_code="ABCD2345"))
    trainee = store.create_trainee("Cy", cohort_code="abcd-2345 ")
    cohort = cohort_of_trainee(store, trainee.id)
    assert cohort is not None and trainee.cohort_id == cohort.id and cohort.join_code == "ABCD2345"
    assert trainee.cohort_joined_at is not None
    solo = store.create_trainee("Di")
    assert solo.cohort_joined_at is None
    joined = store.join_cohort(solo.id, "ab cd 2345")
    assert joined.cohort_id == cohort.id and joined.cohort_joined_at is not None
    assert store.join_cohort(solo.id, "ABCD2345").cohort_joined_at == joined.cohort_joined_at  # same cohort again


def test_session_lifecycle(store: Store) -> None:
    trainee = store.create_trainee("Ada")
    session_id = _session(store, trainee.id)
    record = store.get_session(session_id, trainee.id)
    assert isinstance(record, PracticeSession)
    assert (record.status, record.seed, record.realizer, record.state_json) == (
        "open",
        7,
        "template",
        '{"round": 0}',
    )
    updated = store.update_session(
        session_id, state_json='{"round": 1}', status="agreed", outcome_json={"x": 1}
    )
    assert updated.status == "agreed" and updated.outcome == {"x": 1} and updated.state_json == '{"round": 1}'
    assert updated.updated_at >= record.updated_at
    untouched = store.update_session(session_id, status="ended")
    assert untouched.state_json == '{"round": 1}' and untouched.outcome == {"x": 1}
    with pytest.raises(ValueError, match="status"):
        store.update_session(session_id, status="won")
    with pytest.raises(StoreError):
        store.update_session("00000000-0000-0000-0000-000000000000", status="ended")


def test_pydantic_state_is_stored_as_json(store: Store) -> None:
    trainee = store.create_trainee("Ada")
    report = make_report()
    session_id = store.create_session(trainee.id, "s", seed=1, realizer="llm", state_json=report)
    assert store.get_session(session_id, trainee.id).state_json == report.model_dump_json()


def test_isolation_between_trainees(store: Store) -> None:
    alice, bob = store.create_trainee("Alice"), store.create_trainee("Bob")
    alice_session = _session(store, alice.id)
    store.add_turn(alice_session, "trainee", "My secret deadline is Friday.")
    store.save_evaluation(alice_session, make_report())
    assert store.get_session(alice_session, bob.id) is None
    assert store.list_turns(alice_session, trainee_id=bob.id) == []
    assert store.latest_evaluation(alice_session, trainee_id=bob.id) is None
    assert store.list_sessions(bob.id) == []
    assert [s.id for s in store.list_sessions(alice.id)] == [alice_session]


@pytest.mark.parametrize("crafted", ["", "1", "' OR 1=1 --", "../../etc", "x" * 500])
def test_crafted_session_ids_find_nothing(store: Store, crafted: str) -> None:
    trainee = store.create_trainee("Alice")
    _session(store, trainee.id)
    assert store.get_session(crafted, trainee.id) is None


def test_turns_are_numbered_and_committed_immediately(store: Store, db_url: str) -> None:
    trainee = store.create_trainee("Ada")
    session_id = _session(store, trainee.id)
    assert store.add_turn(session_id, "counterparty", "Hello.", move={"kind": "open"}) == 0
    assert store.add_turn(session_id, "trainee", "Hi, what matters to you?") == 1
    # A second Store (another process or replica) sees the trainee turn before any reply exists.
    other = Store(db_url)
    try:
        turns = other.list_turns(session_id)
    finally:
        other.dispose()
    assert [(t.idx, t.speaker, t.text) for t in turns] == [
        (0, "counterparty", "Hello."),
        (1, "trainee", "Hi, what matters to you?"),
    ]
    assert turns[0].move == {"kind": "open"} and turns[1].move is None
    with pytest.raises(ValueError, match="speaker"):
        store.add_turn(session_id, "narrator", "…")
    with pytest.raises(StoreError):
        store.add_turn("00000000-0000-0000-0000-000000000000", "trainee", "lost?")


def test_concurrent_turns_get_distinct_indexes(store: Store) -> None:
    trainee = store.create_trainee("Ada")
    session_id = _session(store, trainee.id)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                store.add_turn(session_id, "trainee", f"thread {n} line {i}")
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [t.idx for t in store.list_turns(session_id)] == list(range(20))


def test_evaluations_latest_wins(store: Store) -> None:
    trainee = store.create_trainee("Ada")
    session_id = _session(store, trainee.id)
    assert store.latest_evaluation(session_id) is None
    store.save_evaluation(session_id, make_report({"urgency_signal": 20}))
    second = store.save_evaluation(session_id, make_report({"urgency_signal": 90}).model_dump())
    latest = store.latest_evaluation(session_id, trainee_id=trainee.id)
    assert latest is not None and latest.id == second.id
    assert latest.mistake_scores["urgency_signal"] == 90 and len(latest.mistake_scores) == 5
    assert latest.report.mistakes[1].score == 90


def test_deleting_a_trainee_cascades(store: Store) -> None:
    from trainer.storage.tables import SessionRow, TraineeRow, TurnRow

    trainee = store.create_trainee("Ada")
    session_id = _session(store, trainee.id)
    store.add_turn(session_id, "trainee", "hi")
    with store.transaction() as db:
        db.delete(db.get(TraineeRow, trainee.id))
    with store.transaction() as db:
        assert db.get(SessionRow, session_id) is None
        assert db.query(TurnRow).count() == 0


def test_check_reports_masked_url_and_writability(store: Store) -> None:
    info = store.check()
    assert info["ok"] and info["writable"] and info["revision"] == info["head"]
    assert "leverage:leverage@" not in info["url"]


def test_mask_url_hides_password() -> None:
    assert mask_url("postgresql://u:s3cret@db:5432/x") == "postgresql+psycopg://u:***@db:5432/x"
    assert mask_url("sqlite:///tmp/x.db") == "sqlite:///tmp/x.db"


def test_sqlite_pragmas(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.dispose()


def test_unwritable_sqlite_is_reported(tmp_path) -> None:
    path = tmp_path / "ro.db"
    writable = Store(f"sqlite:///{path}")
    writable.migrate()
    writable.dispose()
    readonly = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    info = readonly.check()
    readonly.dispose()
    assert info["writable"] is False and info["ok"] is False and info["error"]

"""Instructor passphrase: scrypt hash format, constant-time verification, DB-backed lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer.instructor import auth
from trainer.instructor.auth import AuthConfigError, hash_passphrase, parse_hash, sign_in, verify_passphrase
from trainer.storage.store import Store
from trainer.storage.tables import utcnow

pytest_plugins = ["db_fixtures"]

FAST = {"n": 2**10, "r": 8, "p": 1}  # tests only; the default cost is N=2**15
PASS = "correct horse battery"


@pytest.fixture(scope="module")
def stored_hash() -> str:
    return hash_passphrase(PASS, **FAST)


def test_hash_format_and_salt() -> None:
    first, second = hash_passphrase(PASS, **FAST), hash_passphrase(PASS, **FAST)
    assert first != second  # salted
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1")
    assert PASS not in first
    assert parse_hash(first)[:3] == (1024, 8, 1)


def test_default_cost_is_strong() -> None:
    assert hash_passphrase(PASS).split("$")[1] == str(2**15)


def test_verify(stored_hash: str) -> None:
    assert verify_passphrase(PASS, stored_hash)
    assert not verify_passphrase(PASS + " ", stored_hash)
    assert not verify_passphrase("", stored_hash)


def test_uses_constant_time_compare(stored_hash: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    verify_passphrase("wrong one", stored_hash)
    assert calls == [1]


@pytest.mark.parametrize(
    "bad",
    ["", "plaintext", "scrypt$1$8$1$AAAA$AAAA", "bcrypt$16384$8$1$c2FsdHNhbHQ=$a2V5", "scrypt$x$8$1$a$b"],
)
def test_malformed_hash_names_the_variable(bad: str) -> None:
    with pytest.raises(AuthConfigError, match="LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH"):
        verify_passphrase(PASS, bad)


def test_short_passphrase_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        hash_passphrase("short")


def test_right_passphrase_signs_in(store: Store, stored_hash: str) -> None:
    assert sign_in(store, "browser-a", PASS, stored_hash).ok


def test_unconfigured_refuses(store: Store) -> None:
    result = sign_in(store, "browser-a", PASS, None)
    assert not result.ok and "not configured" in result.message


def test_lockout_after_failures_then_window_expiry(store: Store, stored_hash: str) -> None:
    now = utcnow()
    for i in range(auth.MAX_FAILURES - 1):
        result = sign_in(store, "browser-a", "guess", stored_hash, now=now + timedelta(seconds=i))
        assert not result.ok and result.locked_until is None
        assert result.failures_left == auth.MAX_FAILURES - 1 - i
    last = sign_in(store, "browser-a", "guess", stored_hash, now=now + timedelta(seconds=10))
    assert last.locked_until is not None and "Too many" in last.message
    # Even the right passphrase is refused while locked.
    locked = sign_in(store, "browser-a", PASS, stored_hash, now=now + timedelta(minutes=1))
    assert not locked.ok and locked.locked_until == now + auth.WINDOW
    # Another browser is not affected.
    assert sign_in(store, "browser-b", PASS, stored_hash, now=now + timedelta(minutes=1)).ok
    # After the window the first client may try again.
    assert sign_in(store, "browser-a", PASS, stored_hash, now=now + auth.WINDOW + timedelta(seconds=1)).ok


def test_success_resets_the_count(store: Store, stored_hash: str) -> None:
    now = utcnow()
    for i in range(auth.MAX_FAILURES - 1):
        sign_in(store, "k", "guess", stored_hash, now=now + timedelta(seconds=i))
    assert sign_in(store, "k", PASS, stored_hash, now=now + timedelta(seconds=20)).ok
    after = sign_in(store, "k", "guess", stored_hash, now=now + timedelta(seconds=21))
    assert after.locked_until is None and after.failures_left == auth.MAX_FAILURES - 1


def test_lockout_is_shared_across_replicas(db_url: str, stored_hash: str) -> None:
    one, two = Store(db_url), Store(db_url)
    one.migrate()
    now = utcnow()
    for i in range(auth.MAX_FAILURES):
        sign_in(one, "k", "guess", stored_hash, now=now + timedelta(seconds=i))
    assert sign_in(two, "k", PASS, stored_hash, now=now + timedelta(seconds=30)).locked_until is not None
    one.dispose()
    two.dispose()


def test_global_ceiling_stops_rotating_client_keys(
    store: Store, stored_hash: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "GLOBAL_MAX_FAILURES", 6)
    now = utcnow()
    for i in range(6):
        sign_in(store, f"fresh-{i}", "guess", stored_hash, now=now + timedelta(seconds=i))
    assert sign_in(store, "fresh-new", PASS, stored_hash, now=now + timedelta(seconds=30)).locked_until


def test_old_attempts_are_pruned(store: Store, stored_hash: str) -> None:
    from trainer.storage.tables import LoginAttemptRow

    old = utcnow() - 3 * auth.WINDOW
    sign_in(store, "k", "guess", stored_hash, now=old)
    sign_in(store, "k", "guess", stored_hash)
    with store.transaction() as db:
        assert db.query(LoginAttemptRow).count() == 1


def test_cli_hash_passphrase_reads_stdin_and_prints_a_verifiable_hash() -> None:
    from typer.testing import CliRunner

    from trainer.cli import app

    result = CliRunner().invoke(app, ["instructor", "hash-passphrase"], input=PASS + "\n")
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("scrypt$"))
    assert verify_passphrase(PASS, line) and PASS not in result.stdout
    short = CliRunner().invoke(app, ["instructor", "hash-passphrase"], input="short\n")
    assert short.exit_code == 2

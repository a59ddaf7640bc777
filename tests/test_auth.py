"""Instructor sign-in: scrypt hash format, constant-time verification, and the database-backed backoff per
account and client that slows guessing without letting an attacker lock the owner out (issue 16, defect 7)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from accounts_support import FAST, make_account

from trainer.instructor import accounts, auth, tokens
from trainer.instructor.auth import (
    AuthConfigError,
    Client,
    hash_passphrase,
    parse_hash,
    sign_in,
    verify_passphrase,
)
from trainer.storage import accounts as account_store
from trainer.storage.store import Store
from trainer.storage.tables import LoginAttemptRow, utcnow

pytest_plugins = ["db_fixtures"]

PASS = "correct horse battery"


@pytest.fixture(scope="module")
def stored_hash() -> str:
    return hash_passphrase(PASS, **FAST)


@pytest.fixture
def owner(store: Store):
    return make_account(store, "olga", PASS)


def _browser(n: int | str) -> Client:
    """An untrusted browser at its own address."""
    return Client.browser(f"203.0.113.{n}", None)


def _hammer(store: Store, failures: int, start: datetime) -> datetime:
    """A patient attacker: wrong guesses from a new address each time, waiting whenever told to, until `failures`
    have been checked; returns the simulated time after the last one."""
    now, done, i = start, 0, 0
    while done < failures:
        result = sign_in(store, "olga", f"guess {i}", _browser(i), now=now)
        i += 1
        if result.retry_at is not None and "Wrong" not in result.message:
            now = result.retry_at  # refused unchecked: come back when allowed
            continue
        done += 1
    return now


# ---------------------------------------------------------------- hashes


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
def test_malformed_hash_names_its_source(bad: str) -> None:
    with pytest.raises(AuthConfigError, match="LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH"):
        verify_passphrase(PASS, bad)
    with pytest.raises(AuthConfigError, match="account 'x'"):
        verify_passphrase(PASS, bad, source="the stored hash of account 'x'")


def test_short_passphrase_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        hash_passphrase("short")


# ---------------------------------------------------------------- sign-in


def test_right_passphrase_signs_in(store: Store, owner) -> None:
    result = sign_in(store, " OLGA ", PASS, _browser(1))  # names ignore case and spaces
    assert result.ok and result.account.id == owner.id


def test_wrong_name_and_wrong_passphrase_look_the_same(store: Store, owner) -> None:
    wrong_pass = sign_in(store, "olga", "guess", _browser(1))
    no_such = sign_in(store, "nobody", PASS, _browser(1))
    assert not wrong_pass.ok and not no_such.ok
    assert wrong_pass.message == no_such.message == auth.WRONG
    assert account_store.client_failures(store, "nobody", _browser(1).key, utcnow() - timedelta(hours=1))


def test_disabled_account_cannot_sign_in(store: Store, owner) -> None:
    account_store.set_disabled(store, owner.id, True)
    result = sign_in(store, "olga", PASS, _browser(1))
    assert not result.ok and result.message == auth.WRONG


def test_backoff_schedule() -> None:
    assert [auth.delay_after(n, 5).total_seconds() for n in range(4, 10)] == [0, 1, 2, 4, 8, 16]
    assert auth.delay_after(60, 5) == auth.MAX_DELAY


def test_one_client_backs_off_and_a_waiting_attempt_is_not_even_checked(store: Store, owner) -> None:
    now = utcnow()
    client = _browser(7)
    for i in range(auth.CLIENT_FREE - 1):
        assert sign_in(store, "olga", f"guess {i}", client, now=now).retry_at is None
    last = sign_in(store, "olga", "guess", client, now=now)  # the last free failure: the next one waits
    assert last.retry_at == now + auth.BASE_DELAY and "Too many failed attempts" in last.message
    early = sign_in(store, "olga", PASS, client, now=now + timedelta(milliseconds=100))
    assert not early.ok and early.retry_at is not None  # even the right one waits: nothing is checked
    attempts = len(account_store.client_failures(store, "olga", client.key, now - timedelta(hours=1)))
    assert attempts == auth.CLIENT_FREE  # the refused attempt was not recorded
    later = sign_in(store, "olga", PASS, client, now=last.retry_at + timedelta(milliseconds=1))
    assert later.ok
    again = sign_in(store, "olga", "typo", client, now=last.retry_at + timedelta(seconds=1))
    assert again.retry_at is None  # a success resets the count


def test_rotating_clients_do_not_multiply_guesses(store: Store, owner) -> None:
    """The defect: a fresh client key every 5 attempts let 95 guesses through in ~10 s. Replay it: one guess per
    0.1 s for 10 s from a new browser address every 5 attempts, and count the guesses actually checked."""
    now = utcnow()
    checked = 0
    for i in range(100):
        result = sign_in(store, "olga", f"guess {i}", _browser(i // 5), now=now + timedelta(seconds=i / 10))
        checked += result.retry_at is None or "Wrong" in result.message
    assert checked <= auth.POOL_FREE + 4  # the pool's free failures, then waits of 1, 2, 4, 8 s...
    after = _hammer(store, 40, now + timedelta(seconds=10))
    assert after - now > timedelta(hours=4)  # 40 guesses now take hours: one per MAX_DELAY once the waits cap


def test_an_attacker_cannot_lock_the_owner_out(store: Store, owner) -> None:
    now = utcnow()
    device = tokens.device_id(store, tokens.issue_device(store, owner, now), "olga", now)
    assert device is not None
    later = _hammer(store, 30, now)  # an attacker hammering from many addresses
    assert len(account_store.pool_failures(store, "olga", now - timedelta(hours=1))) == 30
    assert sign_in(store, "olga", "guess", _browser("fresh"), now=later).retry_at is not None  # the pool waits
    assert sign_in(store, "olga", PASS, Client.browser("198.51.100.9", device), now=later).ok  # her own browser
    assert sign_in(store, "olga", PASS, Client.cli(), now=later).ok  # and the server's command line


def test_unlock_lets_the_owner_in_from_a_new_browser(store: Store, owner) -> None:
    now = _hammer(store, 30, utcnow())
    new_laptop = _browser("new")
    waiting = sign_in(store, "olga", PASS, new_laptop, now=now)
    assert not waiting.ok and timedelta(0) < waiting.retry_at - now <= auth.MAX_DELAY
    assert auth.unlock(store, "olga") == 30
    assert sign_in(store, "olga", PASS, new_laptop, now=now + timedelta(seconds=1)).ok


def test_other_accounts_are_not_affected(store: Store, owner) -> None:
    make_account(store, "bert", PASS)
    now = utcnow()
    for i in range(30):
        sign_in(store, "olga", "guess", _browser(i), now=now)
    assert sign_in(store, "bert", PASS, _browser(1), now=now).ok


def test_backoff_is_shared_across_replicas(db_url: str) -> None:
    one, two = Store(db_url), Store(db_url)
    one.migrate()
    make_account(one, "olga", PASS)
    now = utcnow()
    for i in range(auth.CLIENT_FREE):
        sign_in(one, "olga", "guess", _browser(1), now=now + timedelta(milliseconds=i))
    assert sign_in(two, "olga", PASS, _browser(1), now=now + timedelta(milliseconds=10)).retry_at is not None
    one.dispose()
    two.dispose()


def test_old_failures_stop_counting_and_are_pruned(store: Store, owner) -> None:
    old = utcnow() - 3 * auth.MEMORY
    for _ in range(auth.CLIENT_FREE + 3):
        sign_in(store, "olga", "guess", _browser(1), now=old)
    assert sign_in(store, "olga", PASS, _browser(1)).ok
    with store.transaction() as db:
        assert db.query(LoginAttemptRow).count() == 1  # only today's success is left


def test_legacy_hash_is_checked_before_it_is_adopted(store: Store) -> None:
    with pytest.raises(AuthConfigError, match="LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH"):
        accounts.adopt_legacy(store, "not-a-hash")
    assert account_store.count_accounts(store) == 0


def test_cli_hash_passphrase_reads_stdin_and_prints_a_verifiable_hash() -> None:
    from typer.testing import CliRunner

    from trainer.cli import app

    result = CliRunner().invoke(app, ["instructor", "hash-passphrase"], input=PASS + "\n")
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("scrypt$"))
    assert verify_passphrase(PASS, line) and PASS not in result.stdout
    short = CliRunner().invoke(app, ["instructor", "hash-passphrase"], input="short\n")
    assert short.exit_code == 2

"""Instructor sign-in: one account per instructor, each with its own salted scrypt hash, and a backoff that slows
guessing without letting anyone lock the owner out.

Hash format: `scrypt$<n>$<r>$<p>$<salt_b64>$<hash_b64>` (the same string `trainer instructor hash-passphrase`
prints; the accounts table stores it, and a legacy `LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH` becomes the `admin`
account's, see `trainer.instructor.accounts.adopt_legacy`).

Backoff, counted in the database so it holds across replicas, per account name (known or not, so probing names
learns nothing):
- per client: after `CLIENT_FREE` failures from one client on one account, that client waits `BASE_DELAY`, then
  twice as long after each further failure, up to `MAX_DELAY`. A success from that client resets its count.
- the untrusted pool: failures from every client that has not proved itself on this account are also counted
  together, with `POOL_FREE` free failures and the same doubling. Rotating browsers or addresses therefore buys an
  attacker nothing: past the free failures, one guess per `MAX_DELAY` per account (~100 a day).
- trusted clients (a browser holding a device token from an earlier successful sign-in to this account, or the
  server's own CLI) are counted only in their own bucket, so an attacker's failures never delay the owner there.
  An owner on a new browser during an attack waits at most `MAX_DELAY`, or an admin runs
  `trainer instructor unlock NAME`.
A refused (waiting) attempt is not checked and not recorded, so it neither costs scrypt time nor extends the wait.
Failures older than `MEMORY` no longer count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from trainer.storage import accounts as account_store
from trainer.storage.accounts import Account
from trainer.storage.store import Store

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1  # ~32 MiB and ~0.1 s per check: cheap for one sign-in, costly for guessing
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSPHRASE = 8
LEGACY_VARIABLE = "LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH"

CLIENT_FREE = 5
POOL_FREE = 10
BASE_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=15)
MEMORY = timedelta(hours=24)
CLI_CLIENT = "cli"
WRONG = "Wrong name or passphrase."


class AuthConfigError(ValueError):
    """A stored hash is malformed; the message names where it came from, never the value."""


@dataclass(frozen=True)
class Client:
    """Who is trying: a key for the per-client count, and whether the client proved itself on this account."""

    key: str
    trusted: bool = False

    @classmethod
    def cli(cls) -> Client:
        """The server's own command line: only someone with a shell on the server gets here."""
        return cls(CLI_CLIENT, trusted=True)

    @classmethod
    def browser(cls, address: str | None, device_id: str | None) -> Client:
        """A browser: trusted by its device id when it holds a valid device token, else keyed by its address."""
        if device_id:
            return cls(f"device:{device_id}", trusted=True)
        return cls(f"ip:{address or 'unknown'}", trusted=False)


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    account: Account | None = None
    retry_at: datetime | None = None  # set while this client must wait
    message: str = ""


# ---------------------------------------------------------------- hashes


def hash_passphrase(passphrase: str, n: int | None = None, r: int = R, p: int = P) -> str:
    """A fresh salted hash string (cost N unless given; read at call time so tests can lower it)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"use a passphrase of at least {MIN_PASSPHRASE} characters")
    n = N if n is None else n
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(passphrase, salt, n, r, p, KEY_BYTES)
    return "$".join([SCHEME, str(n), str(r), str(p), _b64(salt), _b64(key)])


def verify_passphrase(passphrase: str, stored: str, source: str = LEGACY_VARIABLE) -> bool:
    """Constant-time check of a passphrase against a stored hash string."""
    n, r, p, salt, expected = parse_hash(stored, source)
    actual = _derive(passphrase, salt, n, r, p, len(expected))
    return hmac.compare_digest(actual, expected)


def parse_hash(stored: str, source: str = LEGACY_VARIABLE) -> tuple[int, int, int, bytes, bytes]:
    """Split and sanity-check a hash string (AuthConfigError naming `source` if it is not one of ours)."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise AuthConfigError(f"{source} is not a scrypt$n$r$p$salt$hash string")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError as exc:
        raise AuthConfigError(f"{source} has a malformed field") from exc
    if n < 2**10 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 16) or len(salt) < 8 or len(key) < 16:
        raise AuthConfigError(f"{source} has out-of-range parameters")
    return n, r, p, salt, key


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    """scrypt with enough memory allowance for the chosen cost."""
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r * p
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@cache
def _decoy_hash() -> str:
    """A hash nobody knows the passphrase of: unknown and disabled names cost the same scrypt time as real ones."""
    return hash_passphrase(secrets.token_urlsafe(24))


# ---------------------------------------------------------------- backoff


def delay_after(failures: int, free: int) -> timedelta:
    """How long to wait after `failures` counted failures: nothing for the first `free`, then doubling."""
    if failures < free:
        return timedelta(0)
    return min(MAX_DELAY, BASE_DELAY * 2 ** min(failures - free, 20))


def retry_at(store: Store, username: str, client: Client, now: datetime | None = None) -> datetime | None:
    """When this client may next try this account, or None if it may try now."""
    now = now or datetime.now(UTC)
    since = now - MEMORY
    buckets = [(account_store.client_failures(store, username, client.key, since), CLIENT_FREE)]
    if not client.trusted:
        buckets.append((account_store.pool_failures(store, username, since), POOL_FREE))
    waits = [times[-1] + delay_after(len(times), free) for times, free in buckets if times]
    free_at = max(waits, default=None)
    return free_at if free_at is not None and free_at > now else None


def sign_in(
    store: Store, username: str, passphrase: str, client: Client, now: datetime | None = None
) -> SignInResult:
    """Check one attempt under the backoff; every checked attempt is recorded before the answer is returned."""
    now = now or datetime.now(UTC)
    name = account_store.normalise_username(username)[:64]
    if not name:
        return SignInResult(False, message="Enter your account name.")
    wait = retry_at(store, name, client, now)
    if wait is not None:
        return SignInResult(False, retry_at=wait, message=waiting_message(wait, now))
    account = account_store.get_account(store, name)
    usable = account is not None and account.active
    stored = account.passphrase_hash if usable else _decoy_hash()
    ok = verify_passphrase(passphrase, stored, source=f"the stored hash of account {name!r}") and usable
    account_store.record_attempt(store, name, client.key, client.trusted, ok, now, forget_before=now - 2 * MEMORY)
    if ok:
        return SignInResult(True, account=account, message="Signed in.")
    wait = retry_at(store, name, client, now)
    message = WRONG if wait is None else f"{WRONG} {waiting_message(wait, now)}"
    return SignInResult(False, retry_at=wait, message=message)


def waiting_message(until: datetime, now: datetime) -> str:
    """'Too many failed attempts. Try again in 8 seconds.' (minutes once it is a minute or more)."""
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    when = f"{seconds} second(s)" if seconds < 60 else f"{(seconds + 59) // 60} minute(s)"
    return f"Too many failed attempts. Try again in {when}."


def unlock(store: Store, username: str) -> int:
    """Forget the failures on an account (the CLI's `unlock`); returns how many attempts were forgotten."""
    return account_store.clear_attempts(store, username)

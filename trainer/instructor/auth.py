"""Instructor sign-in: one passphrase set by configuration, stored only as a salted scrypt hash.

Hash format: `scrypt$<n>$<r>$<p>$<salt_b64>$<hash_b64>` (made by `trainer instructor hash-passphrase`, put in
`LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH`). Failed attempts are recorded in the database keyed by a client key (the
browser session id), so the lockout holds across Streamlit replicas: after `MAX_FAILURES` failures within
`WINDOW`, that client is locked out until the oldest of those failures leaves the window. A client can dodge
that by opening a fresh browser session, so `GLOBAL_MAX_FAILURES` failures within the window from all clients
together lock sign-in for everyone (at 0.1 s of scrypt each, that caps guessing at ~10 per minute).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trainer.storage.store import Store

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1  # ~32 MiB and ~0.1 s per check: cheap for one sign-in, costly for guessing
SALT_BYTES, KEY_BYTES = 16, 32
MAX_FAILURES = 5
GLOBAL_MAX_FAILURES = 100
WINDOW = timedelta(minutes=15)
MIN_PASSPHRASE = 8


class AuthConfigError(ValueError):
    """The configured hash is malformed; the message names the variable, never the value."""


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    locked_until: datetime | None = None  # set when this client is locked out
    failures_left: int = MAX_FAILURES
    message: str = ""


def hash_passphrase(passphrase: str, n: int = N, r: int = R, p: int = P) -> str:
    """A fresh salted hash string for the environment variable."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"use a passphrase of at least {MIN_PASSPHRASE} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(passphrase, salt, n, r, p, KEY_BYTES)
    return "$".join([SCHEME, str(n), str(r), str(p), _b64(salt), _b64(key)])


def verify_passphrase(passphrase: str, stored: str) -> bool:
    """Constant-time check of a passphrase against a stored hash string."""
    n, r, p, salt, expected = parse_hash(stored)
    actual = _derive(passphrase, salt, n, r, p, len(expected))
    return hmac.compare_digest(actual, expected)


def parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """Split and sanity-check a hash string (AuthConfigError if it is not one of ours)."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise AuthConfigError("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH is not a scrypt$n$r$p$salt$hash string")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError as exc:
        raise AuthConfigError("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH has a malformed field") from exc
    if n < 2**10 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 16) or len(salt) < 8 or len(key) < 16:
        raise AuthConfigError("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH has out-of-range parameters")
    return n, r, p, salt, key


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    """scrypt with enough memory allowance for the chosen cost."""
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r * p
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def sign_in(
    store: Store, client_key: str, passphrase: str, stored_hash: str | None, now: datetime | None = None
) -> SignInResult:
    """Check a sign-in attempt with lockout; every attempt is recorded before the answer is returned."""
    now = now or datetime.now(UTC)
    client_key = client_key[:128]
    if not stored_hash:
        return SignInResult(False, message="Instructor sign-in is not configured on this server.")
    locked = locked_until(store, client_key, now)
    if locked is not None:
        return SignInResult(False, locked_until=locked, failures_left=0, message=_locked_message(locked, now))
    ok = verify_passphrase(passphrase, stored_hash)
    store.record_login_attempt(client_key, ok, now, forget_before=now - 2 * WINDOW)
    if ok:
        return SignInResult(True, message="Signed in.")
    left = MAX_FAILURES - recent_failures(store, client_key, now)
    locked = locked_until(store, client_key, now)
    if locked is not None:
        return SignInResult(False, locked_until=locked, failures_left=0, message=_locked_message(locked, now))
    return SignInResult(False, failures_left=left, message=f"Wrong passphrase. {left} attempt(s) left.")


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return f"Too many failed attempts. Try again in {minutes} minute(s)."


def recent_failures(store: Store, client_key: str, now: datetime | None = None) -> int:
    """How many failures count against this client right now (those in the window since its last success)."""
    now = now or datetime.now(UTC)
    return len(store.failed_logins(client_key, now - WINDOW, now))


def locked_until(store: Store, client_key: str, now: datetime | None = None) -> datetime | None:
    """When this client may try again, or None if it is not locked out."""
    now = now or datetime.now(UTC)
    mine = store.failed_logins(client_key, now - WINDOW, now)
    everyone = store.failed_logins(None, now - WINDOW, now)
    limits = [_free_at(mine, MAX_FAILURES), _free_at(everyone, GLOBAL_MAX_FAILURES)]
    blocked = [when for when in limits if when is not None]
    return max(blocked) if blocked else None


def _free_at(times: list[datetime], limit: int) -> datetime | None:
    """None if under the limit, else when the window frees a slot (the limit-th newest failure ages out)."""
    return times[-limit] + WINDOW if len(times) >= limit else None

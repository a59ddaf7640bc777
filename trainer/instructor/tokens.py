"""Signed, expiring instructor tokens: a session token (the sign-in survives a reload) and a device token (this
browser signed in to this account before, so the backoff trusts it).

Format: `v1.<payload>.<signature>`, both base64url; the payload is compact JSON with the kind (`s` session, `d`
device), the account id, a random nonce, and issued/expiry times in milliseconds; the signature is HMAC-SHA256 with a
key kept in the database (`signing_keys`, made on first use, shared by every replica). The characters are
base64url and dots only, so a token is safe in a cookie and in the page's script that sets it.

A session token is valid only while all of these hold: the signature checks, it has not expired (`SESSION_TTL`),
the account is enabled, the token was issued after the account's `tokens_valid_after` (moved by reset, disable and
revoke), and its session row exists (the row's id is the SHA-256 of the nonce, so the table alone signs no one
in). Revoking therefore takes effect on the next page interaction:
- sign out: deletes this browser's row;
- `trainer instructor revoke NAME`, `disable NAME`, `reset NAME`: every token of that account;
- `trainer instructor revoke --all`: a new signing key, every token of every account.
A device token needs the signature, expiry (`DEVICE_TTL`), the account and `tokens_valid_after`, but no row.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trainer.storage import accounts as account_store
from trainer.storage.accounts import Account
from trainer.storage.store import Store

VERSION = "v1"
SESSION_TTL = timedelta(hours=8)
DEVICE_TTL = timedelta(days=90)
SESSION, DEVICE = "s", "d"


@dataclass(frozen=True)
class Claims:
    kind: str
    account_id: int
    nonce: str
    issued_ms: int
    expires_ms: int


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def _issue(store: Store, kind: str, account: Account, ttl: timedelta, now: datetime) -> tuple[str, str]:
    """A signed token and its nonce."""
    nonce = secrets.token_urlsafe(24)
    payload = {"t": kind, "a": account.id, "n": nonce, "iat": _ms(now), "exp": _ms(now + ttl)}
    body = f"{VERSION}.{_b64(json.dumps(payload, separators=(',', ':')).encode())}"
    return f"{body}.{_sign(account_store.signing_key(store), body)}", nonce


def read_claims(store: Store, token: str | None, kind: str, now: datetime) -> Claims | None:
    """The claims of a well-formed, correctly signed, unexpired token of this kind; None for anything else."""
    parts = (token or "").split(".")
    if len(parts) != 3 or parts[0] != VERSION or len(token or "") > 1000:
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(account_store.signing_key(store), body), parts[2]):
        return None
    try:
        data = json.loads(_unb64(parts[1]))
        claims = Claims(str(data["t"]), int(data["a"]), str(data["n"]), int(data["iat"]), int(data["exp"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return claims if claims.kind == kind and claims.expires_ms > _ms(now) else None


def _current(account: Account | None, claims: Claims) -> Account | None:
    """The account if it is enabled and the token was issued after its last reset, disable or revoke."""
    if account is None or not account.active or claims.issued_ms < _ms(account.tokens_valid_after):
        return None
    return account


def _row_id(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


# ---------------------------------------------------------------- sessions


def issue_session(store: Store, account: Account, now: datetime | None = None) -> str:
    """A session token for a browser that just signed in (its row is stored; the token itself is not)."""
    now = now or datetime.now(UTC)
    token, nonce = _issue(store, SESSION, account, SESSION_TTL, now)
    account_store.add_session(store, _row_id(nonce), account.id, now, now + SESSION_TTL)
    return token


def session_account(store: Store, token: str | None, now: datetime | None = None) -> Account | None:
    """The signed-in account a session token stands for right now, or None."""
    now = now or datetime.now(UTC)
    claims = read_claims(store, token, SESSION, now)
    if claims is None:
        return None
    return _current(account_store.session_account(store, _row_id(claims.nonce), claims.account_id, now), claims)


def end_session(store: Store, token: str | None) -> bool:
    """Sign this browser out: its row goes, so the token is void even if a copy of it survives somewhere."""
    parts = (token or "").split(".")
    try:
        nonce = str(json.loads(_unb64(parts[1]))["n"]) if len(parts) == 3 else None
    except (ValueError, KeyError, TypeError, binascii.Error):
        nonce = None
    return account_store.delete_session(store, _row_id(nonce)) if nonce else False


# ---------------------------------------------------------------- devices


def issue_device(store: Store, account: Account, now: datetime | None = None) -> str:
    """A device token: this browser signed in to this account (kept after sign-out; see module docstring)."""
    return _issue(store, DEVICE, account, DEVICE_TTL, now or datetime.now(UTC))[0]


def device_id(store: Store, token: str | None, username: str, now: datetime | None = None) -> str | None:
    """The device id if the token is a valid device token for the account with this name, else None."""
    now = now or datetime.now(UTC)
    claims = read_claims(store, token, DEVICE, now)
    if claims is None:
        return None
    account = account_store.get_account(store, username)
    if account is None or account.id != claims.account_id or _current(account, claims) is None:
        return None
    return claims.nonce

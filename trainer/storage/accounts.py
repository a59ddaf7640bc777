"""Instructor accounts, their signed-in sessions, the token signing key and sign-in attempts.

The rules (who may do what, backoff, token format) live in `trainer.instructor`; this module only reads and writes
rows and hands back frozen records. A passphrase hash leaves this module only inside an `Account`, whose repr
hides it.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.storage.store import Store, StoreError
from trainer.storage.tables import (
    ROLES,
    InstructorRow,
    InstructorSessionRow,
    LoginAttemptRow,
    SigningKeyRow,
    utcnow,
)

TOKEN_KEY = "instructor-tokens"
KEY_BYTES = 32


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    passphrase_hash: str = field(repr=False)
    disabled_at: datetime | None
    tokens_valid_after: datetime
    created_at: datetime

    @property
    def active(self) -> bool:
        """Disabled accounts cannot sign in and own nothing anyone can open."""
        return self.disabled_at is None

    @property
    def is_admin(self) -> bool:
        """Admins manage accounts (from the CLI); for cohorts they are instructors like any other."""
        return self.role == "admin"


def _account(row: InstructorRow) -> Account:
    return Account(
        row.id, row.username, row.role, row.passphrase_hash, row.disabled_at, row.tokens_valid_after, row.created_at
    )


def normalise_username(name: str) -> str:
    """Names are typed by people: ignore case and surrounding spaces."""
    return name.strip().lower()


# ---------------------------------------------------------------- accounts


def create_account(store: Store, username: str, role: str, passphrase_hash: str) -> Account:
    """A new, enabled account (StoreError if the name is taken)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")
    now = utcnow()

    def work(db: Session) -> Account:
        row = InstructorRow(
            username=normalise_username(username), role=role, passphrase_hash=passphrase_hash,
            tokens_valid_after=now, created_at=now,
        )  # fmt: skip
        db.add(row)
        db.flush()
        return _account(row)

    try:
        return store.write(work)
    except IntegrityError:
        raise StoreError(f"An account named {normalise_username(username)!r} already exists.") from None


def get_account(store: Store, username: str) -> Account | None:
    """The account with this name (any state), or None."""
    query = select(InstructorRow).where(InstructorRow.username == normalise_username(username))

    def work(db: Session) -> Account | None:
        row = db.scalar(query)
        return None if row is None else _account(row)

    return store.read(work)


def get_account_by_id(store: Store, account_id: int) -> Account | None:
    """The account with this id (any state), or None."""

    def work(db: Session) -> Account | None:
        row = db.get(InstructorRow, account_id)
        return None if row is None else _account(row)

    return store.read(work)


def list_accounts(store: Store) -> list[Account]:
    """Every account, by name."""

    def work(db: Session) -> list[Account]:
        return [_account(row) for row in db.scalars(select(InstructorRow).order_by(InstructorRow.username))]

    return store.read(work)


def count_accounts(store: Store, role: str | None = None, active_only: bool = False) -> int:
    """How many accounts (of a role, enabled only if asked) exist."""
    query = select(func.count()).select_from(InstructorRow)
    if role is not None:
        query = query.where(InstructorRow.role == role)
    if active_only:
        query = query.where(InstructorRow.disabled_at.is_(None))

    def work(db: Session) -> int:
        return db.scalar(query) or 0

    return store.read(work)


def set_passphrase(store: Store, account_id: int, passphrase_hash: str) -> Account:
    """Replace the hash; every token issued so far stops working (the browser sessions are deleted too)."""

    def work(db: Session) -> Account:
        row = _row(db, account_id)
        row.passphrase_hash = passphrase_hash
        _void_tokens(db, row)
        return _account(row)

    return store.write(work)


def set_disabled(store: Store, account_id: int, disabled: bool) -> Account:
    """Disable (signing out every browser at once) or enable an account."""

    def work(db: Session) -> Account:
        row = _row(db, account_id)
        if disabled and row.disabled_at is None:
            row.disabled_at = utcnow()
            _void_tokens(db, row)
        elif not disabled:
            row.disabled_at = None
        return _account(row)

    return store.write(work)


def revoke_tokens(store: Store, account_id: int) -> int:
    """Sign the account out everywhere and void its device tokens; returns how many sessions ended."""

    def work(db: Session) -> int:
        row = _row(db, account_id)
        return _void_tokens(db, row)

    return store.write(work)


def _row(db: Session, account_id: int) -> InstructorRow:
    """Load an account row or raise StoreError."""
    row = db.get(InstructorRow, account_id)
    if row is None:
        raise StoreError("Unknown account.")
    return row


def _void_tokens(db: Session, row: InstructorRow) -> int:
    """Tokens issued before now no longer verify, and the account's browser sessions are gone."""
    row.tokens_valid_after = utcnow()
    result = db.execute(delete(InstructorSessionRow).where(InstructorSessionRow.instructor_id == row.id))
    return result.rowcount


# ---------------------------------------------------------------- signed-in browsers


def add_session(store: Store, session_hash: str, account_id: int, created_at: datetime, expires_at: datetime) -> None:
    """Record a signed-in browser (by the hash of its token's nonce) and forget expired ones."""

    def work(db: Session) -> None:
        db.add(InstructorSessionRow(
            id=session_hash, instructor_id=account_id, created_at=created_at, expires_at=expires_at
        ))  # fmt: skip
        db.execute(delete(InstructorSessionRow).where(InstructorSessionRow.expires_at < created_at))

    return store.write(work)


def session_account(store: Store, session_hash: str, account_id: int, now: datetime) -> Account | None:
    """The account of a live session row (not expired, belonging to that account), else None."""
    query = (
        select(InstructorRow)
        .join(InstructorSessionRow, InstructorSessionRow.instructor_id == InstructorRow.id)
        .where(
            InstructorSessionRow.id == session_hash,
            InstructorSessionRow.instructor_id == account_id,
            InstructorSessionRow.expires_at > now,
        )
    )

    def work(db: Session) -> Account | None:
        row = db.scalar(query)
        return None if row is None else _account(row)

    return store.read(work)


def delete_session(store: Store, session_hash: str) -> bool:
    """End one browser's session (sign-out); True if it existed."""

    def work(db: Session) -> bool:
        return db.execute(delete(InstructorSessionRow).where(InstructorSessionRow.id == session_hash)).rowcount > 0

    return store.write(work)


def count_sessions(store: Store, account_id: int, now: datetime) -> int:
    """Live sessions of an account (for `trainer instructor accounts`)."""
    query = select(func.count()).select_from(InstructorSessionRow).where(
        InstructorSessionRow.instructor_id == account_id, InstructorSessionRow.expires_at > now
    )

    def work(db: Session) -> int:
        return db.scalar(query) or 0

    return store.read(work)


# ---------------------------------------------------------------- the signing key


def signing_key(store: Store, name: str = TOKEN_KEY) -> bytes:
    """The named HMAC key, created on first use; two replicas racing to create it end up with the same one."""
    stored = store.read(lambda db: db.scalar(select(SigningKeyRow.secret).where(SigningKeyRow.name == name)))
    if stored is not None:
        return base64.b64decode(stored)
    secret = secrets.token_bytes(KEY_BYTES)
    row = SigningKeyRow(name=name, secret=base64.b64encode(secret).decode("ascii"), created_at=utcnow())
    try:
        store.write(lambda db: db.add(row))
        return secret
    except IntegrityError:  # another replica made it first: use theirs
        return base64.b64decode(store.read(lambda db: db.get(SigningKeyRow, name).secret))


def rotate_signing_key(store: Store, name: str = TOKEN_KEY) -> int:
    """A new key: every token ever issued stops verifying; every browser session ends. Returns sessions ended."""
    secret = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")

    def work(db: Session) -> int:
        db.execute(delete(SigningKeyRow).where(SigningKeyRow.name == name))
        db.add(SigningKeyRow(name=name, secret=secret, created_at=utcnow()))
        return db.execute(delete(InstructorSessionRow)).rowcount

    return store.write(work)


# ---------------------------------------------------------------- sign-in attempts


def record_attempt(
    store: Store, account: str, client_key: str, trusted: bool, succeeded: bool, at: datetime, forget_before: datetime
) -> None:
    """Append one attempt and prune those older than `forget_before` (the write comes first: no lock upgrade)."""

    def work(db: Session) -> None:
        db.add(LoginAttemptRow(
            account=normalise_username(account)[:64], client_key=client_key[:128], trusted=trusted,
            succeeded=succeeded, created_at=at,
        ))  # fmt: skip
        db.execute(delete(LoginAttemptRow).where(LoginAttemptRow.created_at < forget_before))

    return store.write(work)


def client_failures(store: Store, account: str, client_key: str, since: datetime) -> list[datetime]:
    """This client's failures on this account after `since` and after its latest success there, oldest first."""
    mine = (LoginAttemptRow.account == normalise_username(account)) & (LoginAttemptRow.client_key == client_key[:128])
    return _failures_after_success(store, mine, mine, since)


def pool_failures(store: Store, account: str, since: datetime) -> list[datetime]:
    """Failures on this account from untrusted clients, after `since` and after the account's latest success from
    anywhere, oldest first: the shared bucket that stops an attacker who keeps changing clients."""
    account_rows = LoginAttemptRow.account == normalise_username(account)
    untrusted = account_rows & LoginAttemptRow.trusted.is_(False)
    return _failures_after_success(store, untrusted, account_rows, since)


def _failures_after_success(
    store: Store, counted: ColumnElement[bool], resets: ColumnElement[bool], since: datetime
) -> list[datetime]:
    """Failed attempts matching `counted`, newer than `since` and than the latest success matching `resets`."""
    last_success = (
        select(func.max(LoginAttemptRow.created_at)).where(resets, LoginAttemptRow.succeeded.is_(True)).scalar_subquery()
    )
    query = select(LoginAttemptRow.created_at).where(
        counted,
        LoginAttemptRow.succeeded.is_(False),
        LoginAttemptRow.created_at > since,
        (LoginAttemptRow.created_at > last_success) | last_success.is_(None),
    )

    def work(db: Session) -> list[datetime]:
        return sorted(db.scalars(query))

    return store.read(work)


def clear_attempts(store: Store, account: str) -> int:
    """Forget every attempt on this account name (the CLI unlock); returns how many rows went."""

    def work(db: Session) -> int:
        stmt = delete(LoginAttemptRow).where(LoginAttemptRow.account == normalise_username(account))
        return db.execute(stmt).rowcount

    return store.write(work)


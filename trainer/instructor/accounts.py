"""Instructor accounts: names, roles, the admin's powers, and the move from the single shared passphrase.

Rules:
- every instructor has their own account (name and scrypt hash) and sees only the cohorts they own;
- admins also create, disable, enable and reset accounts, unlock them and revoke their tokens (from the CLI);
- the first admin (made by `adopt_legacy` or by `trainer instructor add --role admin` on a server with no enabled
  admin) takes over every cohort that has no owner: the cohorts made under the single shared passphrase;
- the old set-up (`LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH`, one passphrase for everyone) becomes one admin account
  named `admin` with that same hash, the first time anything instructor-side runs on a server with no accounts.
  Once any account exists the variable is ignored, so it can be removed.
"""

from __future__ import annotations

import re

from trainer.instructor.auth import LEGACY_VARIABLE, hash_passphrase, parse_hash
from trainer.storage import accounts as account_store
from trainer.storage import cohorts as cohort_store
from trainer.storage.accounts import Account
from trainer.storage.store import Store, StoreError

LEGACY_ADMIN = "admin"
ROLE_CHOICES = ("instructor", "admin")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class PermissionDenied(PermissionError):
    """The acting account may not do this (not an admin, or disabled); the message says which."""


def valid_username(name: str) -> str:
    """The normalised name, or ValueError saying what a name may contain."""
    clean = account_store.normalise_username(name)
    if not _NAME.fullmatch(clean):
        raise ValueError("an account name is 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit")
    return clean


def needs_bootstrap(store: Store) -> bool:
    """No enabled admin exists yet: the first admin may be added without signing in as one."""
    return account_store.count_accounts(store, role="admin", active_only=True) == 0


def features_on(store: Store, legacy_hash: str | None) -> bool:
    """Instructor pages are usable once an account exists (or the legacy hash will make one)."""
    return bool(legacy_hash) or account_store.count_accounts(store) > 0


def add_account(store: Store, username: str, passphrase: str, role: str = "instructor") -> tuple[Account, int]:
    """Create an account; an admin created while no enabled admin exists adopts the ownerless cohorts.

    Returns the account and how many cohorts it adopted."""
    if role not in ROLE_CHOICES:
        raise ValueError(f"role must be one of {', '.join(ROLE_CHOICES)}")
    first_admin = role == "admin" and needs_bootstrap(store)
    account = account_store.create_account(store, valid_username(username), role, hash_passphrase(passphrase))
    adopted = cohort_store.adopt_orphans(store, account.id) if first_admin else 0
    return account, adopted


def adopt_legacy(store: Store, legacy_hash: str | None) -> Account | None:
    """Turn the single-passphrase set-up into the `admin` account, once, keeping every cohort.

    Runs whenever the instructor side starts (page or command) and does nothing once any account exists. Returns the
    account it made, or None."""
    if not legacy_hash or account_store.count_accounts(store) > 0:
        return None
    parse_hash(legacy_hash, LEGACY_VARIABLE)  # a malformed variable is reported, never stored
    try:
        account = account_store.create_account(store, LEGACY_ADMIN, "admin", legacy_hash.strip())
    except StoreError:  # another replica made it a moment ago
        return None
    cohort_store.adopt_orphans(store, account.id)
    return account


def require_admin(account: Account | None) -> Account:
    """The account itself if it is an enabled admin; PermissionDenied otherwise."""
    if account is None or not account.active or not account.is_admin:
        raise PermissionDenied("this needs an enabled admin account")
    return account


def find(store: Store, username: str) -> Account:
    """An account by name, or StoreError naming it."""
    account = account_store.get_account(store, username)
    if account is None:
        raise StoreError(f"No account named {account_store.normalise_username(username)!r}.")
    return account


def reset(store: Store, actor: Account, username: str, passphrase: str) -> Account:
    """Set a new passphrase (an admin for anyone, anyone for themselves); every token of the account stops working."""
    target = find(store, username)
    if target.id != actor.id:
        require_admin(actor)
    return account_store.set_passphrase(store, target.id, hash_passphrase(passphrase))


def set_enabled(store: Store, actor: Account, username: str, enabled: bool) -> Account:
    """Disable (signing the account out everywhere) or re-enable an account; an admin never disables themself."""
    require_admin(actor)
    target = find(store, username)
    if not enabled and target.id == actor.id:
        raise PermissionDenied("an admin cannot disable their own account; ask another admin")
    return account_store.set_disabled(store, target.id, not enabled)


def revoke(store: Store, actor: Account, username: str) -> int:
    """Sign an account out of every browser and void its device tokens (admin, or the account itself)."""
    target = find(store, username)
    if target.id != actor.id:
        require_admin(actor)
    return account_store.revoke_tokens(store, target.id)

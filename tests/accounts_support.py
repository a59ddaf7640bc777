"""Instructor accounts for tests: fast scrypt parameters (the default cost is N=2**15), made straight in the store."""

from __future__ import annotations

from trainer.instructor.auth import hash_passphrase
from trainer.storage import accounts as account_store
from trainer.storage.accounts import Account
from trainer.storage.store import Store

FAST = {"n": 2**10, "r": 8, "p": 1}


def fast_hash(passphrase: str) -> str:
    """A valid scrypt hash string at the lowest cost parse_hash accepts."""
    return hash_passphrase(passphrase, **FAST)


def make_account(store: Store, name: str, passphrase: str = "a good long passphrase", role: str = "instructor") -> Account:
    """An enabled account with a fast hash."""
    return account_store.create_account(store, name, role, fast_hash(passphrase))

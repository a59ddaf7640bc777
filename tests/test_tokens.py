"""Signed, expiring instructor tokens: a sign-in survives a reload, and every documented way of revoking it works."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from accounts_support import make_account

from trainer.instructor import accounts, tokens
from trainer.storage import accounts as account_store
from trainer.storage.store import Store
from trainer.storage.tables import InstructorSessionRow, utcnow

pytest_plugins = ["db_fixtures"]


@pytest.fixture
def olga(store: Store):
    return make_account(store, "olga", role="admin")


def test_session_token_verifies_until_it_expires(store: Store, olga) -> None:
    now = utcnow()
    token = tokens.issue_session(store, olga, now)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", token)  # safe in a cookie and in the script that sets it
    assert tokens.session_account(store, token, now + timedelta(minutes=5)).id == olga.id
    assert tokens.session_account(store, token, now + tokens.SESSION_TTL - timedelta(seconds=1)) is not None
    assert tokens.session_account(store, token, now + tokens.SESSION_TTL + timedelta(seconds=1)) is None


def test_a_second_replica_accepts_the_token(db_url: str) -> None:
    one, two = Store(db_url), Store(db_url)
    one.migrate()
    account = make_account(one, "olga")
    token = tokens.issue_session(one, account)
    assert tokens.session_account(two, token).id == account.id  # the signing key is shared through the database
    one.dispose()
    two.dispose()


def _reencode(token: str, **changes: object) -> str:
    version, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{version}.{body}.{signature}"


@pytest.mark.parametrize("mangle", [
    lambda t: _reencode(t, a=999),  # another account, old signature
    lambda t: _reencode(t, exp=10**15),  # a longer life, old signature
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # a forged signature
    lambda t: "v2" + t[2:],
    lambda t: "",
    lambda t: "not.a.token",
    lambda t: t + "." + t,
])  # fmt: skip
def test_tampered_tokens_are_refused(store: Store, olga, mangle) -> None:
    token = tokens.issue_session(store, olga)
    assert tokens.session_account(store, mangle(token)) is None
    assert tokens.session_account(store, token) is not None


def test_a_device_token_is_not_a_session_and_vice_versa(store: Store, olga) -> None:
    device = tokens.issue_device(store, olga)
    session = tokens.issue_session(store, olga)
    assert tokens.session_account(store, device) is None
    assert tokens.device_id(store, session, "olga") is None
    assert tokens.device_id(store, device, "olga") is not None
    make_account(store, "bert")
    assert tokens.device_id(store, device, "bert") is None  # vouches for olga only


def test_the_table_alone_signs_no_one_in(store: Store, olga) -> None:
    token = tokens.issue_session(store, olga)
    with store.transaction() as db:
        [row] = db.query(InstructorSessionRow).all()
        assert row.id not in token and token not in row.id  # only the SHA-256 of the nonce is stored


def test_sign_out_voids_even_a_copy_of_the_token(store: Store, olga) -> None:
    token = tokens.issue_session(store, olga)
    other_browser = tokens.issue_session(store, olga)
    assert tokens.end_session(store, token) is True
    assert tokens.session_account(store, token) is None
    assert tokens.session_account(store, other_browser) is not None  # signing out here leaves the other one
    assert tokens.end_session(store, "garbage") is False


@pytest.mark.parametrize("how", ["revoke", "disable", "reset"])
def test_revoking_an_account_voids_all_its_tokens(store: Store, olga, how: str) -> None:
    bert = make_account(store, "bert")
    sessions = [tokens.issue_session(store, bert) for _ in range(2)]
    device = tokens.issue_device(store, bert)
    olga_session = tokens.issue_session(store, olga)
    if how == "revoke":
        assert accounts.revoke(store, olga, "bert") == 2
    elif how == "disable":
        accounts.set_enabled(store, olga, "bert", enabled=False)
    else:
        accounts.reset(store, olga, "bert", "a brand new passphrase")
    assert all(tokens.session_account(store, s) is None for s in sessions)
    assert tokens.device_id(store, device, "bert") is None
    assert tokens.session_account(store, olga_session) is not None
    if how != "disable":  # a new sign-in works at once (tokens issued after the revocation are valid)
        assert tokens.session_account(store, tokens.issue_session(store, account_store.get_account(store, "bert")))


def test_a_new_signing_key_voids_every_token(store: Store, olga) -> None:
    session, device = tokens.issue_session(store, olga), tokens.issue_device(store, olga)
    assert account_store.rotate_signing_key(store) == 1
    assert tokens.session_account(store, session) is None and tokens.device_id(store, device, "olga") is None
    assert tokens.session_account(store, tokens.issue_session(store, olga)) is not None


def test_only_admins_revoke_others_and_nobody_disables_themself(store: Store, olga) -> None:
    bert = make_account(store, "bert")
    with pytest.raises(accounts.PermissionDenied):
        accounts.revoke(store, bert, "olga")
    with pytest.raises(accounts.PermissionDenied):
        accounts.reset(store, bert, "olga", "a brand new passphrase")
    with pytest.raises(accounts.PermissionDenied):
        accounts.set_enabled(store, olga, "olga", enabled=False)
    assert accounts.revoke(store, bert, "bert") == 0  # anyone may sign themself out everywhere
    accounts.reset(store, bert, "bert", "my own new passphrase")

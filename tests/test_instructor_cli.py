"""`trainer instructor ...` from a terminal: the first admin, account management by admins only, the legacy
passphrase becoming the admin account, and cohort commands that reach only the acting account's cohorts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from accounts_support import fast_hash
from typer.testing import CliRunner

from trainer.cli import app
from trainer.config import Settings
from trainer.instructor import auth, tokens
from trainer.storage import accounts as account_store
from trainer.storage.store import Store
from trainer.storage.tables import utcnow

ADMIN, TEACH, OTHER = "admin passphrase 1", "teacher passphrase", "other passphrase"


def _run(*args: str, input: str = "") -> object:
    return CliRunner().invoke(app, ["instructor", *args], input=input)


@pytest.fixture
def store(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(auth, "N", 2**10)  # accounts made by the commands hash cheaply in tests
    made = Store(tmp_settings.db_url)
    made.migrate()
    yield made
    made.dispose()


@pytest.fixture
def team(store: Store) -> dict[str, str]:
    """An admin and two instructors, each with a cohort, made through the CLI."""
    assert _run("add", "ada", "--role", "admin", input=f"{ADMIN}\n").exit_code == 0
    assert _run("add", "tess", "--as", "ada", input=f"{ADMIN}\n{TEACH}\n").exit_code == 0
    assert _run("add", "omar", "--as", "ada", input=f"{ADMIN}\n{OTHER}\n").exit_code == 0
    codes = {}
    for name, secret in (("tess", TEACH), ("omar", OTHER)):
        made = _run("create-cohort", f"{name}'s cohort", "--as", name, input=f"{secret}\n")
        assert made.exit_code == 0, made.output
        codes[name] = made.stdout.split("\t")[0]
    return codes


def test_first_account_must_be_an_admin_and_needs_no_sign_in(store: Store) -> None:
    refused = _run("add", "tess", input=f"{TEACH}\n")
    assert refused.exit_code == 2 and "--role admin" in refused.output
    made = _run("add", "Ada", "--role", "admin", input=f"{ADMIN}\n")
    assert made.exit_code == 0 and "added ada (admin)" in made.stdout
    assert ADMIN not in made.output


def test_only_an_admin_adds_accounts(store: Store, team: dict) -> None:
    by_teacher = _run("add", "eve", "--as", "tess", input=f"{TEACH}\n{OTHER}\n")
    assert by_teacher.exit_code == 1 and "admin" in by_teacher.output
    wrong = _run("add", "eve", "--as", "ada", input=f"not it\n{OTHER}\n")
    assert wrong.exit_code == 1 and "Wrong name or passphrase" in wrong.output
    nobody = _run("add", "eve", input=f"{OTHER}\n")
    assert nobody.exit_code == 2 and "--as" in nobody.output
    assert account_store.get_account(store, "eve") is None
    bad_name = _run("add", "no spaces please", "--as", "ada", input=f"{ADMIN}\n{OTHER}\n")
    assert bad_name.exit_code == 2 and "account name" in bad_name.output


def test_disable_reset_unlock_revoke(store: Store, team: dict) -> None:
    tess = account_store.get_account(store, "tess")
    session = tokens.issue_session(store, tess)
    assert _run("disable", "tess", "--as", "ada", input=f"{ADMIN}\n").exit_code == 0
    assert tokens.session_account(store, session) is None
    assert _run("cohorts", "--as", "tess", input=f"{TEACH}\n").exit_code == 1  # disabled: cannot sign in
    assert _run("enable", "tess", "--as", "ada", input=f"{ADMIN}\n").exit_code == 0
    assert _run("cohorts", "--as", "tess", input=f"{TEACH}\n").exit_code == 0

    reset = _run("reset", "tess", "--as", "ada", input=f"{ADMIN}\nnew teacher passphrase\n")
    assert reset.exit_code == 0 and "new teacher passphrase" not in reset.output
    assert _run("cohorts", "--as", "tess", input=f"{TEACH}\n").exit_code == 1
    assert _run("cohorts", "--as", "tess", input="new teacher passphrase\n").exit_code == 0
    assert _run("reset", "tess", "--as", "tess", input=f"new teacher passphrase\n{TEACH}\n").exit_code == 0
    assert _run("reset", "omar", "--as", "tess", input=f"{TEACH}\nhijacked passphrase\n").exit_code == 1

    for _ in range(3):
        _run("cohorts", "--as", "omar", input="guess\n")
    since = utcnow() - timedelta(hours=1)
    assert len(account_store.client_failures(store, "omar", "cli", since)) == 3
    unlocked = _run("unlock", "omar", "--as", "ada", input=f"{ADMIN}\n")
    assert unlocked.exit_code == 0 and "omar: unlocked" in unlocked.stdout
    assert account_store.client_failures(store, "omar", "cli", since) == []

    omar = account_store.get_account(store, "omar")
    other = tokens.issue_session(store, omar)
    assert _run("revoke", "omar", "--as", "omar", input=f"{OTHER}\n").exit_code == 0  # anyone, for themself
    assert tokens.session_account(store, other) is None
    everyone = [tokens.issue_session(store, account_store.get_account(store, n)) for n in ("ada", "tess")]
    assert _run("revoke", "--all", "--as", "tess", input=f"{TEACH}\n").exit_code == 1  # --all is for admins
    assert _run("revoke", "--all", "--as", "ada", input=f"{ADMIN}\n").exit_code == 0
    assert all(tokens.session_account(store, t) is None for t in everyone)


def test_accounts_list_is_for_admins(store: Store, team: dict) -> None:
    listed = _run("accounts", "--as", "ada", input=f"{ADMIN}\n")
    assert listed.exit_code == 0
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(r[0], r[1], r[4]) for r in rows] == [("ada", "admin", "0 cohort(s)"), ("omar", "instructor", "1 cohort(s)"),
                                                  ("tess", "instructor", "1 cohort(s)")]  # fmt: skip
    assert _run("accounts", "--as", "tess", input=f"{TEACH}\n").exit_code == 1


def test_cohort_commands_reach_only_your_own_cohorts(store: Store, team: dict, tmp_path: Path) -> None:
    mine = _run("cohorts", "--as", "tess", input=f"{TEACH}\n")
    assert team["tess"] in mine.stdout and team["omar"] not in mine.stdout
    for command in (["export-csv", team["omar"]], ["export-labels", team["omar"]],
                    ["export-xapi", team["omar"], "--no-send"], ["assign", team["omar"], "carmaker-renewal"]):  # fmt: skip
        refused = _run(*command, "--as", "tess", input=f"{TEACH}\n")
        assert refused.exit_code == 1 and "no cohort with code" in refused.output, command
    csv = _run("export-csv", team["tess"], "--as", "tess", input=f"{TEACH}\n")
    assert csv.exit_code == 0 and csv.stdout.startswith("trainee,trainee_id")
    assigned = _run("assign", team["tess"], "carmaker-renewal", "--due", "2026-12-01", "--as", "tess",
                    input=f"{TEACH}\n")  # fmt: skip
    assert assigned.exit_code == 0 and "due 2026-12-01" in assigned.stdout
    out = tmp_path / "labels.jsonl"
    labels = _run("export-labels", team["tess"], "-o", str(out), "--as", "tess", input=f"{TEACH}\n")
    assert labels.exit_code == 0 and "wrote 0 labelled transcript(s)" in labels.output and out.read_text() == ""


def test_transfer_moves_a_cohort_between_instructors(store: Store, team: dict) -> None:
    assert _run("transfer", team["omar"], "tess", "--as", "tess", input=f"{TEACH}\n").exit_code == 1
    moved = _run("transfer", team["omar"], "tess", "--as", "ada", input=f"{ADMIN}\n")
    assert moved.exit_code == 0 and "now belongs to tess" in moved.stdout
    assert team["omar"] in _run("cohorts", "--as", "tess", input=f"{TEACH}\n").stdout
    assert team["omar"] not in _run("cohorts", "--as", "omar", input=f"{OTHER}\n").stdout


def test_the_legacy_passphrase_becomes_the_admin_account(
    store: Store, tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", fast_hash("the old shared one"))
    first = _run("create-cohort", "Kept", "--as", "admin", input="the old shared one\n")
    assert first.exit_code == 0 and "is now the 'admin' admin account's" in first.output
    listed = _run("cohorts", "--as", "admin", input="the old shared one\n")
    assert "Kept" in listed.stdout and "now the 'admin'" not in listed.output  # once only
    monkeypatch.setenv("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", "garbage")
    assert account_store.count_accounts(store) == 1  # the variable is ignored once an account exists
    assert _run("cohorts", "--as", "admin", input="the old shared one\n").exit_code == 0


def test_malformed_legacy_hash_is_named_not_echoed(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", "scrypt$oops-secret-ish")
    result = _run("cohorts", "--as", "admin", input="x\n")
    assert result.exit_code == 2 and "LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH" in result.output
    assert "oops-secret-ish" not in result.output


"""`trainer instructor ...`: accounts (add, disable, enable, reset, unlock, revoke, accounts, transfer) and cohorts
from a terminal (create-cohort, cohorts, assign, export-csv, export-labels, export-xapi).

Every command but `hash-passphrase` acts as an account named with `--as NAME` and asks for that account's passphrase
(at a terminal without echo; from a pipe, the first line, then any new passphrase on the next line). The command
line is a trusted client for the sign-in backoff (only someone with a shell on the server gets here), so failures
from browsers never lock it out. Account commands need an admin, except the very first `add --role admin` on a
server without an enabled admin. Cohort commands reach only the acting account's own cohorts: the ownership check is
in the store (`trainer.storage.cohorts`), so a code belonging to someone else is "no cohort with code ...".
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

import typer

from trainer.app import factories
from trainer.config import get_settings
from trainer.instructor import accounts, auth, calibration
from trainer.instructor.auth import hash_passphrase
from trainer.instructor.cohorts import (
    assign,
    cohort_sizes,
    create_cohort,
    display_code,
    my_cohort_by_code,
    my_cohorts,
)
from trainer.instructor.dashboard import load_cohort, to_csv
from trainer.scenarios.loading import load_library
from trainer.storage import accounts as account_store
from trainer.storage import cohorts as cohort_store
from trainer.storage.accounts import Account
from trainer.storage.store import Cohort, Store, StoreError

instructor_app = typer.Typer(
    no_args_is_help=True, help="Instructor tools: accounts, cohorts, assignments, exports."
)
AS_HELP = "The account you act as; its passphrase is asked for (or read from the first line of a pipe)."


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.add_typer(instructor_app, name="instructor")


def _fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit (1: refused or not found, 2: unusable input); never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


class _Stdin:
    """Passphrases from a pipe, one line each, in the order the command asks for them (read once per stdin, so a
    test runner that swaps stdin between invocations gets fresh lines)."""

    def __init__(self) -> None:
        self._source: object = None
        self._lines: Iterator[str] = iter(())

    def line(self) -> str:
        if self._source is not sys.stdin:
            self._source, self._lines = sys.stdin, iter(sys.stdin.read().splitlines())
        return next(self._lines, "")


_STDIN = _Stdin()


def _read_passphrase(prompt: str = "Instructor passphrase: ") -> str:
    """An existing passphrase: the next piped line, or asked once without echo."""
    if not sys.stdin.isatty():
        return _STDIN.line()
    return getpass.getpass(prompt)


def _new_passphrase(prompt: str = "New passphrase: ") -> str:
    """A passphrase being set: the next piped line, or asked twice without echo."""
    if not sys.stdin.isatty():
        return _STDIN.line()
    first = getpass.getpass(prompt)
    if getpass.getpass("Repeat it: ") != first:
        _fail("the two passphrases differ", 2)
    return first


@instructor_app.command("hash-passphrase")
def hash_passphrase_cmd() -> None:
    """Print a salted scrypt hash of a passphrase (never echoed); accounts store the same format."""
    try:
        hashed = hash_passphrase(_new_passphrase("Passphrase: "))
    except ValueError as exc:
        _fail(str(exc), 2)
    typer.echo(hashed)


def _store() -> Store:
    """The configured, migrated store, after turning a legacy single-passphrase set-up into the admin account."""
    settings = get_settings()
    store = factories.open_store(settings.db_url)
    try:
        made = accounts.adopt_legacy(store, settings.instructor_passphrase_hash)
    except auth.AuthConfigError as exc:
        _fail(str(exc), 2)
    if made is not None:
        typer.echo(f"note: the shared passphrase is now the '{made.username}' admin account's", err=True)
    return store


def _act_as(store: Store, name: str | None, admin: bool = False) -> Account:
    """Sign in as `--as NAME` with its passphrase (the CLI's own backoff bucket); an admin when asked."""
    if not name:
        _fail("say which account you act as with --as NAME", 2)
    result = auth.sign_in(store, name, _read_passphrase(f"Passphrase for {name}: "), auth.Client.cli())
    if not result.ok or result.account is None:
        _fail(result.message)
    if admin:
        try:
            accounts.require_admin(result.account)
        except accounts.PermissionDenied as exc:
            _fail(f"{exc} ({name!r} is not one)")
    return result.account


def _owned_cohort(store: Store, owner: Account, code: str) -> Cohort:
    """One of the acting account's cohorts by join code; someone else's is 'no cohort' like an unknown code."""
    cohort = my_cohort_by_code(store, owner, code)
    if cohort is None:
        _fail(f"no cohort with code {code!r} among {owner.username}'s cohorts")
    return cohort


# ---------------------------------------------------------------- accounts


@instructor_app.command("add")
def add_cmd(
    name: str,
    role: str = typer.Option("instructor", "--role", help="instructor or admin."),
    actor: str | None = typer.Option(None, "--as", metavar="ADMIN", help=AS_HELP + " Not needed for the first admin."),
) -> None:
    """Create an account with its own passphrase (the new passphrase is asked for after the admin's)."""
    store = _store()
    if accounts.needs_bootstrap(store):
        if role != "admin":
            _fail("there is no enabled admin yet: create one first with --role admin", 2)
    else:
        _act_as(store, actor, admin=True)
    try:
        account, adopted = accounts.add_account(store, name, _new_passphrase(f"New passphrase for {name}: "), role)
    except (ValueError, StoreError) as exc:
        _fail(str(exc), 2)
    typer.echo(f"added {account.username} ({account.role})")
    if adopted:
        typer.echo(f"{account.username} now owns the {adopted} cohort(s) made before accounts existed")


@instructor_app.command("disable")
def disable_cmd(name: str, actor: str | None = typer.Option(None, "--as", metavar="ADMIN", help=AS_HELP)) -> None:
    """Disable an account: it can no longer sign in, and every browser signed in as it is signed out."""
    _set_enabled(name, actor, enabled=False)


@instructor_app.command("enable")
def enable_cmd(name: str, actor: str | None = typer.Option(None, "--as", metavar="ADMIN", help=AS_HELP)) -> None:
    """Re-enable a disabled account (its old sessions stay void; it signs in afresh)."""
    _set_enabled(name, actor, enabled=True)


def _set_enabled(name: str, actor: str | None, enabled: bool) -> None:
    store = _store()
    admin = _act_as(store, actor, admin=True)
    try:
        account = accounts.set_enabled(store, admin, name, enabled)
    except (StoreError, accounts.PermissionDenied) as exc:
        _fail(str(exc))
    typer.echo(f"{account.username} {'enabled' if enabled else 'disabled; signed out everywhere'}")


@instructor_app.command("reset")
def reset_cmd(name: str, actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP)) -> None:
    """Set a new passphrase (an admin for anyone, anyone for themself); every token of the account stops working."""
    store = _store()
    acting = _act_as(store, actor)
    try:
        account = accounts.reset(store, acting, name, _new_passphrase(f"New passphrase for {name}: "))
    except ValueError as exc:
        _fail(str(exc), 2)
    except (StoreError, accounts.PermissionDenied) as exc:
        _fail(str(exc))
    auth.unlock(store, account.username)
    typer.echo(f"{account.username}: new passphrase set; signed out everywhere")


@instructor_app.command("unlock")
def unlock_cmd(name: str, actor: str | None = typer.Option(None, "--as", metavar="ADMIN", help=AS_HELP)) -> None:
    """Forget the failed sign-ins on an account, so the owner can sign in now from any browser."""
    store = _store()
    _act_as(store, actor, admin=True)
    forgotten = auth.unlock(store, name)
    typer.echo(f"{account_store.normalise_username(name)}: unlocked ({forgotten} recorded attempt(s) forgotten)")


@instructor_app.command("revoke")
def revoke_cmd(
    name: str | None = typer.Argument(None, help="The account to sign out everywhere (omit with --all)."),
    everyone: bool = typer.Option(False, "--all", help="Every account: a new signing key voids every token."),
    actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP),
) -> None:
    """Sign an account (or, with --all, everyone) out of every browser and void their device tokens."""
    if bool(name) == everyone:
        _fail("give an account name or --all", 2)
    store = _store()
    acting = _act_as(store, actor, admin=everyone)
    if everyone:
        ended = account_store.rotate_signing_key(store)
        typer.echo(f"new signing key: every token is void ({ended} browser session(s) ended)")
        return
    try:
        ended = accounts.revoke(store, acting, name or "")
    except (StoreError, accounts.PermissionDenied) as exc:
        _fail(str(exc))
    typer.echo(f"{account_store.normalise_username(name or '')}: signed out everywhere ({ended} browser session(s))")


@instructor_app.command("accounts")
def accounts_cmd(actor: str | None = typer.Option(None, "--as", metavar="ADMIN", help=AS_HELP)) -> None:
    """List accounts: name, role, state, live browser sessions, cohorts owned."""
    store = _store()
    _act_as(store, actor, admin=True)
    now = datetime.now(UTC)
    for account in account_store.list_accounts(store):
        state = "enabled" if account.active else f"disabled {account.disabled_at:%Y-%m-%d}"
        owned = len(cohort_store.owned_cohorts(store, account.id))
        live = account_store.count_sessions(store, account.id, now)
        typer.echo(f"{account.username}\t{account.role}\t{state}\t{live} session(s)\t{owned} cohort(s)")


@instructor_app.command("transfer")
def transfer_cmd(
    code: str, to: str, actor: str | None = typer.Option(None, "--as", metavar="ADMIN", help=AS_HELP)
) -> None:
    """Give the cohort with this join code to another account (e.g. before disabling its owner)."""
    store = _store()
    admin = _act_as(store, actor, admin=True)
    target = account_store.get_account(store, to)
    if target is None or not target.active:
        _fail(f"no enabled account named {account_store.normalise_username(to)!r}")
    try:
        cohort = cohort_store.transfer(store, admin.id, code, target.id)
    except StoreError as exc:
        _fail(f"no cohort with code {code!r}" if str(exc) == cohort_store.UNKNOWN_COHORT else str(exc))
    typer.echo(f"{cohort.name} ({display_code(cohort.join_code)}) now belongs to {target.username}")


# ---------------------------------------------------------------- cohorts


@instructor_app.command("create-cohort")
def create_cohort_cmd(name: str, actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP)) -> None:
    """Create a cohort owned by the acting account and print its join code."""
    store = _store()
    owner = _act_as(store, actor)
    try:
        cohort = create_cohort(store, owner, name)
    except StoreError as exc:
        _fail(str(exc), 2)
    typer.echo(f"{display_code(cohort.join_code)}\t{cohort.name}")


@instructor_app.command("cohorts")
def list_cohorts_cmd(actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP)) -> None:
    """List the acting account's cohorts with their join codes and sizes."""
    store = _store()
    owner = _act_as(store, actor)
    sizes = cohort_sizes(store, owner)
    for cohort in my_cohorts(store, owner):
        typer.echo(f"{display_code(cohort.join_code)}\t{sizes.get(cohort.id, 0)} trainees\t{cohort.name}")


@instructor_app.command("assign")
def assign_cmd(
    code: str,
    scenario_id: str,
    due: str | None = typer.Option(None, help="Due date, YYYY-MM-DD."),
    actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP),
) -> None:
    """Assign a scenario to one of the acting account's cohorts, by join code."""
    try:
        due_date = date.fromisoformat(due) if due else None
    except ValueError:
        _fail(f"--due must be YYYY-MM-DD (got {due!r})", 2)
    store = _store()
    owner = _act_as(store, actor)
    assignment = assign(store, owner, _owned_cohort(store, owner, code).id, scenario_id, due_date)
    typer.echo(f"assigned {assignment.scenario_id} (due {assignment.due_date or 'any time'})")


@instructor_app.command("export-csv")
def export_csv_cmd(
    code: str,
    output: Path | None = typer.Option(None, "--output", "-o"),
    actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP),
) -> None:
    """Write one of the acting account's cohorts as CSV, one row per session (stdout by default)."""
    store = _store()
    owner = _act_as(store, actor)
    data = load_cohort(store, owner, _owned_cohort(store, owner, code).id)
    _write(to_csv(data) if data else "", output)


@instructor_app.command("export-labels")
def export_labels_cmd(
    code: str,
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP),
) -> None:
    """Write the cohort's calibration reviews in the gold-transcript format, one JSON document per line, for
    `trainer eval evaluator --labels FILE` (sessions with an 'unsure' mark are left out, and listed on stderr)."""
    store = _store()
    owner = _act_as(store, actor)
    cohort = _owned_cohort(store, owner, code)
    titles = {sid: s.title for sid, s in load_library().scenarios.items()}
    result = calibration.export_labels(store, owner, cohort.id, titles)
    lines = [json.dumps(doc.model_dump(mode="json"), ensure_ascii=False) for doc in result.documents]
    _write("".join(line + "\n" for line in lines), output)
    for reason in result.skipped:
        typer.echo(f"skipped {reason}", err=True)
    typer.echo(f"wrote {len(result.documents)} labelled transcript(s) from {cohort.name!r}"
               + (f" to {output}" if output else ""), err=True)  # fmt: skip


def _write(text: str, output: Path | None) -> None:
    """To a file, or stdout."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}", 2)


@instructor_app.command("export-xapi")
def export_xapi_cmd(
    code: str,
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: stdout)."),
    fmt: str | None = typer.Option(None, "--format", help="json (an array) or jsonl; default from --out's suffix."),
    names: bool = typer.Option(False, "--names", help="Include trainees' display names in the statements."),
    send: bool = typer.Option(True, "--send/--no-send", help="Send to LEVERAGE_XAPI_ENDPOINT when it is set."),
    actor: str | None = typer.Option(None, "--as", metavar="NAME", help=AS_HELP),
) -> None:
    """Write one of the acting account's cohorts' completed sessions as xAPI 1.0.3 statements; send them to the
    LRS if one is set."""
    from trainer.config import get_settings
    from trainer.instructor.xapi_export import run

    if fmt not in (None, "json", "jsonl"):
        raise typer.BadParameter("--format must be json or jsonl")
    store = _store()
    owner = _act_as(store, actor)
    cohort = _owned_cohort(store, owner, code)
    code_ = run(store, owner.id, cohort, get_settings(), out, fmt, names, send,
                echo=lambda line: typer.echo(line, err=True),
                write_stdout=lambda text: typer.echo(text, nl=False))  # fmt: skip
    raise typer.Exit(code_)

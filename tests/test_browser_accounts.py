"""Two instructors in real browsers each see only their own cohorts (issue 18), and a sign-in survives a reload
until the instructor signs out (issue 16, defect 7).

Two chromium profiles (separate cookies, so separate sign-ins) against one `streamlit run app.py` with the template
voice and a temporary data dir; the two accounts are made in that data dir's database before the app starts.
Screenshots go to artifacts/screenshots/accounts-*.png (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accounts_support import make_account
from browser_support import BROWSER_MARKS, SHOTS, launch_context, new_page, running_app

from trainer.storage.store import Store

pytestmark = BROWSER_MARKS

WAIT = 30_000  # ms: the first render and each rerun can be slow on a loaded machine
PEOPLE = {
    "maria": ("maria's long passphrase", "Maria's key accounts"),
    "tomas": ("tomas's long passphrase", "Tomas's procurement leads"),
}


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """The app over a data dir whose database already holds the two instructor accounts."""
    store = Store(f"sqlite:///{tmp_path / 'data' / 'leverage.db'}")
    store.migrate()
    for name, (secret, _) in PEOPLE.items():
        make_account(store, name, secret)
    store.dispose()
    with running_app(tmp_path) as url:
        yield url


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"accounts-{name}.png"), full_page=True)


def _sign_in(page: Any, name: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Instructor sign-in")).to_be_visible(timeout=WAIT)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Passphrase").fill(PEOPLE[name][0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Cohorts")).to_be_visible(timeout=WAIT)


def _create_cohort(page: Any, cohort: str) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Manage cohorts").click()
    page.get_by_label("New cohort name").fill(cohort)
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("combobox", name="Cohort")).to_have_value(re.compile(re.escape(cohort)), timeout=WAIT)


def _cohorts_shown(page: Any) -> str:
    """Everything the page shows about cohorts: the picker's value and the Manage cohorts table."""
    page.get_by_role("tab", name="Manage cohorts").click()
    page.wait_for_timeout(500)
    table = page.get_by_test_id("stDataFrame").first.inner_text()
    return page.get_by_role("combobox", name="Cohort").input_value() + "\n" + table + "\n" + page.inner_text("body")


def test_two_instructors_each_see_only_their_own_cohorts(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        pages = {}
        for name, (_, cohort) in PEOPLE.items():
            context = launch_context(p, tmp_path / f"profile-{name}")
            page = new_page(context)
            page.goto(f"{app_url}/instructor")
            _sign_in(page, name)
            _create_cohort(page, cohort)
            pages[name] = (context, page)

        for name, (_, page) in pages.items():
            page.reload()  # a new Streamlit session: the signed token in the cookie signs the browser back in
            expect(page.get_by_role("heading", name="Cohorts")).to_be_visible(timeout=WAIT)
            expect(page.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=WAIT)
            shown = _cohorts_shown(page)
            own, other = PEOPLE[name][1], next(c for n, (_, c) in PEOPLE.items() if n != name)
            assert own in shown and other not in shown, f"{name} sees {shown!r}"
            page.get_by_role("combobox", name="Cohort").click()
            expect(page.get_by_role("option")).to_have_count(1, timeout=WAIT)  # the picker offers her or his cohort only
            page.keyboard.press("Escape")
            _shot(page, f"{name}-after-reload")

        _, maria = pages["maria"]
        maria.get_by_role("button", name="Sign out (instructor)").click()
        expect(maria.get_by_role("heading", name="Instructor sign-in")).to_be_visible(timeout=WAIT)
        maria.reload()  # the cookie was cleared and the session ended: signed out for good
        expect(maria.get_by_role("heading", name="Instructor sign-in")).to_be_visible(timeout=WAIT)
        expect(maria.get_by_text(PEOPLE["maria"][1])).to_have_count(0, timeout=WAIT)
        _shot(maria, "maria-signed-out")

        _, tomas = pages["tomas"]
        tomas.reload()  # Tomas is unaffected by Maria signing out
        expect(tomas.get_by_role("heading", name="Cohorts")).to_be_visible(timeout=WAIT)
        for context, _ in pages.values():
            context.close()

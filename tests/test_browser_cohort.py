"""End to end in a real browser: an instructor runs a cohort, a trainee joins and plays, the instructor reviews.

Two independent chromium profiles (separate storage, so separate Streamlit sessions) against one
`streamlit run app.py` with the template voice, a temporary data dir and a single-passphrase hash made by
`trainer.instructor.auth.hash_passphrase` in LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH: the old set-up, which becomes the
`admin` account on first use. Screenshots go to artifacts/screenshots/cohort-*.png (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import BROWSER_MARKS, SHOTS, VIEWPORT, launch_context, new_page, play_turns, running_app

from trainer.instructor.auth import hash_passphrase

PASSPHRASE = "correct horse battery staple"
COHORT_NAME = "Key account managers, autumn intake"
TRAINEE_NAME = "Dana Okafor"
SCENARIO_ID = "carmaker-renewal"
SCENARIO_TITLE = "Phase two with a giant carmaker"
TURNS = [
    "Thanks, Marta. Before we talk numbers, what matters most to you about the phase two timeline?",
    "If you can move to 60 days payment, we can look at a 2% annual price-down tied to actual volumes.",
    "We need it signed by the end of the month, our production plan depends on it.",
]
CODE_RE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")

pytestmark = BROWSER_MARKS


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """The app with instructor sign-in enabled (hash only: the passphrase itself is never in the environment)."""
    with running_app(tmp_path, LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH=hash_passphrase(PASSPHRASE)) as url:
        yield url


def _shot(page: Any, name: str, height: int | None = None) -> None:
    """Screenshot; Streamlit scrolls inside its main block, so a taller viewport shows more of a long page."""
    if height:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"cohort-{name}.png"), full_page=True)
    if height:
        page.set_viewport_size(VIEWPORT)


def _sign_in(page: Any, passphrase: str) -> None:
    """Type the legacy admin account's name and the passphrase into the sign-in form and submit it."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Instructor sign-in")).to_be_visible(timeout=30_000)  # a cold page on a busy machine
    page.get_by_label("Name").fill("admin")
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Sign in").click()


def _choose(page: Any, label: str, option: str) -> None:
    """Pick an option in a Streamlit selectbox: type to filter its list, then click the match."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)  # also opens the list when the first click only focused the box
    page.get_by_role("option", name=option).first.click()
    expect(box).to_have_value(re.compile(re.escape(option)))


def test_instructor_runs_a_cohort_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        # ------------------------------------------------------------ A: instructor signs in, creates, assigns
        instructor_ctx = launch_context(p, tmp_path / "profile-instructor")
        teacher = new_page(instructor_ctx)
        teacher.goto(f"{app_url}/instructor")
        _sign_in(teacher, "not the passphrase")
        expect(teacher.get_by_text("Wrong name or passphrase.")).to_be_visible()
        expect(teacher.get_by_role("heading", name="Cohorts")).to_have_count(0)
        _shot(teacher, "01-signin-wrong")

        _sign_in(teacher, PASSPHRASE)
        expect(teacher.get_by_role("heading", name="Cohorts")).to_be_visible()
        teacher.get_by_role("tab", name="Manage cohorts").click()
        teacher.get_by_label("New cohort name").fill(COHORT_NAME)
        teacher.get_by_role("button", name="Create cohort").click()
        # The new cohort is selected and the page opens on its (empty) dashboard, which shows the join code.
        share = teacher.get_by_test_id("stAlert").filter(has_text="No one has joined yet")
        expect(share).to_be_visible()
        match = CODE_RE.search(share.inner_text())
        assert match, f"no join code in {share.inner_text()!r}"
        code = match.group(0)
        expect(teacher.get_by_role("combobox", name="Cohort")).to_have_value(re.compile(re.escape(code)))
        _shot(teacher, "02-cohort-created")
        teacher.get_by_role("tab", name="Manage cohorts").click()  # the confirmation and the cohorts table
        expect(teacher.get_by_test_id("stAlert").filter(has_text=f"Join code: {code}")).to_be_visible()

        teacher.get_by_role("tab", name="Assignments").click()
        _choose(teacher, "Scenario", SCENARIO_TITLE)
        teacher.get_by_text("Set a due date").click()
        teacher.get_by_role("button", name="Assign").click()
        expect(teacher.get_by_text(f"Assigned {SCENARIO_TITLE}.")).to_be_visible()
        expect(teacher.get_by_text(re.compile(rf"{SCENARIO_TITLE} · due \d{{4}}-\d\d-\d\d"))).to_be_visible()
        _shot(teacher, "03-assigned")

        # ------------------------------------------------------------ B: trainee joins, sees it, plays
        trainee_ctx = launch_context(p, tmp_path / "profile-trainee")
        trainee = new_page(trainee_ctx)
        trainee.goto(app_url)
        expect(trainee.get_by_text("Practice a negotiation")).to_be_visible()
        trainee.get_by_text("Part of a training cohort? Join it").click()
        trainee.get_by_label("Your name as your instructor should see it").fill(TRAINEE_NAME)
        trainee.get_by_label("Cohort code").fill(
            code.lower()
        )  # codes are typed by hand: case must not matter
        trainee.get_by_role("button", name="Join", exact=True).click()
        expect(trainee.get_by_text(f"you appear as {TRAINEE_NAME}")).to_be_visible()
        expect(trainee.get_by_role("heading", name="Assigned to you")).to_be_visible()
        assigned_row = trainee.get_by_text(re.compile(rf"{SCENARIO_TITLE} · due .* · to do"))
        expect(assigned_row).to_be_visible()
        _shot(trainee, "04-trainee-start-page")

        trainee.locator(f".st-key-assigned_{SCENARIO_ID} button").click()
        expect(trainee.get_by_text("Private: for your eyes only")).to_be_visible()
        trainee.get_by_role("button", name="Start the negotiation").click()
        play_turns(trainee, TURNS, failed_shot="cohort-failed-turn")
        _shot(trainee, "05-trainee-chat")
        trainee.get_by_role("button", name="End and debrief").click()
        expect(trainee.get_by_text("Overall score")).to_be_visible(timeout=60_000)
        expect(trainee.get_by_text("Signalling your own urgency").first).to_be_visible()
        _shot(trainee, "06-trainee-debrief", height=1900)

        # ------------------------------------------------------------ A: instructor reviews the cohort
        teacher.reload()  # a new Streamlit session: the signed token in the cookie keeps the instructor signed in
        expect(teacher.get_by_role("heading", name="Cohorts")).to_be_visible(timeout=30_000)
        expect(teacher.get_by_text("1 trainees · 1 evaluated sessions")).to_be_visible()
        expect(teacher.get_by_role("heading", name="Proficiency heatmap")).to_be_visible()
        expect(teacher.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=15_000)
        expect(teacher.get_by_text(f"{SCENARIO_TITLE}: 1/1")).to_be_visible()  # assignment completion
        teacher.get_by_text(
            re.compile(r"^Signalling your own urgency: \d+ session")
        ).click()  # common mistakes
        expect(teacher.get_by_text(f"{TRAINEE_NAME} · {SCENARIO_TITLE}").first).to_be_visible()
        _shot(teacher, "07-dashboard", height=2600)

        _choose(teacher, "Session", TRAINEE_NAME)
        expect(teacher.get_by_text(f"{TRAINEE_NAME} · {SCENARIO_TITLE} · ended")).to_be_visible()
        expect(teacher.get_by_test_id("stMetric").filter(has_text="Overall")).to_be_visible()
        expect(teacher.get_by_text(re.compile(r"Signalling your own urgency: \d+/100"))).to_be_visible()
        expect(teacher.get_by_text(TURNS[-1]).first).to_be_visible()  # the evidence line
        transcript = teacher.get_by_test_id("stExpander").filter(
            has=teacher.get_by_text("Transcript", exact=True)
        )
        transcript.get_by_text("Transcript", exact=True).click()
        expect(transcript.get_by_test_id("stChatMessage")).to_have_count(1 + 2 * len(TURNS))
        expect(transcript.get_by_text(TURNS[0])).to_be_visible()
        _shot(teacher, "08-drill-down", height=3800)

        trainee_ctx.close()
        instructor_ctx.close()

"""In a real browser: accepting a deal below the walk-away asks first, and the debrief scores it below a walk-away.

Debian chromium driven by playwright against `streamlit run app.py` with the template voice (see browser_support).
"""

from __future__ import annotations

from pathlib import Path

from browser_support import BROWSER_MARKS, SHOTS, launch_context, new_page

pytestmark = BROWSER_MARKS

ACCEPT = "Deal. We accept your offer as it stands."
NO_DEAL_FLOOR = 30  # trainer.evaluation.headline: the least any session without a deal scores


def _start(page, app_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.get_by_text("Practice a negotiation")).to_be_visible(timeout=60_000)
    page.locator(".st-key-brief-carmaker-renewal button").click()
    page.get_by_role("button", name="Start the negotiation").click()
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_enabled()


def _score(page) -> int:
    """The debrief's 'Overall score' metric, as a number."""
    from playwright.sync_api import expect

    metric = page.get_by_test_id("stMetric").filter(has_text="Overall score")
    expect(metric).to_be_visible(timeout=60_000)
    return int(metric.get_by_test_id("stMetricValue").inner_text().split("/")[0])


def test_accepting_below_the_walkaway_is_confirmed_and_scored_below_a_walk_away(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        context = launch_context(p, tmp_path / "profile")
        page = new_page(context)
        _start(page, app_url)
        chat = page.get_by_test_id("stChatInputTextArea")
        chat.fill(ACCEPT)
        chat.press("Enter")
        warning = page.get_by_text("This would accept terms below your walk-away on unit price")
        expect(warning).to_be_visible(timeout=30_000)
        expect(page.get_by_text("recall liability cap").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "07-confirm-below-walkaway.png"), full_page=True)
        page.get_by_role("button", name="Accept anyway").click()
        expect(page.get_by_text("You reached an agreement")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Open the debrief").click()
        below = _score(page)
        expect(page.get_by_text("scores below walking away").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "08-debrief-below-walkaway.png"), full_page=True)
        assert below < NO_DEAL_FLOOR

        _start(page, app_url)  # a second session, walked away from
        page.get_by_role("button", name="Walk away").click()
        page.get_by_role("button", name="Yes, walk away").click()
        expect(page.get_by_text("You walked away")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Open the debrief").click()
        walked = _score(page)
        assert walked >= NO_DEAL_FLOOR > below
        context.close()

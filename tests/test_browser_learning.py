"""End to end in a real browser: play a session, rewind once from the debrief, take the better line, and see the
branches compared. Debian chromium driven by playwright against `streamlit run app.py` with the template voice.

Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

from browser_support import BROWSER_MARKS, SHOTS, launch_context, new_page, play_turns

TURNS = [
    "Thanks, Marta. Before we talk numbers, what matters most to you about the launch timeline?",
    "We need it signed by the end of the month, our production plan depends on it.",
]

pytestmark = BROWSER_MARKS


def test_play_rewind_take_the_better_line_and_compare(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        context = launch_context(p, tmp_path / "profile")
        page = new_page(context)
        page.goto(app_url)
        page.locator(".st-key-brief-carmaker-renewal button").click()
        expect(page.get_by_text("Suggested: prepare before you play")).to_be_visible()
        page.get_by_role("button", name="Start the negotiation").click()

        play_turns(page, TURNS)

        page.get_by_role("button", name="End and debrief").click()
        page.set_viewport_size({"width": 1366, "height": 1900})
        expect(page.get_by_text("Overall score")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("The price of this line.").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "learn-01-debrief-price.png"), full_page=True)

        # rewind once, from the urgency finding, and take its better line
        page.locator(".st-key-try-urgency_signal button").click()
        expect(page.get_by_text("A better line to try here")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stChatMessage")).to_have_count(3)  # the branch starts after their second turn
        page.screenshot(path=str(SHOTS / "learn-02-branch.png"), full_page=True)
        page.get_by_role("button", name="Say this line").click()
        expect(page.get_by_test_id("stChatMessage")).to_have_count(5, timeout=30_000)
        said = page.get_by_test_id("stChatMessage").filter(has_text="end of the month")
        expect(said).to_have_count(0)  # the urgency line is not in this branch

        page.get_by_role("button", name="End and debrief").click()
        expect(page.get_by_text("Overall score")).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="Branches & plan").click()
        expect(page.get_by_text("Original", exact=True)).to_be_visible()
        expect(page.get_by_text("Branch 1 (from turn 3)")).to_be_visible()
        expect(page.get_by_text("Headline score")).to_have_count(2)
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "learn-03-comparison.png"), full_page=True)
        context.close()

"""End to end in a real browser: Debian chromium driven by playwright against `streamlit run app.py`.

Plays a four-turn session with the template voice, ends it, and checks the scorecard. Screenshots go to
artifacts/screenshots/ (git-ignored) so a person can look at what the user saw.
"""

from __future__ import annotations

from pathlib import Path

from browser_support import BROWSER_MARKS, SHOTS, VIEWPORT, launch_context, new_page, play_turns

TURNS = [
    "Thanks, Marta. Before we talk numbers, what matters most to you about the phase two timeline?",
    "Who else at Aurelia is involved in choosing the supplier for the facelift?",
    "If you can move to 60 days payment, we can look at a 2% annual price-down tied to actual volumes.",
    "We need it signed by the end of the month, our production plan depends on it.",
]

pytestmark = BROWSER_MARKS


def test_four_turn_session_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        context = launch_context(p, tmp_path / "profile")
        page = new_page(context)
        page.goto(app_url)
        expect(page.get_by_text("Practice a negotiation")).to_be_visible(timeout=30_000)  # first load: the app starts cold
        page.screenshot(path=str(SHOTS / "01-picker.png"), full_page=True)

        page.locator(".st-key-brief-carmaker-renewal button").click()
        expect(page.get_by_text("Private: for your eyes only")).to_be_visible()
        page.set_viewport_size({"width": 1366, "height": 1700})  # the whole brief in one picture
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / "02-briefing.png"), full_page=True)
        page.set_viewport_size(VIEWPORT)  # back to a laptop screen
        page.get_by_role("button", name="Start the negotiation").click()

        play_turns(page, TURNS)
        page.screenshot(path=str(SHOTS / "03-chat.png"), full_page=True)

        page.reload()  # a refresh keeps the conversation: ?me= and ?session= bring it back
        expect(page.get_by_test_id("stChatMessage")).to_have_count(1 + 2 * len(TURNS), timeout=30_000)
        expect(page.get_by_text(TURNS[-1])).to_be_visible()

        page.get_by_role("button", name="End and debrief").click()
        page.set_viewport_size({"width": 1366, "height": 1900})  # Streamlit scrolls inside; show more of it
        expect(page.get_by_text("Overall score")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Signalling your own urgency").first).to_be_visible()
        expect(page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first
               ).to_be_visible(timeout=15_000)  # fmt: skip
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "04-debrief-scorecard.png"), full_page=True)
        page.get_by_role("tab", name="Outcome").click()
        expect(page.get_by_text("Ground conceded beyond necessity").first).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "05-debrief-outcome.png"), full_page=True)

        page.get_by_test_id("stSidebarNav").get_by_text("Evaluate a real conversation").click()
        page.get_by_role("textbox", name="Transcript", exact=True).fill(
            "Buyer: We need 5% off and 120-day terms.\nMe: We must sign by Friday, our plant plan depends on it."
        )
        page.get_by_role("button", name="Evaluate").click()
        expect(page.get_by_text("Overall score")).to_be_visible(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "06-evaluate.png"), full_page=True)
        context.close()

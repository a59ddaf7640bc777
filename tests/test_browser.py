"""End to end in a real browser: Debian chromium driven by playwright against `streamlit run app.py`.

Plays a four-turn session with the template voice, ends it, and checks the scorecard. Screenshots go to
artifacts/screenshots/ (git-ignored) so a person can look at what the user saw.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-quic", "--disable-sync",
]  # fmt: skip
TURNS = [
    "Thanks, Marta. Before we talk numbers, what matters most to you about the phase two timeline?",
    "Who else at Aurelia is involved in choosing the supplier for the facelift?",
    "If you can move to 60 days payment, we can look at a 2% annual price-down tied to actual volumes.",
    "We need it signed by the end of the month, our production plan depends on it.",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium)"),  # fmt: skip
]


def _free_port() -> int:
    """A free localhost port for this run."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """Start the app with the template voice and a temporary data dir; stop it afterwards."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVERAGE_", "OPENAI_"))}
    env.update(LEVERAGE_LLM_BACKEND="template", LEVERAGE_DATA_DIR=str(tmp_path / "data"))
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Block until the server accepts connections (or fail with its exit code)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError("streamlit did not start in time")


def test_four_turn_session_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1366, "height": 850},
        )  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        expect(page.get_by_text("Practice a negotiation")).to_be_visible()
        page.screenshot(path=str(SHOTS / "01-picker.png"), full_page=True)

        page.locator(".st-key-brief-carmaker-renewal button").click()
        expect(page.get_by_text("Private: for your eyes only")).to_be_visible()
        page.set_viewport_size({"width": 1366, "height": 1700})  # the whole brief in one picture
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / "02-briefing.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 850})  # back to a laptop screen
        page.get_by_role("button", name="Start the negotiation").click()

        chat = page.get_by_test_id("stChatInputTextArea")
        expect(chat).to_be_enabled()
        for n, text in enumerate(TURNS, start=1):
            chat.fill(text)
            chat.press("Enter")
            try:  # 1 opening line + (trainee line + reply) per turn, then the input is enabled again
                expect(page.get_by_test_id("stChatMessage")).to_have_count(1 + 2 * n, timeout=30_000)
                expect(chat).to_be_enabled()
            except AssertionError:
                page.screenshot(path=str(SHOTS / f"failed-turn-{n}.png"), full_page=True)
                raise
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

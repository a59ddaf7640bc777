"""Shared launch code for the browser end-to-end tests: streamlit on a free port, Debian chromium via playwright.

Used by every tests/test_browser*.py module; the plain `app_url` fixture built on `running_app` is in conftest.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-quic", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1366, "height": 850}

# The marks every browser test module applies (skips cleanly only when chromium itself is missing).
BROWSER_MARKS = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]


def free_port() -> int:
    """A free localhost port for this run."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(tmp_path: Path, **extra_env: str) -> Iterator[str]:
    """`streamlit run app.py` with the template voice and a temporary data dir; yields its URL, stops it after.

    Stray LEVERAGE_*/OPENAI_* variables from the shell are dropped; `extra_env` adds test-specific ones.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVERAGE_", "OPENAI_"))}
    env.update(LEVERAGE_LLM_BACKEND="template", LEVERAGE_DATA_DIR=str(tmp_path / "data"))
    env.update(extra_env)
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
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


def launch_context(playwright: Any, profile_dir: Path) -> Any:
    """A headless chromium with its own fresh user-data dir (so its own cookies, storage and Streamlit session)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT
    )


def new_page(context: Any, timeout_ms: int = 30_000) -> Any:
    """A page with the suite's default timeout."""
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return page


def play_turns(page: Any, lines: list[str], failed_shot: str = "failed-turn") -> None:
    """Send each line in the practice chat and wait for its reply: 1 opening line + (trainee line + reply) per turn,
    then the input is enabled again. A turn that times out leaves a screenshot (`failed_shot`-N.png) first."""
    from playwright.sync_api import expect

    chat = page.get_by_test_id("stChatInputTextArea")
    expect(chat).to_be_enabled()
    for n, text in enumerate(lines, start=1):
        chat.fill(text)
        chat.press("Enter")
        try:
            expect(page.get_by_test_id("stChatMessage")).to_have_count(1 + 2 * n, timeout=30_000)
            expect(chat).to_be_enabled()
        except AssertionError:
            page.screenshot(path=str(SHOTS / f"{failed_shot}-{n}.png"), full_page=True)
            raise

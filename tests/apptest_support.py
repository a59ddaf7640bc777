"""Shared set-up for the AppTest modules (test_app.py, test_app_learning.py): the app file, a started run, and
finding a button by its label."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


def started_app() -> AppTest:
    """A fresh run of app.py (against whatever data dir the test's settings point at), checked for exceptions."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str) -> Any:
    """The first button whose label contains `label`."""
    for b in at.button:
        if label in str(b.label):
            return b
    raise AssertionError(f"no button {label!r} in {[b.label for b in at.button]}")

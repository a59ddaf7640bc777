"""The app's start-up names the real cause (issue 16, defect 3): a broken scenario file never stops it, and a
database that cannot be opened is reported as that, with its URL masked, instead of "the database is unavailable".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trainer.config import ConfigError, Settings
from trainer.scenarios.loading import repo_scenarios_dir
from trainer.ui.context import StartupError, startup_message

APP = str(Path(__file__).resolve().parents[1] / "app.py")
DB_PASSWORD = "Db-q8z-startup"  # noqa: S105 - a test value


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_broken_scenario_file_is_listed_and_the_app_starts(tmp_settings: Settings, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(repo_scenarios_dir() / "carmaker-renewal.yaml", folder)
    (folder / "broken.yaml").write_text("title: !!int abc\n", encoding="utf-8")
    monkeypatch.setenv("LEVERAGE_SCENARIOS_DIR", str(folder))
    at = _run()
    assert not at.error
    assert any("Practice a negotiation" in str(t.value) for t in at.title)
    assert any(str(e.label) == "1 scenario file(s) could not be loaded" for e in at.expander)
    captions = " ".join(str(c.value) for c in at.caption).replace("\\", "")  # captions are Markdown-escaped
    assert "broken.yaml: title: invalid YAML: line 1, column 8: cannot read 'abc' as an integer" in captions


@pytest.mark.parametrize(("url", "shown"), [
    (f"postgresql://leverage:{DB_PASSWORD}@127.0.0.1:1/db", "the database at postgresql://***@127.0.0.1:1/db could "
                                                             "not be opened: "),
    ("sqlite:///{tmp}/a-file/leverage.db", "the database at sqlite:///{tmp}/a-file/leverage.db could not be opened: "),
])
def test_a_database_that_cannot_be_opened_is_named(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path, url: str, shown: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")  # so the database's folder cannot be created
    url, shown = url.format(tmp=tmp_path), shown.format(tmp=tmp_path)
    monkeypatch.setenv("LEVERAGE_DB_URL", url)
    at = _run()
    message = " ".join(str(e.value) for e in at.error)
    assert message.startswith("Leverage could not start: " + shown), message
    assert "the database is unavailable" not in message and DB_PASSWORD not in message


def test_startup_messages_name_each_cause() -> None:
    assert startup_message(ConfigError("LEVERAGE_N_CTX: Input should be a valid integer")).startswith(
        "Leverage could not start: LEVERAGE_N_CTX: Input should be a valid integer Check the LEVERAGE_*")
    assert "the scenario library could not be read" in startup_message(
        StartupError("the scenario library could not be read: Permission denied."))
    odd = startup_message(KeyError(f"http://u:{DB_PASSWORD}@x"))
    assert "an unexpected error (KeyError: " in odd and DB_PASSWORD not in odd

"""Credentials never reach a message, a log line or `trainer doctor` (issue 16, defect 6): one function, `redact`.

With LEVERAGE_LLM_BASE_URL=http://user:password@host/v1 the password used to appear in the error shown to the
trainee and in the log. Every secret here is distinctive, so a leak cannot hide behind an ordinary word.
"""

from __future__ import annotations

import json
import logging

import pytest
from llm_servers import StallServer
from typer.testing import CliRunner

from trainer.app import factories
from trainer.app import practice as svc
from trainer.cli import app
from trainer.config import Settings, get_settings, install_log_redaction, redact, register_secret
from trainer.llm import chat as llm
from trainer.llm.chat import LLMUnavailable
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store

PASSWORD = "Pw-7f3k9-hunter"  # noqa: S105 - a test value
KEY = "sk-test-0123456789abcdef"
DB_PASSWORD = "Db-q8z-secret"  # noqa: S105 - a test value
SECRETS = (PASSWORD, KEY, DB_PASSWORD, "Pw%2D7f3k9%2Dhunter")


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://user:{PASSWORD}@")


@pytest.fixture
def redacted_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Logs as the CLI and the app configure them (both install the redacting record factory at start)."""
    install_log_redaction()
    caplog.set_level(logging.INFO)
    return caplog


def test_redact_masks_every_shape_of_credential() -> None:
    register_secret("Zr4-registered-value")
    cases = {
        f"http://user:{PASSWORD}@llm.local/v1": "http://***@llm.local/v1",
        f"postgresql+psycopg://leverage:{DB_PASSWORD}@db:5432/x": "postgresql+psycopg://***@db:5432/x",
        f"Authorization: Bearer {KEY}": "Authorization: Bearer ***",
        "Authorization: Basic dXNlcjpwYXNzd29yZA==": "Authorization: Basic ***",
        "GET /v1?api_key=abc123def&x=1": "GET /v1?api_key=***&x=1",
        '{"password": "hunter2hunter2"}': '{"password": "***"}',
        f"key {KEY} rejected": "key *** rejected",
        "value Zr4-registered-value in a sentence": "value *** in a sentence",
    }
    for text, expected in cases.items():
        assert redact(text) == expected
    ordinary = "password authentication failed for user 'leverage'; duplicate key 'title'; see https://example.org/a@b"
    assert redact(ordinary) == ordinary


def test_settings_register_their_secrets(monkeypatch: pytest.MonkeyPatch, tmp_settings: Settings) -> None:
    monkeypatch.setenv("LEVERAGE_LLM_BASE_URL", "http://user:Pw%2D7f3k9%2Dhunter@llm.local/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    settings = get_settings()
    assert set(settings.secrets()) >= {PASSWORD, "Pw%2D7f3k9%2Dhunter", KEY}
    assert _leaks(redact(f"decoded {PASSWORD} and raw Pw%2D7f3k9%2Dhunter and {KEY}")) == []


def test_config_errors_never_echo_credentials(monkeypatch: pytest.MonkeyPatch, tmp_settings: Settings) -> None:
    monkeypatch.setenv("LEVERAGE_LLM_BASE_URL", f"ftp://user:{PASSWORD}@llm.local/v1")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 2 and "LEVERAGE_LLM_BASE_URL" in result.output
    assert _leaks(result.output) == []


def test_log_lines_and_tracebacks_are_redacted(redacted_logs: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("trainer.test")
    log.warning("calling %s with key %s", f"http://user:{PASSWORD}@llm.local/v1", KEY)
    try:
        raise RuntimeError(f"failed at http://user:{PASSWORD}@llm.local/v1")
    except RuntimeError:
        log.exception("the call failed")
    assert "calling http://***@llm.local/v1 with key ***" in redacted_logs.text
    assert "RuntimeError: failed at http://***@llm.local/v1" in redacted_logs.text
    assert _leaks(redacted_logs.text) == []


def test_library_logs_of_a_working_call_are_redacted(tmp_settings: Settings,
                                                     redacted_logs: pytest.LogCaptureFixture) -> None:
    """httpx logs every request URL, credentials included, at INFO."""
    with StallServer("ok") as server:
        settings = get_settings(llm_backend="openai", llm_model="m", llm_base_url=_with_credentials(server.url),
                                openai_api_key=KEY, data_dir=tmp_settings.data_dir)
        assert llm.openai_chat_model(settings).invoke("Hello").content
    assert "HTTP Request: POST http://***@127.0.0.1" in redacted_logs.text
    assert _leaks(redacted_logs.text) == []


@pytest.mark.parametrize("mode", ["refused", "silent"])
def test_the_trainees_error_and_the_log_never_show_the_password(
    tmp_settings: Settings, redacted_logs: pytest.LogCaptureFixture, mode: str
) -> None:
    store = Store(tmp_settings.db_url)
    store.migrate()
    practice = svc.Practice(store, load_library().scenarios)
    live = practice.start(store.create_trainee("Ada", client_key="k1").id, "carmaker-renewal", seed=1)
    practice.send(live, "What matters most to you?")
    with StallServer("silent") as server:
        url = server.url if mode == "silent" else "http://127.0.0.1:1/v1"
        settings = get_settings(llm_backend="openai", llm_model="m", llm_base_url=_with_credentials(url),
                                openai_api_key=KEY, llm_first_token_timeout=0.5, llm_timeout=1.0,
                                data_dir=tmp_settings.data_dir, db_url=tmp_settings.db_url)
        with pytest.raises(svc.PracticeError) as info:
            list(practice.reply(live, factories.realizer(settings, "llm")))
    shown = str(info.value)
    assert "http://***@127.0.0.1" in shown and _leaks(shown) == []
    assert _leaks(redacted_logs.text) == []
    with pytest.raises(LLMUnavailable) as direct:
        llm.openai_chat_model(settings).invoke("Hello")
    assert _leaks(str(direct.value)) == []


def test_doctor_output_is_redacted(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "openai")
    monkeypatch.setenv("LEVERAGE_LLM_MODEL", "m")
    monkeypatch.setenv("LEVERAGE_LLM_BASE_URL", f"http://user:{PASSWORD}@127.0.0.1:1/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LEVERAGE_DB_URL", f"postgresql://leverage:{DB_PASSWORD}@127.0.0.1:1/db")
    for as_json in (True, False):
        result = CliRunner().invoke(app, ["doctor", *(["--json"] if as_json else [])])
        assert result.exit_code == 1, result.output
        assert _leaks(result.output) == []
    payload = json.loads(CliRunner().invoke(app, ["doctor", "--json"]).output)
    by_name = {c["name"]: c for c in payload["components"]}
    assert by_name["llm"]["details"]["base_url"] == "http://***@127.0.0.1:1/v1"
    assert "***@127.0.0.1:1/db" in by_name["database"]["details"]["url"]

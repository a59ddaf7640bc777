"""AppTest for the evaluate-a-transcript and settings pages, each run on its own with a real context."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from trainer.config import Settings

TRANSCRIPT = """Buyer: We need 5% off and 120-day terms. We have other suppliers.
Me: We really need to sign this by Friday, our plant plan depends on it.
Buyer: Then 5% shouldn't be a problem.
Me: You're much bigger than us, so we'll accept whatever you think is fair."""


def _evaluate_page() -> None:
    from trainer.ui import evaluate_page
    from trainer.ui.context import build_ctx

    evaluate_page.render(build_ctx())


def _settings_page() -> None:
    from trainer.ui import settings_page
    from trainer.ui.context import build_ctx

    settings_page.render(build_ctx())


def _texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption, *at.success, *at.error, *at.info])


def test_evaluate_pasted_transcript(tmp_settings: Settings) -> None:
    at = AppTest.from_function(_evaluate_page, default_timeout=60)
    at.run()
    at.text_area[0].set_value(TRANSCRIPT)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception
    assert any("Overall score" in str(m.label) for m in at.metric)
    md = _texts(at)
    assert "Signalling your own urgency" in md
    assert "by Friday" in md  # the evidence line, highlighted in context
    assert at.session_state["evaluate_result"][1].overall_score < 100


def test_evaluate_json_with_scenario(tmp_settings: Settings) -> None:
    turns = [{"speaker": "counterparty", "text": "178 euros a unit, 120-day terms."},
             {"speaker": "trainee", "text": "Agriculture customers are our plan b, but it would take a year."}]  # fmt: skip
    at = AppTest.from_function(_evaluate_page, default_timeout=60)
    at.run()
    at.text_area[0].set_value(json.dumps({"turns": turns}))
    at.selectbox[0].set_value("carmaker-renewal")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["evaluate_result"][2] == "carmaker-renewal"


def test_evaluate_bad_input_is_explained(tmp_settings: Settings) -> None:
    at = AppTest.from_function(_evaluate_page, default_timeout=60)
    at.run()
    at.text_area[0].set_value("{not json")
    at.button[0].click().run()
    assert not at.exception
    assert any("could not be read" in str(e.value) for e in at.error)


def test_settings_key_is_never_shown_nor_stored(tmp_settings: Settings) -> None:
    secret = "sk-test-DO-NOT-SHOW-123"
    at = AppTest.from_function(_settings_page, default_timeout=60)
    at.run()
    at.radio[0].set_value("openai")
    at.text_input[0].set_value("http://127.0.0.1:9/v1")
    at.text_input[1].set_value("tiny")
    at.text_input[2].set_value(secret)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("Saved" in str(s.value) for s in at.success)
    at.run()
    assert at.text_input[2].value == ""  # never displayed back
    assert secret not in repr(at)
    db = Path(tmp_settings.db_url.removeprefix("sqlite:///"))
    for path in db.parent.glob("*.db*"):
        assert secret.encode() not in path.read_bytes()
    assert at.session_state["prefs"].api_key == secret  # kept in memory for this browser session only


def test_settings_check_connection_reports_unreachable_endpoint(tmp_settings: Settings) -> None:
    at = AppTest.from_function(_settings_page, default_timeout=60)
    at.run()
    at.radio[0].set_value("openai")
    at.text_input[0].set_value("http://127.0.0.1:9/v1")
    at.text_input[1].set_value("tiny")
    at.button[0].click().run()
    next(b for b in at.button if "Check connection" in str(b.label)).click().run()
    assert not at.exception, at.exception
    assert any("127.0.0.1:9" in str(e.value) for e in at.error)


def test_settings_rejects_a_bad_url(tmp_settings: Settings) -> None:
    at = AppTest.from_function(_settings_page, default_timeout=60)
    at.run()
    at.radio[0].set_value("openai")
    at.text_input[0].set_value("localhost:8000")
    at.text_input[1].set_value("tiny")
    at.button[0].click().run()
    assert any("Not saved" in str(e.value) for e in at.error)
    assert at.session_state["prefs"].backend is None

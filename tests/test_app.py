"""AppTest flows for the practice app: scenario picker to debrief, with a fake voice and no network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from apptest_support import APP, TIMEOUT, button, started_app
from streamlit.testing.v1 import AppTest

from trainer.config import Settings
from trainer.llm.chat import LLMUnavailable


def _app(tmp_settings: Settings) -> AppTest:
    """A fresh app run against the temporary data dir (the fixture sets it up first)."""
    return started_app()


def _texts(at: AppTest) -> str:
    """All markdown on the page, for assertions."""
    return "\n".join(str(m.value) for m in at.markdown)


def _start(at: AppTest) -> AppTest:
    """Pick the carmaker scenario, read the brief, start."""
    at.button(key="brief-carmaker-renewal").click().run()
    assert "Private" in _texts(at) + "\n".join(str(s.value) for s in at.subheader)
    button(at, "Start the negotiation").click().run()
    assert not at.exception, at.exception
    return at


def _say(at: AppTest, text: str) -> AppTest:
    """Type into the chat input and let the reply stream."""
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def test_picker_shows_cards(tmp_settings: Settings) -> None:
    at = _app(tmp_settings)
    assert any("Practice a negotiation" in str(t.value) for t in at.title)
    assert any("Read the brief" in str(b.label) for b in at.button)


def test_full_session_to_debrief(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    assert len(at.chat_message) == 1  # the opening line
    _say(at, "What matters most to you in phase two?")
    assert "FAKE" in _texts(at)
    _say(at, "We need it signed by the end of the month, our production plan depends on it.")
    assert len(at.chat_message) == 5
    button(at, "End and debrief").click().run()
    assert not at.exception, at.exception
    titles = " ".join(str(t.value) for t in at.title)
    assert "Debrief" in titles
    md = _texts(at)
    assert "Signalling your own urgency" in md
    assert "end of the month" in md  # the evidence line is shown



def _store_turns(at: AppTest) -> list:
    """The stored transcript of the session on screen."""
    from trainer.config import get_settings
    from trainer.storage.store import Store

    live = at.session_state["live"]
    return Store(get_settings().db_url).list_turns(live.session_id)


def test_llm_failure_keeps_the_turn_then_retry(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    app_voices["llm"].fail = "unavailable"
    _say(at, "What matters most to you in phase two?")
    assert any("Cannot reach the LLM endpoint" in str(e.value) for e in at.error)
    turns = _store_turns(at)
    assert turns[-1].speaker == "trainee" and "matters most" in turns[-1].text  # committed before the LLM call
    assert at.chat_input[0].disabled  # no new message until this one is answered
    app_voices["llm"].fail = None
    button(at, "Retry").click().run()
    assert not at.exception and not at.error
    assert "FAKE" in _texts(at)
    assert [t.speaker for t in _store_turns(at)][-2:] == ["trainee", "counterparty"]


def test_llm_failure_continue_with_quick_voice(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    app_voices["llm"].fail = "unavailable"
    _say(at, "What matters most to you in phase two?")
    button(at, "Continue with the quick voice").click().run()
    assert not at.error
    last = _store_turns(at)[-1]
    assert last.speaker == "counterparty" and last.meta["realizer"] == "template"


def test_resume_after_refresh_only_for_the_owner(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    _say(at, "What matters most to you in phase two?")
    session_id, me = at.query_params["session"], at.query_params["me"]
    session_id = session_id[0] if isinstance(session_id, list) else session_id
    me = me[0] if isinstance(me, list) else me

    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)  # a new browser tab: empty session_state
    fresh.query_params["me"] = me
    fresh.query_params["session"] = session_id
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert len(fresh.chat_message) == 3
    assert "matters most" in _texts(fresh)

    stranger = AppTest.from_file(APP, default_timeout=TIMEOUT)  # someone else with the session id only
    stranger.query_params["session"] = session_id
    stranger.run()
    assert len(stranger.chat_message) == 0
    assert any("isn't available" in str(i.value) for i in stranger.info)


def test_pending_turn_survives_a_restart(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    app_voices["llm"].fail = "unavailable"
    _say(at, "We need it signed by the end of the month.")
    me, sid = at.query_params["me"], at.query_params["session"]
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.query_params["me"] = me[0] if isinstance(me, list) else me
    fresh.query_params["session"] = sid[0] if isinstance(sid, list) else sid
    fresh.run()
    assert "end of the month" in _texts(fresh)
    app_voices["llm"].fail = None
    button(fresh, "Retry").click().run()
    assert "FAKE" in _texts(fresh)


def test_filter_by_mistake(tmp_settings: Settings) -> None:
    at = _app(tmp_settings)
    every = len([b for b in at.button if "Read the brief" in str(b.label)])
    at.session_state["focus_filter"] = ["unified_actor"]
    at.run()
    some = len([b for b in at.button if "Read the brief" in str(b.label)])
    assert 0 < some <= every


def test_walk_away_ends_with_a_debrief(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    button(at, "Yes, walk away").click().run()
    assert not at.exception, at.exception
    assert "walk away" in _texts(at)
    live = at.session_state["live"]
    assert live.status in ("walked_away", "open")
    assert [t for t in _store_turns(at) if t.speaker == "trainee"][-1].meta["acts"]["acts"][0]["kind"] == "walk_away"
    button(at, "End and debrief").click().run() if live.status == "open" else button(at, "Open the debrief").click().run()
    assert any("Debrief" in str(t.value) for t in at.title)


def test_debrief_retry_and_practise_mistake(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    _say(at, "We need it signed by the end of the month, our production plan depends on it.")
    button(at, "End and debrief").click().run()
    assert any("Overall score" in str(m.label) for m in at.metric)
    assert any("Better" in str(s.value) or "better line" in str(s.value) for s in at.success)
    button(at, "Practise: Signalling your own urgency").click().run()
    assert not at.exception, at.exception
    assert at.session_state["focus_filter"] == ["urgency_signal"]
    assert any("Practice a negotiation" in str(t.value) for t in at.title)


def test_retry_this_scenario_opens_the_brief(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    _say(at, "What matters most to you?")
    button(at, "End and debrief").click().run()
    button(at, "Retry this scenario").click().run()
    assert not at.exception, at.exception
    assert any(b.label == "Start the negotiation" for b in at.button)


def test_streamed_reply_from_a_fake_chat_model(tmp_settings: Settings, llm_backend: Callable) -> None:
    from chat_fakes import FakeChat
    from langchain_core.messages import AIMessage

    replies = iter([AIMessage(content="I hear you, but our position stands for now.")] * 5)
    llm_backend(FakeChat(messages=replies))
    at = _start(_app(tmp_settings))
    _say(at, "What matters most to you in phase two?")
    assert "our position stands" in _texts(at)
    meta = _store_turns(at)[-1].meta
    assert meta["realizer"] == "llm" and meta["fallback"] is False


def test_endpoint_down_with_the_real_llm_voice_keeps_the_turn_and_offers_both_ways_on(
    tmp_settings: Settings, llm_backend: Callable, broken_chat_model: Any
) -> None:
    llm_backend(broken_chat_model)
    at = _start(_app(tmp_settings))
    _say(at, "What matters most to you in phase two?")
    assert not at.exception, at.exception
    assert any("Cannot reach the LLM endpoint" in str(e.value) for e in at.error)
    assert _store_turns(at)[-1].speaker == "trainee"  # kept, pending a reply
    button(at, "Continue with the quick voice").click().run()
    last = _store_turns(at)[-1]
    assert last.speaker == "counterparty" and last.meta["realizer"] == "template"


def test_model_unavailable_at_start_offers_the_quick_voice(tmp_settings: Settings, llm_backend: Callable) -> None:
    llm_backend(LLMUnavailable("The embedded model is not prepared: run `trainer prepare-model`."))
    at = _app(tmp_settings)
    at.button(key="brief-carmaker-renewal").click().run()
    button(at, "Start the negotiation").click().run()
    assert any("trainer prepare-model" in str(e.value) for e in at.error)
    button(at, "Start with the quick voice").click().run()
    assert not at.exception, at.exception
    _say(at, "What matters most to you?")
    assert _store_turns(at)[-1].meta["realizer"] == "template"


def test_hint_and_live_coaching(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    button(at, "Hint").click().run()
    assert not at.exception, at.exception
    assert at.info and at.session_state["hint"]
    at.toggle[0].set_value(True).run()
    _say(at, "We need it signed by the end of the month, our production plan depends on it.")
    assert at.session_state["hint"]  # the urgency slip earns a nudge without asking


def test_propose_agreement_sends_every_term(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    button(at, "Send proposal").click().run()  # pre-filled with their opening: below the walk-away, so it asks
    assert not at.exception, at.exception
    assert any("below your walk" in str(w.value) for w in at.warning)
    button(at, "Accept anyway").click().run()
    assert not at.exception, at.exception
    sent = [t for t in _store_turns(at) if t.speaker == "trainee"][-1]
    assert sent.text.startswith("I propose we agree on these terms") and "Payment terms" in sent.text
    offers = {a["issue_id"]: a["value"] for a in sent.meta["acts"]["acts"] if a["kind"] == "offer"}
    live = at.session_state["live"]
    assert set(offers) == {i.id for i in live.scenario.issues}  # typed offers went to the engine
    assert live.state.trainee_positions == offers


def test_bad_configuration_is_explained(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "gpt5")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("LEVERAGE_LLM_BACKEND" in str(e.value) for e in at.error)

"""The practice service: turns committed before the voice, retries that never move the deal twice, resume."""

from __future__ import annotations

import pytest

from trainer.app import practice as svc
from trainer.config import Settings
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store

SCENARIO = "carmaker-renewal"


@pytest.fixture
def env(tmp_settings: Settings) -> tuple[Store, svc.Practice, str]:
    store = Store(tmp_settings.db_url)
    store.migrate()
    trainee = store.create_trainee("Ada", client_key="k1")
    return store, svc.Practice(store, load_library().scenarios), trainee.id


def test_start_commits_the_opening_line(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    turns = store.list_turns(live.session_id)
    assert [t.speaker for t in turns] == ["counterparty"]
    assert turns[0].move is not None and live.pending is None


def test_trainee_turn_is_saved_before_the_voice_and_kept_on_failure(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "What matters most to you?")
    assert store.list_turns(live.session_id)[-1].speaker == "trainee"
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, fake_voice(fail="before")))
    assert live.pending == "What matters most to you?"
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, fake_voice(fail="during")))
    assert [t.speaker for t in store.list_turns(live.session_id)] == ["counterparty", "trainee"]


def test_an_endpoint_outage_is_one_log_line_and_a_defect_keeps_its_traceback(
    env: tuple, fake_voice: type, caplog: pytest.LogCaptureFixture
) -> None:
    """An unreachable or slow endpoint is an expected condition with a Retry button, not a stack dump in the log."""
    _, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "What matters most to you?")
    with caplog.at_level("WARNING", logger="trainer"), pytest.raises(svc.PracticeError):
        list(practice.reply(live, fake_voice(fail="unavailable")))
    outage = [r for r in caplog.records if "realizer failed" in r.getMessage()]
    assert len(outage) == 1 and not outage[0].exc_info
    caplog.clear()
    with caplog.at_level("WARNING", logger="trainer"), pytest.raises(svc.PracticeError):
        list(practice.reply(live, fake_voice(fail="before")))
    defect = [r for r in caplog.records if "realizer failed" in r.getMessage()]
    assert len(defect) == 1 and defect[0].exc_info  # a ConnectionError the voice did not translate


def test_retry_reuses_the_engine_step(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "We need it signed by the end of the month.")
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, fake_voice(fail="before")))
    step = live.pending_step
    text = "".join(practice.reply(live, fake_voice()))
    assert text.endswith("ok.") and live.pending is None
    assert live.state == step.state and live.state.turn == 1  # the deal moved exactly once
    reply = store.list_turns(live.session_id)[-1]
    assert reply.speaker == "counterparty" and reply.move["kind"] == step.move.kind
    assert reply.meta["realizer"] == "llm"


def test_cannot_send_while_a_turn_is_pending(env: tuple) -> None:
    _, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "Hello.")
    with pytest.raises(svc.PracticeError):
        practice.send(live, "Hello again.")
    with pytest.raises(svc.PracticeError):
        svc.Practice(practice.store, practice.scenarios).send(live, "   ")


def test_resume_restores_state_and_pending_turn(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=7)
    for text in ["What matters most to you?", "If you move to 60 days, we can accept 2% price-down."]:
        practice.send(live, text)
        list(practice.reply(live, fake_voice()))
    practice.send(live, "Who else is involved?")
    again = practice.resume(me, live.session_id)
    assert again is not None
    assert again.state == live.state and again.pending == "Who else is involved?"
    assert [line.text for line in again.lines] == [line.text for line in live.lines]


def test_resume_replays_when_state_is_missing(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=7)
    practice.send(live, "If you move to 60 days, we can accept 2% price-down.")
    list(practice.reply(live, fake_voice()))
    store.update_session(live.session_id, state_json="{}")
    assert practice.resume(me, live.session_id).state == live.state


def test_resume_refuses_other_trainees(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    other = store.create_trainee("Bob").id
    assert practice.resume(other, live.session_id) is None
    assert practice.resume(me, "not-a-uuid") is None


def test_debrief_evaluates_once_and_reveals_hidden_info(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "We need it signed by the end of the month, our production plan depends on it.")
    list(practice.reply(live, fake_voice()))
    practice.end(live)
    first = svc.debrief_for(store, practice.scenarios, live.session_id, me)
    urgency = next(m for m in first.report.mistakes if m.id == "urgency_signal")
    assert urgency.detected and urgency.evidence[0].turn == 1
    assert first.hidden and {h.kind for h in first.hidden} >= {"need", "stakeholder"}
    assert store.get_session(live.session_id, me).outcome_json
    again = svc.debrief_for(store, practice.scenarios, live.session_id, me)
    assert again.report == first.report
    assert svc.most_frequent_mistake(first.report) == "urgency_signal"
    view = svc.outcome_view(first.outcome, live.scenario, first.hidden)
    assert {r["issue_id"] for r in view["issues"]} == {i.id for i in live.scenario.issues}
    assert svc.debrief_for(store, practice.scenarios, live.session_id, store.create_trainee("Eve").id) is None


def test_terms_on_table_and_proposal_text(env: tuple) -> None:
    _, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    rows = svc.terms_on_table(live.state, live.scenario)
    assert rows[0].theirs is not None and rows[0].yours is None
    text = svc.proposal_text({r.issue_id: r.target for r in rows}, live.scenario)
    assert text.startswith("I propose") and "Unit price" in text


def test_hint_on_request(env: tuple, fake_voice: type) -> None:
    _, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "We need it signed by the end of the month.")
    list(practice.reply(live, fake_voice()))
    assert svc.hint_for(live, None, on_request=True)
    assert svc.hint_for(live, None, on_request=False)  # the urgency slip earns a live nudge


@pytest.fixture
def reader_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the engine's reader is asked to read (the buttons' typed acts must bypass it)."""
    import trainer.reader.analysis as reader

    calls: list[str] = []
    real = reader.analyse_turn

    def spy(text: str, *args: object, **kwargs: object) -> object:
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(reader, "analyse_turn", spy)
    return calls


def test_propose_sends_typed_offers_and_keeps_a_readable_line(env: tuple, fake_voice: type, reader_calls: list) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    values = {i.id: i.trainee_target + i.step / 4 for i in live.scenario.issues}  # off the grid prose would round to
    practice.propose(live, values)
    list(practice.reply(live, fake_voice()))
    assert reader_calls == []  # the engine got the acts, not prose to parse back
    assert live.state.trainee_positions == values
    stored = [t for t in store.list_turns(live.session_id) if t.speaker == "trainee"][-1]
    assert stored.text == svc.proposal_text(values, live.scenario) and stored.text.startswith("I propose")
    assert [a["value"] for a in stored.meta["acts"]["acts"]] == list(values.values())
    store.update_session(live.session_id, state_json="{}")  # a replay reads the stored acts, not the words
    assert practice.resume(me, live.session_id).state == live.state
    assert reader_calls == []


def test_walk_away_button_sends_a_typed_act(env: tuple, fake_voice: type, reader_calls: list) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.walk_away(live)
    assert store.list_turns(live.session_id)[-1].text == svc.WALK_AWAY_TEXT
    list(practice.reply(live, fake_voice()))
    assert reader_calls == []
    assert live.status == "walked_away" and live.lines[-1].move.kind == "farewell"
    assert store.get_session(live.session_id, me).status == "walked_away"


def test_a_button_turn_stays_typed_while_pending_across_a_restart(
    env: tuple, fake_voice: type, reader_calls: list
) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    values = {i.id: i.trainee_target for i in live.scenario.issues}
    practice.propose(live, values)
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, fake_voice(fail="before")))
    again = practice.resume(me, live.session_id)
    assert again.pending is not None
    list(practice.reply(again, fake_voice()))
    assert reader_calls == [] and again.state.trainee_positions == values

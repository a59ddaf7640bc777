"""The practice service: turns committed before the voice, retries that never move the deal twice, resume."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from trainer.app import practice as svc
from trainer.config import Settings
from trainer.scenarios.library import load_library
from trainer.storage.store import Store

SCENARIO = "carmaker-renewal"


class Voice:
    """A fake realizer that can fail before or after its first words."""

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail
        self.calls = 0

    def stream(self, move: Any, state: Any, scenario: Any, history: list) -> Iterator[str]:
        self.calls += 1
        if self.fail == "before":
            raise ConnectionError("endpoint down")
        yield f"[{move.kind}] "
        if self.fail == "during":
            raise ConnectionError("dropped")
        yield "ok."


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


def test_trainee_turn_is_saved_before_the_voice_and_kept_on_failure(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "What matters most to you?")
    assert store.list_turns(live.session_id)[-1].speaker == "trainee"
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, Voice(fail="before")))
    assert live.pending == "What matters most to you?"
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, Voice(fail="during")))
    assert [t.speaker for t in store.list_turns(live.session_id)] == ["counterparty", "trainee"]


def test_retry_reuses_the_engine_step(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "We need it signed by the end of the month.")
    with pytest.raises(svc.PracticeError):
        list(practice.reply(live, Voice(fail="before")))
    step = live.pending_step
    text = "".join(practice.reply(live, Voice()))
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


def test_resume_restores_state_and_pending_turn(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=7)
    for text in ["What matters most to you?", "If you move to 60 days, we can accept 2% price-down."]:
        practice.send(live, text)
        list(practice.reply(live, Voice()))
    practice.send(live, "Who else is involved?")
    again = practice.resume(me, live.session_id)
    assert again is not None
    assert again.state == live.state and again.pending == "Who else is involved?"
    assert [line.text for line in again.lines] == [line.text for line in live.lines]


def test_resume_replays_when_state_is_missing(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=7)
    practice.send(live, "If you move to 60 days, we can accept 2% price-down.")
    list(practice.reply(live, Voice()))
    store.update_session(live.session_id, state_json="{}")
    assert practice.resume(me, live.session_id).state == live.state


def test_resume_refuses_other_trainees(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    other = store.create_trainee("Bob").id
    assert practice.resume(other, live.session_id) is None
    assert practice.resume(me, "not-a-uuid") is None


def test_debrief_evaluates_once_and_reveals_hidden_info(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "We need it signed by the end of the month, our production plan depends on it.")
    list(practice.reply(live, Voice()))
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


def test_hint_on_request(env: tuple) -> None:
    _, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "We need it signed by the end of the month.")
    list(practice.reply(live, Voice()))
    assert svc.hint_for(live, None, on_request=True)
    assert svc.hint_for(live, None, on_request=False)  # the urgency slip earns a live nudge

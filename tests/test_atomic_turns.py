"""Issue 16, defect 2: a turn (reply + deal state + status) and a new session (row + opening line) commit
together or not at all; a window with an out-of-date copy cannot duplicate or doubly answer a line; a resumed
session is always the engine's replay; and the crash auditor really flags what the old three commits left."""

from __future__ import annotations

import pytest

from trainer.app import practice as svc
from trainer.app.session import Session
from trainer.measure.crash import audit
from trainer.scenarios.loading import load_library
from trainer.storage import store as store_module
from trainer.storage.store import NewTurn, Store, TurnConflict

pytest_plugins = ["db_fixtures"]
SCENARIO = "carmaker-renewal"


@pytest.fixture(scope="module")
def scenarios() -> dict:
    return load_library().scenarios


@pytest.fixture
def env(store: Store, scenarios: dict) -> tuple[Store, svc.Practice, str]:
    return store, svc.Practice(store, scenarios), store.create_trainee("Ada").id


def _play(practice: svc.Practice, live: svc.Live, text: str, voice: object) -> None:
    practice.send(live, text)
    list(practice.reply(live, voice, "template"))


class _Boom(RuntimeError):
    pass


def _fail_on_state_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make encoding the deal state fail: the line was already added in the same transaction."""
    real = store_module.to_json

    def to_json(value: object) -> str | None:
        if type(value).__name__ == "DealState":
            raise _Boom("disk full while writing the state")
        return real(value)

    monkeypatch.setattr(store_module, "to_json", to_json)


def test_a_failed_reply_commit_leaves_neither_the_line_nor_the_state(
    env: tuple, fake_voice: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.send(live, "What matters most to you?")
    before = store.get_session(live.session_id, me)
    _fail_on_state_write(monkeypatch)
    with pytest.raises(_Boom):
        list(practice.reply(live, fake_voice()))
    monkeypatch.undo()
    assert [t.speaker for t in store.list_turns(live.session_id)] == ["counterparty", "trainee"]
    assert store.get_session(live.session_id, me).state_json == before.state_json
    assert live.pending == "What matters most to you?"  # in memory too: Retry answers it once
    list(practice.reply(live, fake_voice()))
    assert [t.speaker for t in store.list_turns(live.session_id)][-1] == "counterparty"
    assert practice.resume(me, live.session_id).state == live.state


def test_a_failed_start_leaves_no_session_without_its_opening_line(
    env: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, practice, me = env
    real = store_module._turn_row

    def broken(*args: object) -> object:
        raise _Boom("crash between the session row and its opening line")

    monkeypatch.setattr(store_module, "_turn_row", broken)
    with pytest.raises(_Boom):
        practice.start(me, SCENARIO, seed=1)
    monkeypatch.setattr(store_module, "_turn_row", real)
    assert store.list_sessions(me) == []
    live = practice.start(me, SCENARIO, seed=1)
    assert [t.meta.get("opening") for t in store.list_turns(live.session_id)] == [True]


def test_the_reply_state_and_walk_away_status_commit_together(env: tuple) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    practice.walk_away(live)
    list(practice.reply(live, svc.TemplateRealizer(), "template"))
    record = store.get_session(live.session_id, me)
    assert record.status == "walked_away" == live.status
    assert record.state_json == live.state.model_dump_json()
    with pytest.raises(svc.PracticeError, match="over"):
        practice.send(live, "Wait, come back.")
    with pytest.raises(TurnConflict):  # the store refuses it too, whatever the caller believes
        store.commit_turn(live.session_id, len(live.lines), NewTurn("trainee", "Wait, come back."))


def test_a_second_window_cannot_answer_or_send_twice(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    first = practice.start(me, SCENARIO, seed=3)
    practice.send(first, "Who else is involved?")
    second = practice.resume(me, first.session_id)  # another tab, same pending line
    list(practice.reply(first, fake_voice()))
    with pytest.raises(svc.PracticeError, match="another window"):
        list(practice.reply(second, fake_voice()))
    assert second.pending is None and len(second.lines) == len(first.lines)  # reloaded in place
    practice.send(first, "What matters most to you?")
    stale = practice.resume(me, first.session_id)
    list(practice.reply(first, fake_voice()))
    stale.game.lines.pop()  # a copy from before the line was sent, as a slow tab would hold
    with pytest.raises(svc.PracticeError, match="another window"):
        practice.send(stale, "What matters most to you?")
    speakers = [t.speaker for t in store.list_turns(first.session_id)]
    assert speakers == ["counterparty", "trainee"] * 2 + ["counterparty"]


def test_ending_never_overwrites_a_newer_state_or_a_final_status(env: tuple, fake_voice: type) -> None:
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=1)
    old_copy = practice.resume(me, live.session_id)
    _play(practice, live, "If you move to 60 days, we can accept 2% price-down.", fake_voice())
    practice.end(old_copy)  # the old tab ends the session: the state of the newer turn stays
    record = store.get_session(live.session_id, me)
    assert record.status == "ended" and record.state_json == live.state.model_dump_json()
    walked = practice.start(me, SCENARIO, seed=2)
    practice.walk_away(walked)
    list(practice.reply(walked, fake_voice()))
    practice.end(practice.resume(me, walked.session_id))
    assert store.get_session(walked.session_id, me).status == "walked_away"


def test_resume_is_the_replay_even_after_the_old_non_atomic_gap(env: tuple, scenarios: dict) -> None:
    """A session saved by the old path (the reply committed, the state and status not) resumes as the replay,
    and a walked-away one is closed instead of taking more messages."""
    store, practice, me = env
    live = practice.start(me, SCENARIO, seed=5)
    for text in ["If you move to 60 days, we can accept 2% price-down.", svc.WALK_AWAY_TEXT]:
        acts = svc.walk_away_acts() if text == svc.WALK_AWAY_TEXT else None
        practice.send(live, text, acts)
        step = live.game.step()
        reply = "".join(svc.TemplateRealizer().stream(step.move, step.state, live.scenario, live.game.history))
        store.add_turn(live.session_id, "counterparty", reply, move=step.move)  # the old first commit only
        live.game.accept(step, reply, {})
    resumed = practice.resume(me, live.session_id)
    replay = Session.replay(scenarios[SCENARIO], 5, resumed.lines).state
    assert resumed.state == replay == live.state
    assert resumed.status == "walked_away" == store.get_session(live.session_id, me).status
    with pytest.raises(svc.PracticeError):
        practice.send(resumed, "One more thing.")


# ---------------------------------------------------------------- the crash auditor can fail


def test_the_auditor_flags_what_the_old_three_commits_left(env: tuple, scenarios: dict) -> None:
    store, practice, me = env
    clean = practice.start(me, SCENARIO, seed=1)
    _play(practice, clean, "What matters most to you?", svc.TemplateRealizer())
    assert audit(store, scenarios, me, []).stale == 0
    # The reply committed, the state not (kill -9 between the two commits).
    gap = practice.start(me, SCENARIO, seed=2)
    practice.send(gap, "If you move to 60 days, we can accept 2% price-down.")
    store.add_turn(gap.session_id, "counterparty", "Let me think about that.", move=gap.game.step().move)
    # A session killed between its row and its opening line.
    store.create_session(me, SCENARIO, 3, "template", "{}")
    found = audit(store, scenarios, me, [{"session": clean.session_id, "idx": 3, "speaker": "trainee", "text": "x"}])
    assert found.lost == 2 and found.duplicated == 0  # the opening line, and the line seen at idx 3
    assert found.stale == 2  # the gap's state, and the empty state of the session without its opening
    # A line answered twice.
    store.add_turn(gap.session_id, "counterparty", "And another thing.")
    assert audit(store, scenarios, me, []).duplicated == 1

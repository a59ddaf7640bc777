"""Deal state: typed, JSON round-trips exactly, rejects unknown keys."""

from __future__ import annotations

import json

import pytest
from counterparty_fixtures import act, analysis, offer, process, scenario
from pydantic import ValidationError

from trainer.domain.acts import ActKind, ProcessAspect
from trainer.domain.deal import Concession, DealState, Side, Status
from trainer.engine.turn import Engine


def _played() -> DealState:
    sc = scenario()
    eng = Engine(sc, seed=4, analyser=lambda t, s, p: analysis(t))
    state, _ = eng.open()
    for a in (
        analysis("draft", process(ActKind.accept_their_process, ProcessAspect.draft)),
        analysis("who", act(ActKind.question_stakeholders)),
        analysis("offer", offer("price_change", 8), offer("payment_days", 45)),
        analysis("rush", act(ActKind.disclose_urgency)),
        analysis("give", act(ActKind.concession, issue_id="price_change", value=7)),
    ):
        state = eng.step_analysis(state, a).state
    return state


def test_json_round_trip_is_exact() -> None:
    state = _played()
    again = DealState.from_json(state.to_json())
    assert again == state
    assert again.mistakes.urgency_revealed and again.process.draft == Side.counterparty
    assert again.revealed_stakeholders == ["ops"]


def test_unknown_keys_are_rejected() -> None:
    blob = json.loads(_played().to_json())
    blob["surprise"] = 1
    with pytest.raises(ValidationError):
        DealState.model_validate(blob)


def test_concession_without_return_is_flagged() -> None:
    c = Concession(turn=1, by=Side.trainee, issue_id="x", from_value=1, to_value=2)
    assert c.unreturned
    assert not Concession(
        turn=1, by=Side.trainee, issue_id="x", from_value=1, to_value=2, in_exchange_for=["conditional trade"]
    ).unreturned


def test_new_state_defaults() -> None:
    state = DealState(scenario_id="s")
    assert state.status == Status.open and not state.is_over and state.turn == 0
    assert state.revealed_ids() == set()

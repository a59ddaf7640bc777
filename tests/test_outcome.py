"""Outcome: utility by the scenario's weights, ground conceded beyond necessity, unreturned concessions."""

from __future__ import annotations

import pytest
from counterparty_fixtures import act, analysis, offer, scenario

from trainer.domain.acts import ActKind
from trainer.domain.deal import DealState, Status
from trainer.engine.outcome import compute_outcome, conceded_beyond
from trainer.engine.turn import Engine


def test_conceded_beyond_is_distance_to_reservation_over_room() -> None:
    issue = scenario().issue("price_change")  # opening 0, reservation 6.5, trainee wants higher
    assert conceded_beyond(issue, 0) == (1.0, 6.5)
    assert conceded_beyond(issue, 6.5) == (0.0, 0.0)
    share, gap = conceded_beyond(issue, 3.25)
    assert share == pytest.approx(0.5) and gap == pytest.approx(3.25)
    days = scenario().issue("payment_days")  # opening 120, reservation 55, trainee wants lower
    assert conceded_beyond(days, 150)[0] == 1.0  # worse than its opening is capped at 1


def test_open_session_scores_the_last_offer() -> None:
    sc = scenario()
    state = DealState(
        scenario_id=sc.id, counterparty_positions={"price_change": 6.5, "payment_days": 55, "volume": 75},
        trainee_positions={"price_change": 8, "payment_days": 45, "volume": 80},
    )
    out = compute_outcome(state, sc)
    assert out.basis == "last_offer" and out.status == Status.open
    assert out.conceded_beyond_necessity == 0.0
    # utility: price 6.5 -> (6.5-2)/(8-2)=0.75; days 55 -> (55-90)/(45-90)=0.7778; volume 75 -> 25/30
    expected = (0.5 * 0.75 + 0.3 * (35 / 45) + 0.2 * (25 / 30)) / 1.0
    assert out.trainee_utility == pytest.approx(expected, abs=1e-3)


def test_agreed_terms_and_unreturned_concessions() -> None:
    sc = scenario()
    eng = Engine(sc, seed=0, analyser=lambda t, s, p: analysis(t))
    state, _ = eng.open()
    for a in (
        analysis("o", offer("price_change", 8)),
        analysis("give", offer("price_change", 5)),
        analysis("ok", act(ActKind.accept)),
    ):
        state = eng.step_analysis(state, a).state
    out = compute_outcome(state, sc)
    assert out.basis == "agreed" and out.terms == state.agreed_terms
    assert [c.issue_id for c in out.concessions_without_return] == ["price_change"]
    assert 0 <= out.trainee_utility <= 1 and 0 <= out.conceded_beyond_necessity <= 1
    assert out.conceded_beyond_necessity > 0.5  # accepted near its opening: most of the room left unused

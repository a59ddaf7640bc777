"""The counterparty policy: opening anchor, trades only in exchange, reservation never crossed, mistakes used."""

from __future__ import annotations

from counterparty_fixtures import act, analysis, offer, process, scenario

from trainer.domain.acts import ActKind, ProcessAspect
from trainer.domain.deal import DealState
from trainer.engine.policy import MoveKind, decide, open_move, unlocked_share
from trainer.engine.terms import better_for_trainee
from trainer.engine.turn import Engine

K = ActKind


def _engine(seed: int = 0) -> Engine:
    return Engine(scenario(), seed=seed, analyser=lambda t, s, p: analysis(t))


def _play(*turns, seed: int = 0):
    eng = _engine(seed)
    state, move = eng.open()
    results = []
    for a in turns:
        r = eng.step_analysis(state, a)
        state = r.state
        results.append(r)
    return state, results


def test_opens_at_its_opening_and_proposes_process() -> None:
    sc = scenario()
    move = open_move(sc)
    assert move.kind == MoveKind.open
    assert move.releases == {i.id: i.counterparty_opening for i in sc.issues}
    assert move.trap_id == "our_draft"


def test_no_movement_without_something_in_return() -> None:
    state, results = _play(
        analysis("hi", act(K.small_talk)),
        analysis("o", offer("price_change", 8)),
        analysis("again", offer("price_change", 8)),
    )
    assert all(not r.move.moved for r in results)
    assert state.counterparty_positions["price_change"] == 0


def test_conditional_trade_earns_movement() -> None:
    _, results = _play(
        analysis("o", offer("price_change", 8)),
        analysis("if", act(K.conditional_trade), offer("price_change", 8)),
    )
    assert results[-1].move.kind == MoveKind.counter
    assert "price_change" in results[-1].move.moved
    assert results[-1].move.in_exchange_for == ["conditional trade"]


def test_never_past_reservation_even_when_everything_is_earned() -> None:
    sc = scenario()
    good = [
        analysis("who", act(K.question_stakeholders)),
        analysis("c", act(K.question_constraints)),
        analysis("alt", act(K.challenge_alternative)),
    ]
    trades = [
        analysis(
            "if",
            act(K.conditional_trade),
            act(K.objective_standard),
            offer("price_change", 20),
            offer("payment_days", 0),
            offer("volume", 100),
        )
        for _ in range(30)
    ]
    for seed in range(5):
        state, _ = _play(*good, *trades, seed=seed)
        for issue in sc.issues:
            assert not better_for_trainee(
                issue, state.counterparty_positions[issue.id], issue.counterparty_reservation
            )
        assert state.counterparty_positions["price_change"] == 6.5  # it does get there, eventually


def test_stakeholder_probe_reveals_and_unlocks_flexibility() -> None:
    sc = scenario()
    state, results = _play(analysis("who else?", act(K.question_stakeholders)))
    assert results[0].move.kind == MoveKind.reveal
    assert results[0].move.reveal_lines == [sc.counterparty.stakeholders[0].reveal_line]
    assert state.revealed_stakeholders == ["ops"]
    before = unlocked_share(DealState(scenario_id=sc.id), sc, sc.issue("price_change"))
    assert unlocked_share(state, sc, sc.issue("price_change")) > before


def test_urgency_slows_it_down_and_lowers_what_it_gives() -> None:
    sc = scenario()
    trade = analysis("if", act(K.conditional_trade), offer("price_change", 8))
    calm, _ = _play(*[trade] * 4)
    rushed, results = _play(analysis("we must sign by quarter end", act(K.disclose_urgency)), *[trade] * 4)
    assert results[0].move.kind == MoveKind.slow_down and results[0].move.tactic == "no_rush"
    assert any(r.move.kind == MoveKind.slow_down for r in results[1:])
    assert rushed.counterparty_positions["price_change"] < calm.counterparty_positions["price_change"]
    assert unlocked_share(rushed, sc, sc.issue("price_change")) < unlocked_share(
        calm, sc, sc.issue("price_change")
    )


def test_unprompted_concession_is_pocketed_and_it_asks_for_more() -> None:
    state, results = _play(
        analysis("o", offer("price_change", 8), offer("payment_days", 45)),
        analysis("fine, 6", offer("price_change", 6)),
    )
    move = results[-1].move
    assert move.kind == MoveKind.pocket_and_ask
    assert move.pocketed == ["price_change"] and move.asks and "price_change" not in move.asks
    assert not move.moved
    assert state.mistakes.unprompted_concessions == 1
    assert state.trainee_concessions()[-1].unreturned


def test_weak_alternative_is_anchored_against() -> None:
    _, results = _play(
        analysis("our only other option is a smaller client", act(K.disclose_weak_alternative))
    )
    assert results[0].move.kind == MoveKind.anchor_against_alternative


def test_accepting_its_draft_costs_room_but_never_takes_a_said_term_back() -> None:
    """Its draft's defaults (150 days) are worse than the 120 it opened with: a said number stands, and the
    draft costs the trainee through the smaller room it leaves."""
    sc = scenario()
    state, results = _play(analysis("sure, send it", process(K.accept_their_process, ProcessAspect.draft)))
    assert results[0].move.kind == MoveKind.process_trap
    assert results[0].move.tactic == "standard_terms"
    assert state.counterparty_positions["payment_days"] == 120
    assert ProcessAspect.draft in state.mistakes.process_given
    plain, _ = _play(analysis("hi", act(K.small_talk)))
    issue = sc.issue("payment_days")
    assert unlocked_share(state, sc, issue) < unlocked_share(plain, sc, issue)


def test_claiming_the_draft_costs_it_the_trap() -> None:
    state, results = _play(analysis("we'll draft", process(K.propose_own_process, ProcessAspect.draft)))
    assert results[0].move.tactic == "process_conceded"
    assert state.counterparty_positions["payment_days"] == 120


def test_accepts_a_package_within_its_limit_and_closes_on_acceptance() -> None:
    sc = scenario()
    state, results = _play(
        analysis("o", offer("price_change", 0.5), offer("payment_days", 115), offer("volume", 40))
    )
    assert results[0].move.kind == MoveKind.accept and state.status == "agreed"
    state2, results2 = _play(analysis("deal", act(K.accept)))
    assert results2[0].move.kind == MoveKind.close
    assert state2.agreed_terms == {i.id: i.counterparty_opening for i in sc.issues}


def test_decide_is_deterministic_given_the_seed() -> None:
    sc = scenario()
    turns = [
        analysis("who", act(K.question_stakeholders)),
        analysis("if", act(K.conditional_trade), offer("price_change", 8)),
    ]
    a, _ = _play(*turns, seed=7)
    b, _ = _play(*turns, seed=7)
    assert a == b
    eng = _engine(3)
    state, _ = eng.open()
    after = eng.step_analysis(state, turns[0]).state
    assert decide(after, sc) == decide(after, sc)


def test_randomness_is_bounded() -> None:
    trade = analysis("if", act(K.conditional_trade), offer("price_change", 8))
    values = {_play(trade, seed=s)[0].counterparty_positions["price_change"] for s in range(20)}
    assert max(values) - min(values) <= 1.0  # a couple of steps, never a different strategy


def test_walk_away_ends_the_session() -> None:
    state, results = _play(analysis("we're done", act(K.walk_away)))
    assert state.status == "walked_away" and results[0].move.kind == MoveKind.farewell


def test_it_never_moves_past_the_trainees_own_ask() -> None:
    """Once it already gives what the trainee asked on an issue, a reciprocal step leaves that issue alone."""
    from trainer.engine.terms import better_for_trainee
    from trainer.engine.turn import Engine
    from trainer.scenarios.loading import load_library

    carmaker = load_library().scenarios["carmaker-renewal"]
    eng = Engine(carmaker, seed=7)
    state, _ = eng.open()
    for text in ("Who else on your side has to be comfortable with phase two?",
                 "What is driving the price target this year?",
                 "If you commit to a three year term, we can move to a 2% price-down.",
                 "I propose 2% price-down and 60 days payment, based on the market rate for this part."):
        state = eng.step(state, text).state
        for issue in carmaker.issues:
            ask = state.trainee_positions.get(issue.id)
            if ask is not None:
                assert not better_for_trainee(issue, state.counterparty_positions[issue.id], ask), issue.id

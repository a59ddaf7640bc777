"""The engine: pure, deterministic, robust to bad input."""

from __future__ import annotations

from counterparty_fixtures import act, analysis, scenario

from trainer.domain.acts import ActKind
from trainer.engine.policy import MoveKind
from trainer.engine.turn import MAX_CHARS, Engine


def _engine(**kw) -> Engine:
    return Engine(scenario(), seed=1, **kw)


def test_open_returns_state_and_move() -> None:
    state, move = _engine(analyser=lambda t, s, p: analysis(t)).open()
    assert move.kind == MoveKind.open and state.traps_proposed == ["our_draft"]
    assert state.released_values["price_change"] == [0]


def test_bad_input_gets_a_clear_answer() -> None:
    eng = _engine(analyser=lambda t, s, p: analysis(t))
    state, _ = eng.open()
    for text, note in (("", "empty"), ("   \n\t", "empty"), ("x" * (MAX_CHARS + 1), "too_long")):
        r = eng.step(state, text)
        assert r.move.kind == MoveKind.clarify and r.move.note == note
        assert r.state.counterparty_positions == state.counterparty_positions
        assert len(r.analysis.text) <= MAX_CHARS


def test_analyser_failure_does_not_crash() -> None:
    def broken(text, scenario, previous):
        raise RuntimeError("boom")

    eng = _engine(analyser=broken)
    state, _ = eng.open()
    r = eng.step(state, "hello")
    assert r.analysis.acts == [] and r.move.kind in (MoveKind.hold, MoveKind.process_trap)


def test_odd_text_with_the_real_analyser() -> None:
    eng = _engine()
    state, _ = eng.open()
    for text in (
        "Können wir über den Preis sprechen? 🤝",
        "| issue | value |\n|---|---|\n| price | 8% |",
        "🙂🙂🙂",
        "価格について話しましょう",
        "'; DROP TABLE deals; --",
    ):
        r = eng.step(state, text)
        state = r.state
        assert r.move.kind in set(MoveKind)


def test_step_is_pure_and_deterministic() -> None:
    eng = _engine(analyser=lambda t, s, p: analysis(t, act(ActKind.conditional_trade)))
    state, _ = eng.open()
    before = state.model_copy(deep=True)
    a = eng.step(state, "if you move, we move")
    b = eng.step(state, "if you move, we move")
    assert state == before
    assert a == b and a.state.turn == 1


def test_closed_session_stays_closed() -> None:
    eng = _engine(analyser=lambda t, s, p: analysis(t, act(ActKind.accept)))
    state, _ = eng.open()
    state = eng.step(state, "deal").state
    again = eng.step(state, "actually, more please")
    assert again.state.status == "agreed" and again.move.kind == MoveKind.close


def test_a_partial_offer_within_its_limits_is_not_a_whole_deal() -> None:
    """Naming one issue ("2% on the price-down") must not close the deal on issues the trainee never named."""
    from trainer.scenarios.loading import load_library

    carmaker = load_library().scenarios["carmaker-renewal"]
    eng = Engine(carmaker, seed=7)
    state, _ = eng.open()
    for text in ("Who else on your side has to be comfortable with phase two?",
                 "If you commit to a three year term, we can move to a 2% price-down."):
        result = eng.step(state, text)
        state = result.state
    assert result.move.kind not in (MoveKind.accept, MoveKind.close)
    assert state.status.value != "agreed"

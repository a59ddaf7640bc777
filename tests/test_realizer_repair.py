"""The LLM voice's repair of a line cut off in mid-phrase: never 'your move on recall liability cap to. To be precise'.

Streamed text cannot be unsaid, so the guard never shows a prefix that ends on a function word, a model that stops
on one has that tail dropped, and the repair after a cut-off line follows a trailing '…', not a full stop.
"""

from __future__ import annotations

import re

from test_realizer import _count, _fake

from trainer.domain.deal import DealState
from trainer.engine.policy import Move, MoveKind
from trainer.engine.turn import Engine
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.voice.guardrails import missing_numbers
from trainer.voice.realizer import DANGLING, LLMRealizer, _Guard

TRAINEE = "We can live with a 20 million cap on recall liability if the unit price moves."
CUT_ON_A_WORD = re.compile(rf"\b(?:{'|'.join(DANGLING)})\s*[.!?…]", re.I)


def _pocketed_cap() -> tuple[Scenario, DealState, Move]:
    """Carmaker renewal: it takes the trainee's move on the liability cap and presses on unit price."""
    sc = load_library().scenarios["carmaker-renewal"]
    state, _ = Engine(sc, seed=0).open()
    state = state.model_copy(update={"turn": 2, "trainee_positions": {"liability_cap": 20.0}})
    move = Move(
        kind=MoveKind.pocket_and_ask,
        releases={**state.counterparty_positions, "liability_cap": 20.0},
        pocketed=["liability_cap"],
        asks=["unit_price"],
        mentions=["unit_price"],
        tactic="pocket",
    )
    return sc, state, move


def _voice(*replies: str) -> tuple[LLMRealizer, list[str], str]:
    """Stream the pocket move through the LLM voice; the chunks as shown, and the whole line."""
    sc, state, move = _pocketed_cap()
    voice = LLMRealizer(_fake(*replies), counter=_count)
    chunks = list(voice.stream(move, state, sc, [("trainee", TRAINEE)]))
    return voice, chunks, "".join(chunks)


def test_a_line_stopped_by_the_guard_after_to_trails_off_before_the_repair() -> None:
    # 12 is its hidden reservation on the cap: the guard stops the line there, right after '...cap to'.
    voice, chunks, text = _voice("Good, I will take your move on recall liability cap to EUR 12 million, thanks.")
    assert voice.last_meta["truncated"] and voice.last_meta["repaired"]
    assert "12" not in text and not CUT_ON_A_WORD.search(text), text
    assert "cap to" not in text and "cap… To be precise: unit price at EUR 178 per unit." in text, text
    assert voice.last_meta["final_problems"] == []


def test_a_model_that_stops_on_to_has_the_dangling_word_dropped() -> None:
    voice, _, text = _voice("Good, I will take your move on recall liability cap to")
    assert not voice.last_meta["truncated"] and not voice.last_meta["fallback"]
    assert not CUT_ON_A_WORD.search(text) and "To be precise" in text, text
    assert text.startswith("Good, I will take your move on recall liability") and "… To be precise" in text
    assert not missing_numbers(text, _pocketed_cap()[2])


def test_no_shown_prefix_ever_ends_on_a_function_word() -> None:
    _, chunks, _ = _voice("Good, I will take your move on the cap, and on the unit price we need to talk again.")
    shown = ""
    for chunk in chunks:
        shown += chunk
        assert shown.split()[-1].lower() not in DANGLING, shown


def test_a_whole_line_without_a_full_stop_still_ends_with_one() -> None:
    # Not cut off (its last word is no function word): a full stop, not a trailing '…'.
    voice, _, text = _voice("Good, I will take your move on the cap, and we need EUR 178 per unit on price")
    assert text.endswith("on price.") and not voice.last_meta["repaired"], text


def test_the_unshown_tail_goes_back_to_its_last_clause_boundary() -> None:
    # A reply that arrives whole while nothing is shown yet: the part after the last comma was cut off.
    guard = _Guard(set(range(200)), "Marta Lindqvist")
    guard.raw = "Fine, we take the cap at 20, and on unit price we need a move from"
    assert guard.finish() == "Fine, we take the cap at 20" and guard.cut_short

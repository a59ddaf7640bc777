"""Voice: templates for every move, and the LLM voice's guardrails, fallback, prompt hygiene and context budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chat_fakes import FakeChat
from counterparty_fixtures import HIDDEN_NUMBERS, act, analysis, offer, scenario
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from pydantic import Field

from trainer.domain.acts import ActKind
from trainer.domain.numbers import numbers_in
from trainer.engine.policy import Move, MoveKind
from trainer.engine.turn import Engine
from trainer.voice.guardrails import missing_numbers
from trainer.voice.movecard import build_messages
from trainer.voice.realizer import LLMRealizer, TemplateRealizer

K = ActKind


class Recording(FakeChat):
    """A fake chat model that remembers every prompt it was given."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs: Any) -> Iterator:
        self.seen.append(list(messages))
        yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)


class Broken(FakeChat):
    """A chat model that fails mid-turn."""

    def _stream(self, messages, stop=None, run_manager=None, **kwargs: Any) -> Iterator:
        raise ConnectionError("server went away")
        yield  # pragma: no cover


def _fake(*replies: str) -> Recording:
    return Recording(messages=iter([AIMessage(r) for r in replies]))


def _count(text: str) -> int:
    return max(1, len(text) // 4)


def _opened():
    sc = scenario()
    eng = Engine(sc, seed=2, analyser=lambda t, s, p: analysis(t))
    state, move = eng.open()
    return sc, eng, state, move


def _moves_of_every_kind():
    sc, eng, state, move = _opened()
    yield state, move
    scripts = [
        [analysis("", act(K.small_talk))],
        [analysis("who", act(K.question_stakeholders))],
        [analysis("o", offer("price_change", 8))],
        [analysis("if", act(K.conditional_trade), offer("price_change", 8))],
        [analysis("rush", act(K.disclose_urgency))],
        [analysis("weak", act(K.disclose_weak_alternative))],
        [analysis("o", offer("price_change", 8)), analysis("g", offer("price_change", 6))],
        [analysis("ok", act(K.accept_their_process))],
        [analysis("deal", act(K.accept))],
        [analysis("o", offer("price_change", 0), offer("payment_days", 120), offer("volume", 40))],
        [analysis("bye", act(K.walk_away))],
    ]
    for script in scripts:
        s = state
        for a in script:
            r = eng.step_analysis(s, a)
            s = r.state
        yield s, r.move
    r = eng.step(state, "")
    yield r.state, r.move


def test_template_voices_every_move_with_its_numbers() -> None:
    sc = scenario()
    kinds = set()
    for state, move in _moves_of_every_kind():
        text = "".join(TemplateRealizer().stream(move, state, sc, []))
        kinds.add(move.kind)
        assert text.strip(), move.kind
        assert not missing_numbers(text, move), (move.kind, text)
        assert not any(abs(n - h) < 1e-9 for n in numbers_in(text) for h in HIDDEN_NUMBERS), text
        for line in move.reveal_lines:
            assert line in text
    assert len(kinds) >= 11


def test_template_is_deterministic() -> None:
    sc, _, state, move = _opened()
    assert TemplateRealizer().text(move, state, sc) == TemplateRealizer().text(move, state, sc)


def test_llm_prompt_never_contains_hidden_values() -> None:
    sc = scenario()
    model = _fake(*["We are at 0% and that stands."] * 40)
    voice = LLMRealizer(model, counter=_count)
    for state, move in _moves_of_every_kind():
        list(voice.stream(move, state, sc, [("trainee", "hello")]))
    assert model.seen
    secrets = [
        sc.counterparty.situational_needs[0].description,
        sc.counterparty.alternatives[0].weakness,
        sc.counterparty.stakeholders[0].concern,
    ]
    for messages in model.seen:
        prompt = "\n".join(str(m.content) for m in messages)
        assert not any(abs(n - h) < 1e-9 for n in numbers_in(prompt) for h in HIDDEN_NUMBERS), prompt
        assert not any(s in prompt for s in secrets)


def test_good_reply_streams_in_pieces() -> None:
    sc, _, state, move = _opened()
    reply = (
        "Thanks for coming in, I will be brief. We start at 0% on price, 120 days, and 40% volume. We draft."
    )
    voice = LLMRealizer(_fake(reply), counter=_count)
    chunks = list(voice.stream(move, state, sc, []))
    assert len(chunks) > 1 and "".join(chunks) == reply
    assert voice.last_meta["realizer"] == "llm" and not voice.last_meta["fallback"]
    assert voice.last_meta["final_problems"] == []


def test_a_model_that_cannot_stream_answers_in_one_piece_through_the_guard() -> None:
    class Whole(FakeChat):
        streams = False

        def _stream(self, *args: Any, **kwargs: Any) -> Iterator:
            raise AssertionError("a model that cannot stream is never asked to")

    sc, _, state, move = _opened()
    reply = "Thanks for coming in. We start at 0% on price, 120 days, and 40% volume. We draft."
    voice = LLMRealizer(Whole(messages=iter([AIMessage(reply)])), counter=_count)
    assert "".join(voice.stream(move, state, sc, [])) == reply
    assert voice.last_meta["realizer"] == "llm" and voice.last_meta["final_problems"] == []


def test_first_words_stream_before_the_first_clause_ends() -> None:
    sc, _, state, move = _opened()
    reply = "Thanks for coming in today and for being so prompt about it. We start at 0%, 120 days, 40%."
    voice = LLMRealizer(_fake(reply), counter=_count)
    chunks = list(voice.stream(move, state, sc, []))
    assert "".join(chunks) == reply
    assert chunks[0].split() == ["Thanks"]  # shown once the next word rules out a label or narration


def test_a_line_cut_off_after_a_word_or_two_continues_with_the_template() -> None:
    sc, _, state, move = _opened()
    voice = LLMRealizer(_fake("Look, honestly, as an AI I cannot say."), counter=_count)
    text = "".join(voice.stream(move, state, sc, []))
    assert "AI" not in text and text.endswith(TemplateRealizer().text(move, state, sc))
    assert voice.last_meta["repaired"] and voice.last_meta["final_problems"] == []


def test_earlier_cards_stay_in_the_prompt_so_the_prefix_is_reused() -> None:
    sc, eng, state, _ = _opened()
    model = _fake("We start at 0%, 120 days and 40%, as always.", "We hold at 0% on price, as I said.")
    voice = LLMRealizer(model, counter=_count)
    history = [("trainee", "Good morning, what do you have in mind?")]
    r = eng.step_analysis(state, analysis(history[0][1], act(K.small_talk)))
    history.append(("counterparty", "".join(voice.stream(r.move, r.state, sc, history))))
    history.append(("trainee", "Could you say more about the price?"))
    r2 = eng.step_analysis(r.state, analysis(history[2][1], act(K.small_talk)))
    "".join(voice.stream(r2.move, r2.state, sc, history))
    first, second = model.seen
    assert second[: len(first)] == first  # the whole first prompt, card included, is a prefix of the second
    assert isinstance(second[-1], SystemMessage) and second[-1] != first[-1]


def test_narration_retries_then_falls_back_to_templates() -> None:
    sc, _, state, move = _opened()
    voice = LLMRealizer(_fake("*Dana leans back* She smiles.", "Dana says: no."), counter=_count)
    text = "".join(voice.stream(move, state, sc, []))
    assert voice.last_meta["fallback"] and voice.last_meta["realizer"] == "template"
    assert voice.last_meta["attempts"] == 2
    assert text == TemplateRealizer().text(move, state, sc)


def test_unreleased_number_never_reaches_the_trainee() -> None:
    sc, _, state, move = _opened()
    voice = LLMRealizer(
        _fake("Between us, we could go to 6.5% in the end.", "Fine: 6.5% it is."), counter=_count
    )
    text = "".join(voice.stream(move, state, sc, []))
    assert "6.5" not in text and "unreleased_number" in voice.last_meta["problems"]
    assert not missing_numbers(text, move) and voice.last_meta["final_problems"] == []
    late = "We start at 0% on price, 120 days and 40% volume, but between us we could go to 6.5% in the end."
    voice = LLMRealizer(_fake(late), counter=_count)
    text = "".join(voice.stream(move, state, sc, []))
    assert "6.5" not in text and voice.last_meta["truncated"] and not voice.last_meta["fallback"]


def test_retry_succeeds_on_second_attempt() -> None:
    sc, _, state, move = _opened()
    good = "We start at 0%, 120 days and 40%, and we will send our draft."
    voice = LLMRealizer(_fake("1. Price: 0%\n2. Days: 120", good), counter=_count)
    assert "".join(voice.stream(move, state, sc, [])) == good
    assert voice.last_meta["attempts"] == 2 and not voice.last_meta["fallback"]


def test_missing_numbers_are_added_back() -> None:
    sc, _, state, move = _opened()
    voice = LLMRealizer(_fake("We start where we always start, and we send the draft."), counter=_count)
    text = "".join(voice.stream(move, state, sc, []))
    assert voice.last_meta["repaired"] and not missing_numbers(text, move)


def test_echo_of_the_trainee_is_rejected() -> None:
    sc, eng, state, _ = _opened()
    said = "Before anything else we will prepare the first draft ourselves"
    r = eng.step_analysis(state, analysis(said, act(K.small_talk)))
    voice = LLMRealizer(_fake(said + ".", said + "."), counter=_count)
    text = "".join(voice.stream(r.move, r.state, sc, [("trainee", said)]))
    assert voice.last_meta["fallback"] and "echo" in voice.last_meta["problems"]
    assert text == TemplateRealizer().text(r.move, r.state, sc)  # not one word of the echo reached the trainee


def test_llm_failure_mid_turn_falls_back_and_says_so() -> None:
    sc, _, state, move = _opened()
    voice = LLMRealizer(Broken(messages=iter([])), counter=_count)
    text = "".join(voice.stream(move, state, sc, []))
    assert text and voice.last_meta["fallback"]
    assert any(p.startswith("error:") for p in voice.last_meta["problems"])


def test_prefix_is_stable_and_a_60_turn_session_fits_the_context() -> None:
    sc, eng, state, move = _opened()
    history: list[tuple[str, str]] = []
    previous: list[BaseMessage] | None = None
    stable = 0
    for n in range(60):
        history.append(
            ("trainee", f"Turn {n}: let us talk about the price change and the payment terms again.")
        )
        r = eng.step_analysis(state, analysis(history[-1][1], act(K.small_talk)))
        state = r.state
        messages, dropped = build_messages(r.move, state, sc, history, budget=700, count=_count)
        assert isinstance(messages[0], SystemMessage) and "You are Dana Brook" in messages[0].content
        assert (
            isinstance(messages[-1], SystemMessage)
            and "Say, in your own words" in messages[-1].content
        )
        assert sum(_count(str(m.content)) + 4 for m in messages) <= 700
        if previous is not None and messages[: len(previous) - 1] == previous[:-1]:
            stable += 1
        previous = messages
        history.append(
            ("counterparty", "We stay where we are on price and on payment terms, as I said before.")
        )
    assert dropped > 0
    assert stable >= 40  # trimming happens in blocks, so most turns reuse the cached prefix


def test_realizer_runs_a_long_session_end_to_end() -> None:
    sc, eng, state, move = _opened()
    voice = LLMRealizer(
        _fake(*["We hold at 0% for now, and I will not move today."] * 70),
        n_ctx=1024,
        reply_tokens=128,
        counter=_count,
    )
    history: list[tuple[str, str]] = []
    for n in range(60):
        history.append(("trainee", f"Message {n} about the price change."))
        r = eng.step_analysis(state, analysis(history[-1][1], act(K.small_talk)))
        state = r.state
        text = "".join(voice.stream(r.move, state, sc, history))
        history.append(("counterparty", text))
        assert text
    assert voice.last_meta["dropped_messages"] > 0


def test_move_without_numbers_says_none() -> None:
    sc, _, state, _ = _opened()
    move = Move(kind=MoveKind.clarify, note="empty")
    messages, _ = build_messages(move, state, sc, [], 3000, _count)
    assert "Say no numbers." in messages[-1].content


@pytest.mark.slow
def test_embedded_model_voices_a_move_within_the_guardrails() -> None:
    from trainer.config import Settings
    from trainer.llm.chat import LLMUnavailable, get_chat_model
    from trainer.scenarios.loading import load_library

    try:
        model = get_chat_model(Settings(llm_backend="local"))
    except LLMUnavailable as exc:
        pytest.skip(str(exc))
    sc = load_library().scenarios["carmaker-renewal"]
    eng = Engine(sc, seed=0)
    state, _ = eng.open()
    history = [
        ("counterparty", sc.counterparty.opening_line),
        ("trainee", "Who else at Aurelia has a stake in this renewal?"),
    ]
    step = eng.step(state, history[-1][1])
    voice = LLMRealizer(model)
    text = "".join(voice.stream(step.move, step.state, sc, history))
    assert text and not voice.last_meta.get("final_problems")
    assert "205" not in text  # its hidden reservation on unit price


def test_endpoint_down_before_any_text_is_raised_for_the_caller_to_retry() -> None:
    from trainer.llm.chat import LLMUnavailable

    class Down(FakeChat):
        def _stream(self, messages, stop=None, run_manager=None, **kwargs: Any) -> Iterator:
            raise LLMUnavailable("Cannot reach the LLM endpoint at http://127.0.0.1:9/v1.")
            yield  # pragma: no cover

    sc, _, state, move = _opened()
    voice = LLMRealizer(Down(messages=iter([])), counter=_count)
    with pytest.raises(LLMUnavailable):
        "".join(voice.stream(move, state, sc, []))


def test_an_earned_reveal_the_model_left_out_is_added_back() -> None:
    sc, _, state, move = _opened()
    reveal = "Our plant director, Ines Moreau, worries most about changeover risk next spring."
    move = move.model_copy(update={"reveal_lines": [reveal]})
    voice = LLMRealizer(_fake("We start at 0% on price, 120 days and 40% volume, as always."), counter=_count)
    text = "".join(voice.stream(move, state, sc, []))
    assert reveal in text and voice.last_meta["repaired"]
    assert voice.last_meta["final_problems"] == []


def test_a_paraphrased_reveal_is_kept_as_the_model_said_it() -> None:
    sc, _, state, move = _opened()
    reveal = "Our plant director, Ines Moreau, worries most about changeover risk next spring."
    move = move.model_copy(update={"reveal_lines": [reveal]})
    said = "Honestly, Ines Moreau in the plant worries about changeover risk. We start at 0%, 120 days and 40%."
    voice = LLMRealizer(_fake(said), counter=_count)
    assert "".join(voice.stream(move, state, sc, [])) == said

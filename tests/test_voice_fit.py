"""The model's voice passes the same fit checks as the template voice, through the streaming guard: a line that
opens 'Good.' on a refusal, claims a move on a hold, says 'no rush' for a side that wanted speed, or re-asks a
fact the trainee gave is retried, then replaced by the template line; it never reaches the trainee."""

from __future__ import annotations

import pytest
from chat_fakes import FakeChat
from langchain_core.messages import AIMessage

from trainer.app.session import run_script
from trainer.scenarios.loading import load_library
from trainer.voice.guardrails import voice_problems
from trainer.voice.realizer import LLMRealizer, TemplateRealizer

LIBRARY = load_library().scenarios


def _fake(*replies: str) -> FakeChat:
    return FakeChat(messages=iter([AIMessage(r) for r in replies]))


def _count(text: str) -> int:
    return max(1, len(text) // 4)


def _answer(scenario_id: str, lines: list[str]):
    """The engine's answer to the last of `lines`, and the dialogue before it."""
    session = run_script(LIBRARY[scenario_id], lines[:-1], TemplateRealizer(), 1)
    step = session.engine.step(session.state, lines[-1], session.history[-1][1])
    return step, [*session.history, ("trainee", lines[-1])]


CASES = [  # (scenario, trainee lines, a misfit the small model could say, the check that must catch it)
    ("retail-supplier", ["No, that does not work for us."], "Good. We stay at a 0% cost increase.", "ack_mismatch"),
    ("retail-supplier", ["No, that does not work for us."],
     "I'm glad we're on the same page: our terms stand.", "ack_mismatch"),
    ("carmaker-renewal", ["To be honest, we need this signed by the end of the month."],
     "There is no rush on our side, take your time.", "stance_contradiction"),
    ("candidate-salary", ["We need this signed by the end of the month.", "That doesn't work for us.",
                          "That still doesn't work for us."],
     "We're staying where we are. When do you actually need this wrapped up?", "asked_known:timeline"),
]


@pytest.mark.parametrize(("scenario_id", "lines", "misfit", "problem"), CASES)
def test_a_misfit_model_line_is_retried_then_replaced(scenario_id, lines, misfit, problem) -> None:
    step, history = _answer(scenario_id, lines)
    assert problem in voice_problems(misfit, step.move, step.state)  # the check itself sees it
    voice = LLMRealizer(_fake(misfit, misfit), counter=_count)
    text = "".join(voice.stream(step.move, step.state, LIBRARY[scenario_id], history))
    assert problem in voice.last_meta["problems"]
    assert misfit not in text and not voice_problems(text, step.move, step.state), text
    if voice.last_meta["fallback"]:  # caught before a word was out: the template line answers
        assert text == TemplateRealizer().text(step.move, step.state, LIBRARY[scenario_id])
    else:  # caught mid-line: the words before the misfit, then the template's line
        assert voice.last_meta["truncated"] and text.startswith(misfit.split()[0]), text


def test_a_hold_voiced_as_a_move_is_caught() -> None:
    step, history = _answer("carmaker-renewal", ["That doesn't work for us."])
    assert not step.move.moved
    misfit = "We're ready to move. Unit price at EUR 178 per unit."
    voice = LLMRealizer(_fake(misfit, misfit), counter=_count)
    text = "".join(voice.stream(step.move, step.state, LIBRARY["carmaker-renewal"], history))
    assert "ready to move" not in text and "hold_as_move" in voice.last_meta["problems"]


@pytest.mark.slow
def test_the_embedded_model_voices_misfit_prone_moves_within_the_checks() -> None:
    """The real embedded model on the turns where the misfits were seen: whatever it says reaches the trainee only
    if it passes every check (else the template answers), so the final line never has a fit problem."""
    from trainer.config import Settings
    from trainer.llm.chat import LLMUnavailable, get_chat_model

    try:
        model = get_chat_model(Settings(llm_backend="local"))
    except LLMUnavailable as exc:
        pytest.skip(str(exc))
    voice = LLMRealizer(model)
    for scenario_id, lines, _, _ in CASES:
        step, history = _answer(scenario_id, lines)
        text = "".join(voice.stream(step.move, step.state, LIBRARY[scenario_id], history))
        assert text
        assert not voice_problems(text, step.move, step.state), (scenario_id, text)
        assert not voice.last_meta.get("final_problems"), (scenario_id, text, voice.last_meta)


def test_a_welcome_for_a_settled_term_is_no_misfit_but_one_for_a_refusal_is() -> None:
    """'Good, that's settled' fits a trainee who took its term; the same opening on a refusal does not."""
    session = run_script(LIBRARY["candidate-salary"], ["Who else on your side has a say in this hire?"],
                         TemplateRealizer(), 1)
    said = session.state.counterparty_positions["base_salary"]
    step = session.engine.step(session.state, f"Base salary at EUR {said:,.0f} works for us.",
                               session.history[-1][1])
    assert step.move.tactic == "settled"
    assert "ack_mismatch" not in voice_problems("Good, that's settled then.", step.move, step.state)
    refusal, _ = _answer("retail-supplier", ["No, that does not work for us."])
    assert "ack_mismatch" in voice_problems("Good, that's settled then.", refusal.move, refusal.state)

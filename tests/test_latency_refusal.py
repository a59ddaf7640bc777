"""Issue 16, defect 8: `trainer eval counterparty --latency` measures the configured model or refuses to run; it
never times the template voice (0.001 s) and calls that the model's latency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from chat_fakes import FakeChat
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from trainer.cli import app
from trainer.commands.play import model_voice
from trainer.config import Settings
from trainer.llm.chat import LLMUnavailable
from trainer.measure.counterparty import NoModelVoice, run_all, run_latency
from trainer.scenarios.loading import load_library
from trainer.voice.realizer import LLMRealizer, TemplateRealizer

LINE = "Thanks, we hear you and we hold our position for now."


@pytest.mark.parametrize("args", [["--latency"], ["--voice-turns", "3"], ["--realizer", "llm"]])
def test_model_measurements_refuse_without_a_model(args: list[str], tmp_settings: Settings) -> None:
    result = CliRunner().invoke(app, ["eval", "counterparty", *args])
    assert result.exit_code == 2, result.output
    assert "measures the model's voice" in result.output and "LEVERAGE_LLM_BACKEND is 'template'" in result.output
    assert "Traceback" not in result.output and "latency (10 turns)" not in result.output


def test_latency_refuses_when_the_model_cannot_be_built(llm_backend: Callable[[Any], None]) -> None:
    llm_backend(LLMUnavailable("The model file is missing: run `trainer prepare-model`."))
    result = CliRunner().invoke(app, ["eval", "counterparty", "--latency"])
    assert result.exit_code == 2 and "prepare-model" in result.output


def test_latency_times_the_configured_model_whatever_the_realizer_option(
    llm_backend: Callable[[Any], None],
) -> None:
    """--realizer defaults to template; --latency still gets the model's voice."""
    llm_backend(FakeChat(messages=iter([AIMessage(LINE)] * 40)))
    voice = model_voice("--latency")
    assert isinstance(voice, LLMRealizer)
    report = run_latency(load_library().scenarios["carmaker-renewal"], voice)
    assert len(report["turns"]) == 10 and report["fallbacks"] == 0
    assert all(turn["ttft_model"] is not None for turn in report["turns"])  # the model's own first token, timed


def test_the_measurement_functions_refuse_the_template_voice() -> None:
    scenario = load_library().scenarios["carmaker-renewal"]
    with pytest.raises(NoModelVoice):
        run_latency(scenario, TemplateRealizer())
    for kwargs in ({"latency": True}, {"voice_turns": 2}, {"realizer": "llm"}):
        with pytest.raises(NoModelVoice):
            run_all(llm_voice=TemplateRealizer(), scenarios={scenario.id: scenario}, **kwargs)
        with pytest.raises(NoModelVoice):
            run_all(llm_voice=None, scenarios={scenario.id: scenario}, **kwargs)

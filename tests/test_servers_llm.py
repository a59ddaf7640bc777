"""The OpenAI-compatible backend against a real llama.cpp server (`python -m llama_cpp.server`), not mocked HTTP.

Through LEVERAGE_LLM_BACKEND=openai: a full scripted session streamed by the LLM voice (`trainer play --json`),
the LLM judge (`trainer evaluate --llm`) and the coach, `trainer doctor`, and the outage path of the practice
service: the server stops mid-session, the turn stays pending with the endpoint's URL in the error, the server
comes back, and Retry answers it with the deal moved exactly once.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import (
    DEFAULT_ALIAS,
    SERVER_MARKS,
    LlamaServer,
    ScriptServer,
    app_env,
    cli_json,
    free_port,
    http_ok,
    run_cli,
)

pytest_plugins = ["server_fixtures"]
pytestmark = SERVER_MARKS

SCENARIO = "carmaker-renewal"
SCRIPT = """Before we get into numbers: we will prepare the first draft.
Who else on your side has a stake in this renewal?
We propose a unit price of 210 euros per unit and payment in 45 days.
If you can agree 205 euros per unit, we can accept a 1% annual price-down.
We accept.
"""
TRANSCRIPT = Path(__file__).resolve().parents[1] / "evals" / "gold" / "dev" / "001_carmaker_housing_renewal.json"
# Short replies keep the suite quick on 2 cores; the path under test is the transport, not the prose or the speed.
# The deadlines are raised from the openai defaults (10 s to the first token, 30 s in all) because a CPU model
# server on a busy 2-core machine can take longer for the coach's and the judge's long prompts; the deadlines
# themselves are tested elsewhere against a server that never answers.
FAST = {"LEVERAGE_MAX_TOKENS": "120", "LEVERAGE_TEMPERATURE": "0",
        "LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT": "300", "LEVERAGE_LLM_TIMEOUT": "300"}


@pytest.fixture
def llm_env(llama_server: LlamaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Settings for this process and for `trainer` subprocesses: the openai backend on the real server."""
    return _apply(app_env(tmp_path, **llama_server.env(), **FAST), monkeypatch)


@pytest.fixture(autouse=True)
def _idle_server_after(llama_server: LlamaServer) -> Iterator[None]:
    """Wait, after each test, until the shared server has finished every request it was sent.

    llama.cpp keeps generating for a client that gave up at its deadline, so one slow test would otherwise leave
    work queued that makes the next test time out. /v1/models is answered only once the requests before it are
    done.
    """
    yield
    http_ok(f"{llama_server.url}/models", timeout=600)


def _apply(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Make this process see exactly env's LEVERAGE_* settings (in-process calls read them through get_settings)."""
    for name in [n for n in os.environ if n.startswith(("LEVERAGE_", "OPENAI_"))]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        if name.startswith("LEVERAGE_"):
            monkeypatch.setenv(name, value)
    return env


def test_scripted_session_streams_through_the_server(llm_env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    started = time.monotonic()
    done = run_cli(["play", SCENARIO, "--script", str(script), "--json", "--realizer", "llm"], llm_env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "using the template voice" not in done.stderr  # the LLM voice was available, no silent fallback
    doc = json.loads(done.stdout)
    voices = [t["move"]["voice"] for t in doc["turns"] if t["speaker"] == "counterparty"]
    assert doc["status"] == "agreed" and len(voices) == 6  # the opening plus one reply per scripted line
    spoken = [v for v in voices if v["realizer"] == "llm"]
    # Every reply went to the server; a small model's line may still fail the guardrails and be voiced by the
    # template (fallback), but most lines must be the model's own, streamed (time to first text recorded).
    assert all(v["attempts"] >= 1 for v in voices)
    assert not [p for v in voices for p in v["problems"] if p.startswith("error:")], voices
    assert len(spoken) >= 4, voices
    assert all(v["ttft"] is not None and v["ttft"] <= v["seconds"] for v in spoken)
    print(f"scripted session over the server: {time.monotonic() - started:.1f} s, "
          f"{len(spoken)}/{len(voices)} lines from the model")


def test_streaming_yields_text_in_pieces(llm_env: dict[str, str]) -> None:
    from langchain_core.messages import HumanMessage

    from trainer.config import get_settings
    from trainer.llm.chat import get_chat_model

    model = get_chat_model(get_settings())
    chunks = [c.content for c in model.stream([HumanMessage("Count from one to ten in words.")], max_tokens=40)]
    assert len([c for c in chunks if c]) > 3, chunks  # server-sent events, not one buffered answer
    assert "".join(chunks).strip()


def test_llm_judge_returns_schema_json_through_the_server(llm_env: dict[str, str]) -> None:
    from trainer.config import get_settings
    from trainer.domain.mistakes import MISTAKE_TITLES
    from trainer.domain.transcripts import parse_transcript, read_source
    from trainer.evaluation.judge import LLMJudge
    from trainer.llm.chat import get_chat_model

    turns = parse_transcript(read_source(str(TRANSCRIPT), None), None)
    verdicts = LLMJudge(get_chat_model(get_settings())).verdicts(turns)
    # response_format with a JSON schema reaches llama.cpp's grammar: one valid verdict for every mistake.
    assert set(verdicts) == set(MISTAKE_TITLES), verdicts


def test_evaluate_with_the_llm_judge_cli(llm_env: dict[str, str]) -> None:
    env = dict(llm_env, LEVERAGE_JUDGE_COMBINE="power_vs_leverage=confirm,weak_alternative=union")
    report = cli_json(["evaluate", str(TRANSCRIPT), "--llm", "--json"], env)
    assert {m["id"] for m in report["mistakes"]} >= {"power_vs_leverage", "weak_alternative"}
    assert 0 <= report["overall_score"] <= 100


def test_evaluate_llm_names_the_url_when_the_server_is_gone(llm_env: dict[str, str]) -> None:
    env = dict(llm_env, LEVERAGE_JUDGE_COMBINE="power_vs_leverage=confirm",
               LEVERAGE_LLM_BASE_URL=f"http://127.0.0.1:{free_port()}/v1")
    done = run_cli(["evaluate", str(TRANSCRIPT), "--llm", "--json"], env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert env["LEVERAGE_LLM_BASE_URL"] in done.stderr


def test_coach_writes_grounded_points_through_the_server(llm_env: dict[str, str]) -> None:
    from trainer.coaching.coach import attach_sources, debrief
    from trainer.config import get_settings
    from trainer.domain.transcripts import parse_transcript, read_source
    from trainer.evaluation.evaluator import evaluate
    from trainer.llm.chat import get_chat_model
    from trainer.scenarios.loading import load_library

    scenario = load_library().scenarios[SCENARIO]
    report = attach_sources(evaluate(parse_transcript(read_source(str(TRANSCRIPT), None), None), scenario))
    detected = [m for m in report.mistakes if m.detected]
    assert detected
    # One finding with one cited note exercises the path: one grounded generation of a few hundred prompt tokens
    # (three full notes make ~1,200, too close to the client's 60 s read timeout on a busy 2-core machine).
    keep = {detected[0].id}
    mistakes = [m.model_copy(update={"sources": m.sources[:1]}) for m in report.mistakes if m.id in keep or not m.detected]
    report = report.model_copy(update={"mistakes": mistakes})
    templated = debrief(report, scenario, model=None)
    coached = debrief(report, scenario, model=get_chat_model(get_settings()), timeout=300)
    assert coached.mode == "grounded", "the model did not answer in time; the coach fell back to its templates"
    assert len(coached.points) == len(templated.points) == len(keep)
    for mine, plain in zip(coached.points, templated.points, strict=True):
        assert mine.why_it_matters.strip() and mine.why_it_matters != plain.why_it_matters
        assert mine.citations  # citations stay grounded in the notes, never invented


def test_doctor_checks_the_endpoint(llm_env: dict[str, str], llama_server: LlamaServer) -> None:
    payload = cli_json(["doctor", "--json"], llm_env)
    llm = next(c for c in payload["components"] if c["name"] == "llm")
    assert payload["ok"] and llm["ok"], llm
    assert llm["details"]["backend"] == "openai" and llm["details"]["base_url"] == llama_server.url
    assert llm["details"]["generation"]["text"].strip()


def test_doctor_fails_with_a_hint_when_the_endpoint_is_down(llm_env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    done = run_cli(["doctor"], dict(llm_env, LEVERAGE_LLM_BASE_URL=url))
    assert done.returncode == 1, done.stdout
    assert "[FAIL] llm" in done.stdout and url in done.stdout and "fix: check LEVERAGE_LLM_BASE_URL" in done.stdout


def test_outage_keeps_the_turn_pending_and_retry_answers_it(
    own_llama_server: ScriptServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.app import factories
    from trainer.app.practice import Practice, PracticeError
    from trainer.config import get_settings
    from trainer.engine.turn import Engine
    from trainer.scenarios.loading import load_library

    _apply(app_env(tmp_path, **LlamaServer(own_llama_server.url, DEFAULT_ALIAS).env(), **FAST), monkeypatch)
    settings = get_settings()
    store = factories.open_store(settings.db_url)
    me = store.create_trainee("Ada").id
    practice = Practice(store, load_library().scenarios)

    def voice():  # noqa: ANN202 - as the app builds it for each reply
        return factories.realizer(settings, "llm")

    live = practice.start(me, SCENARIO, seed=3)
    practice.send(live, "Before we get into numbers: we will prepare the first draft.")
    first = list(practice.reply(live, voice()))
    assert first and live.pending is None
    assert live.lines[-1].meta["realizer"] == "llm"

    own_llama_server.stop()  # the model server goes away mid-session
    message = "Who else on your side has a stake in this renewal?"
    practice.send(live, message)
    started = time.monotonic()
    with pytest.raises(PracticeError) as failure:
        list(practice.reply(live, voice()))
    failed_in = time.monotonic() - started
    assert own_llama_server.url in str(failure.value) and "Your message is saved" in str(failure.value)
    assert failed_in < 20, f"an unreachable endpoint took {failed_in:.1f} s to report"
    assert live.pending == message
    reopened = Practice(store, load_library().scenarios).resume(me, live.session_id)  # e.g. after a refresh
    assert reopened is not None and reopened.pending == message
    assert [t.speaker for t in store.list_turns(live.session_id)][-1] == "trainee"

    own_llama_server.start()  # the server is back
    retried = list(practice.reply(live, voice()))
    assert retried and live.pending is None and live.lines[-1].meta["realizer"] == "llm"

    turns = store.list_turns(live.session_id)
    assert [t.speaker for t in turns] == ["counterparty", "trainee", "counterparty", "trainee", "counterparty"]
    assert [t.text for t in turns].count(message) == 1
    # The deal moved once per trainee turn: the stored state equals a replay of the engine over the transcript.
    scenario = load_library().scenarios[SCENARIO]
    engine = Engine(scenario, 3)
    state, _ = engine.open()
    for i, turn in enumerate(turns):
        if turn.speaker == "trainee":
            state = engine.step(state, turn.text, turns[i - 1].text).state
    resumed = practice.resume(me, live.session_id)
    assert resumed.state == live.state == state

"""`trainer evaluate`, `trainer eval evaluator` and `trainer bench evaluator`: the command-line contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trainer.cli import app
from trainer.domain.mistakes import MISTAKE_TITLES

runner = CliRunner()
TRANSCRIPT = {
    "meta": "ignored",
    "turns": [
        {"speaker": "counterparty", "text": "Our CFO wants eight percent off. We'll send our standard paper."},
        {"speaker": "trainee", "text": "Sure, your paper is fine. Our board meets on the 14th, so we need to sign by then."},
        {"speaker": "counterparty", "text": "Noted."},
    ],
}
FINDING_KEYS = {"id", "title", "detected", "severity", "score", "evidence", "explanation", "advice", "sources"}


@pytest.fixture(autouse=True)
def _no_knowledge_index(monkeypatch):
    """Keep tests offline and fast: no citations lookup."""
    monkeypatch.setattr("trainer.commands.evaluate._with_sources", lambda report: report)


def write(tmp_path, content: str, name: str = "t.json"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_json_output_shape(tmp_path) -> None:
    result = runner.invoke(app, ["evaluate", write(tmp_path, json.dumps(TRANSCRIPT)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"mistakes", "overall_score", "strengths"}
    assert [m["id"] for m in data["mistakes"]] == list(MISTAKE_TITLES)
    for m in data["mistakes"]:
        assert set(m) == FINDING_KEYS
        assert 0 <= m["severity"] <= 3 and 0 <= m["score"] <= 100
        for ev in m["evidence"]:
            assert set(ev) == {"turn", "quote"} and isinstance(ev["turn"], int)
    by_id = {m["id"]: m for m in data["mistakes"]}
    assert by_id["urgency_signal"]["detected"] and by_id["urgency_signal"]["evidence"][0]["turn"] == 1
    assert by_id["process_concession"]["detected"]
    assert by_id["unified_actor"]["detected"]
    assert isinstance(data["overall_score"], int)


def test_plain_text_report(tmp_path) -> None:
    text = "Dana: Our CFO wants 8% off.\nMe: We don't have other options, honestly.\nDana: I see."
    result = runner.invoke(app, ["evaluate", write(tmp_path, text, "t.txt")])
    assert result.exit_code == 0, result.output
    assert "Overall score" in result.stdout
    assert "Negotiating against a weak alternative: DETECTED" in result.stdout


def test_stdin_and_trainee_name() -> None:
    text = "Dana: Our committee meets monthly.\nSam: Monthly meetings are fine for us.\n"
    result = runner.invoke(app, ["evaluate", "-", "--json", "--trainee", "Sam"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert next(m for m in data["mistakes"] if m["id"] == "process_concession")["detected"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{bad json", "invalid JSON"),
        (json.dumps({"turns": [{"speaker": "counterparty", "text": "hi"}]}), "no trainee turns"),
        (json.dumps({"turns": [{"speaker": "narrator", "text": "hi"}]}), "unknown speaker"),
        (json.dumps({"turns": [{"speaker": "trainee", "text": "x"}] * 501}), "limit is 500"),
        ("me: " + "x" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_invalid_input_exits_2_with_one_line(tmp_path, content: str, needle: str) -> None:
    result = runner.invoke(app, ["evaluate", write(tmp_path, content), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_scenario_exit_2(tmp_path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
    result = runner.invoke(app, ["evaluate", write(tmp_path, json.dumps(TRANSCRIPT)), "--scenario", "no-such-id"])
    assert result.exit_code == 2 and "unknown scenario" in result.stderr


def test_scenario_from_library(tmp_path) -> None:
    from trainer.scenarios.loading import load_library

    lib = load_library()
    if not lib.scenarios:
        pytest.skip("no scenarios in the library")
    sid = lib.ids()[0]
    result = runner.invoke(app, ["evaluate", write(tmp_path, json.dumps(TRANSCRIPT)), "--json", "--scenario", sid])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mistakes"][1]["detected"]


def test_bench_evaluator_json() -> None:
    result = runner.invoke(app, ["bench", "evaluator", "--json", "--runs", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["turns"] == 20 and data["median_ms"] > 0


def test_eval_evaluator_dev_split_prints_metrics() -> None:
    result = runner.invoke(app, ["eval", "evaluator", "--split", "dev"])
    if "no transcripts found" in result.output:
        pytest.skip("no dev gold set")
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout and "TP" in result.stdout


def test_llm_flag_with_the_judge_off_says_so_and_keeps_the_rules(tmp_path, monkeypatch) -> None:
    def no_model(settings):  # the judge is off for every mistake, so no model may be built or called
        raise AssertionError("the model must not be loaded when every mistake stays on the rules")

    monkeypatch.delenv("LEVERAGE_JUDGE_COMBINE", raising=False)
    monkeypatch.setattr("trainer.llm.chat.get_chat_model", no_model)
    path = write(tmp_path, json.dumps(TRANSCRIPT))
    with_flag = runner.invoke(app, ["evaluate", path, "--json", "--llm"])
    plain = runner.invoke(app, ["evaluate", path, "--json"])
    assert with_flag.exit_code == 0, with_flag.output
    assert "judge is off" in with_flag.stderr
    assert json.loads(with_flag.stdout) == json.loads(plain.stdout)


def test_a_bad_judge_combination_exits_2_with_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LEVERAGE_JUDGE_COMBINE", "urgency_signal=sometimes")
    result = runner.invoke(app, ["evaluate", write(tmp_path, json.dumps(TRANSCRIPT)), "--llm"])
    assert result.exit_code == 2
    assert "urgency_signal" in result.stderr and "Traceback" not in result.output

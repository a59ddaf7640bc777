"""`trainer play`: scripted JSON (the issue's exact shape) and the interactive loop, with the template voice."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trainer.cli import app

SCRIPT = """Before we get into numbers: we will prepare the first draft.
Who else on your side has a stake in this renewal?
We propose a unit price of 210 euros per unit and payment in 45 days.
If you can agree 205 euros per unit, we can accept a 1% annual price-down.
We accept.
"""


def _play(tmp_path: Path, *extra: str) -> dict:
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["play", "carmaker-renewal", "--script", str(script), "--json", "--realizer", "template", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_scripted_json_has_the_documented_shape(tmp_path: Path) -> None:
    doc = _play(tmp_path, "--seed", "3")
    assert set(doc) == {"scenario", "status", "turns", "terms", "outcome", "revealed"}
    assert doc["scenario"] == "carmaker-renewal" and doc["status"] in ("agreed", "walked_away", "open")
    assert doc["turns"][0]["speaker"] == "counterparty" and doc["turns"][1]["speaker"] == "trainee"
    assert all(set(t) == {"speaker", "text", "move"} for t in doc["turns"])
    assert doc["turns"][0]["move"]["kind"] == "open" and doc["turns"][1]["move"] is None
    assert doc["turns"][0]["move"]["voice"]["realizer"] == "template"
    for terms in doc["terms"].values():
        assert set(terms) == {"trainee", "counterparty", "agreed"}
    assert 0 <= doc["outcome"]["trainee_utility"] <= 1
    assert 0 <= doc["outcome"]["conceded_beyond_necessity"] <= 1
    assert "programme-director" in doc["revealed"]["stakeholders"]
    assert set(doc["revealed"]) >= {"stakeholders", "needs"}


def _without_timing(doc: dict) -> dict:
    for turn in doc["turns"]:
        if turn["move"]:
            turn["move"]["voice"].pop("seconds", None)
    return doc


def test_scripted_play_is_deterministic_per_seed(tmp_path: Path) -> None:
    first = _without_timing(_play(tmp_path, "--seed", "5"))
    assert first == _without_timing(_play(tmp_path, "--seed", "5"))


def test_unknown_scenario_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["play", "no-such-scenario", "--realizer", "template"])
    assert result.exit_code == 2
    assert "unknown scenario" in result.output


def test_interactive_play_with_typed_input() -> None:
    typed = "\nWho else on your side is involved?\n/quit\n"
    result = CliRunner().invoke(app, ["play", "carmaker-renewal", "--realizer", "template"], input=typed)
    assert result.exit_code == 0, result.output
    assert "Marta Lindqvist>" in result.output
    assert "didn't catch anything" in result.output  # the empty line got a clear answer
    assert "ground conceded beyond necessity" in result.output

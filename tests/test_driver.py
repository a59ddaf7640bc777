"""One session driver: the practice service, `trainer play`, the studio's test-play and the counterparty
evaluation play the same game (same moves, same lines) for the same scenario, seed and trainee lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trainer.app import studio
from trainer.app.practice import ACTIVE, Practice
from trainer.app.session import Line, Session
from trainer.cli import app
from trainer.config import Settings
from trainer.engine.outcome import compute_outcome
from trainer.measure import counterparty
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.storage.store import Store
from trainer.voice.realizer import TemplateRealizer

SCENARIO = "carmaker-renewal"
SEED = 3
SCRIPT = [  # several rounds of counters (the seeded jitter shows) and a bare "Yes." read against their line
    "Before we get into numbers: we will prepare the first draft.",
    "Who else on your side has a stake in this renewal?",
    "We propose a unit price of 200 euros per unit and payment in 45 days.",
    "If you can agree 205 euros per unit, we can accept a 1% annual price-down.",
    "If you move to 60 days payment, we can look at 207 euros per unit.",
    "If you can do 60 days, we can accept 208 euros per unit.",
    "Yes.",
    "We accept.",
]

Played = list[tuple[str, str, dict[str, Any] | None]]


def _played(lines: list[Line]) -> Played:
    """(speaker, text, move) per line: what must match across the four drivers."""
    return [(x.speaker, x.text, None if x.move is None else x.move.model_dump(mode="json")) for x in lines]


@pytest.fixture
def scenario() -> Scenario:
    return load_library().scenarios[SCENARIO]


def _app_service(scenario: Scenario, settings: Settings) -> tuple[Played, float]:
    """The trainee's path: stored session, each line sent then answered in the quick voice."""
    store = Store(settings.db_url)
    store.migrate()
    trainee = store.create_trainee("Ada")
    practice = Practice(store, {SCENARIO: scenario})
    live = practice.start(trainee.id, SCENARIO, seed=SEED)
    for line in SCRIPT:
        if live.status != ACTIVE:
            break
        practice.send(live, line)
        list(practice.reply(live, TemplateRealizer(), "template"))
    resumed = practice.resume(trainee.id, live.session_id)  # the stored transcript is the same game
    assert resumed is not None and _played(resumed.lines) == _played(live.lines)
    store.dispose()
    return _played(live.lines), compute_outcome(live.state, scenario).trainee_utility


def _cli(tmp_path: Path) -> tuple[Played, float]:
    """`trainer play --script --json` with the template voice."""
    script = tmp_path / "script.txt"
    script.write_text("\n".join(SCRIPT) + "\n", encoding="utf-8")
    args = ["play", SCENARIO, "--script", str(script), "--json", "--realizer", "template", "--seed", str(SEED)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    played = [
        (t["speaker"], t["text"], None if t["move"] is None else {k: v for k, v in t["move"].items() if k != "voice"})
        for t in doc["turns"]
    ]
    return played, doc["outcome"]["trainee_utility"]


def _studio(scenario: Scenario) -> tuple[Played, float]:
    """The instructor's test-play."""
    game = studio.play_open(scenario, SEED)
    for line in SCRIPT:
        if game.over:
            break
        studio.play_step(game, line)
    assert game.state is not None
    return _played(game.lines), compute_outcome(game.state, scenario).trainee_utility


def _evaluation(scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> tuple[Played, float]:
    """The counterparty evaluation's scripted session (its own entry point, watched through run_script)."""
    sessions: list[Session] = []
    real = counterparty.run_script

    def watched(*args: Any, **kwargs: Any) -> Session:
        sessions.append(real(*args, **kwargs))
        return sessions[-1]

    monkeypatch.setattr(counterparty, "run_script", watched)
    utility, _ = counterparty.utility(scenario, SCRIPT, SEED)
    [session] = sessions
    return _played(session.lines), utility


def test_app_cli_studio_and_evaluation_play_the_same_game(
    scenario: Scenario, tmp_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_game, app_utility = _app_service(scenario, tmp_settings)
    cli_game, cli_utility = _cli(tmp_path)
    studio_game, studio_utility = _studio(scenario)
    eval_game, eval_utility = _evaluation(scenario, monkeypatch)
    assert len(app_game) > 2 * len(SCRIPT) - 2  # the script was played, not cut short
    assert len({m["kind"] for _, _, m in app_game if m}) >= 3  # a real game: several kinds of move
    assert app_game == cli_game
    assert app_game == studio_game
    assert app_game == eval_game
    assert app_utility == cli_utility == studio_utility == eval_utility

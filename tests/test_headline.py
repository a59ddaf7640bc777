"""The debrief's headline: value captured plus the mistakes; a deal below the walk-away never beats walking away;
'conceded beyond necessity' only over terms the trainee put a number on; one number for the CLI and the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trainer.app import practice as svc
from trainer.cli import app
from trainer.config import Settings
from trainer.domain.deal import DealState, Status
from trainer.engine.outcome import NOT_CONCEDED, compute_outcome, conceded_sentence
from trainer.evaluation.headline import BELOW_WALKAWAY_CAP, NO_DEAL_FLOOR, headline
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store
from trainer.voice.realizer import TemplateRealizer

LIBRARY = load_library().scenarios
CARMAKER = LIBRARY["carmaker-renewal"]


def _state(terms: dict[str, float], status: Status, proposed: bool = True) -> DealState:
    return DealState(
        scenario_id=CARMAKER.id, status=status, counterparty_positions=dict(terms),
        agreed_terms=dict(terms) if status == Status.agreed else None,
        trainee_positions=dict(terms) if proposed else {},
    )


def _terms(which: str) -> dict[str, float]:
    pick = {"opening": lambda i: i.counterparty_opening, "walkaway": lambda i: i.trainee_walkaway,
            "reservation": lambda i: i.counterparty_reservation}[which]
    return {i.id: pick(i) for i in CARMAKER.issues}


@pytest.mark.parametrize("mistakes", [0, 35, 70, 100])
def test_a_deal_below_the_walkaway_never_outscores_walking_away(mistakes: int) -> None:
    """74/100 for accepting a deal below walk-away on all three issues; 60 for walking away elsewhere."""
    below = headline(compute_outcome(_state(_terms("opening"), Status.agreed), CARMAKER), 100)
    walked = headline(compute_outcome(_state(_terms("opening"), Status.walked_away), CARMAKER), mistakes)
    assert below.basis == "deal_below_walkaway" and below.score <= BELOW_WALKAWAY_CAP
    assert walked.basis == "no_deal" and walked.score >= NO_DEAL_FLOOR > below.score
    assert set(below.below_walkaway) == {i.label for i in CARMAKER.issues}


def test_a_deal_within_the_walkaway_is_scored_by_what_it_captured() -> None:
    at_limit = headline(compute_outcome(_state(_terms("reservation"), Status.agreed), CARMAKER), 80)
    at_walk = headline(compute_outcome(_state(_terms("walkaway"), Status.agreed), CARMAKER), 80)
    walked = headline(compute_outcome(_state(_terms("opening"), Status.walked_away), CARMAKER), 80)
    assert at_limit.basis == at_walk.basis == "deal"
    assert at_limit.score > at_walk.score >= walked.score


def test_conceded_beyond_necessity_needs_a_number_from_the_trainee() -> None:
    """It showed 78% in a session where the trainee never made an offer."""
    silent = compute_outcome(_state(_terms("opening"), Status.walked_away, proposed=False), CARMAKER)
    assert silent.conceded_beyond_necessity is None
    assert all(o.conceded_beyond_necessity is None for o in silent.issues)
    assert conceded_sentence(silent) == NOT_CONCEDED
    one = _state(_terms("opening"), Status.open, proposed=False)
    one.trainee_positions["unit_price"] = 200
    partial = compute_outcome(one, CARMAKER)
    assert [o.issue_id for o in partial.issues if o.conceded_beyond_necessity is not None] == ["unit_price"]
    assert partial.conceded_beyond_necessity == 1.0  # on the one term proposed, they kept all of it
    assert "share you left on the table" in conceded_sentence(partial)


SCRIPT = ["What matters most to you in phase two?", "Who else on your side will weigh in on this decision?",
          "Deal. We accept your offer as it stands."]


def test_play_json_reports_the_same_score_as_the_app(tmp_path: Path, tmp_settings: Settings) -> None:
    script = tmp_path / "script.txt"
    script.write_text("\n".join(SCRIPT), encoding="utf-8")
    result = CliRunner().invoke(app, ["play", CARMAKER.id, "--script", str(script), "--json", "--realizer",
                                      "template", "--seed", "4"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)["outcome"]
    assert 0 <= cli["score"] <= 100 and cli["score_basis"] in ("deal", "deal_below_walkaway", "no_deal")

    store = Store(tmp_settings.db_url)
    store.migrate()
    me = store.create_trainee("Ada", client_key="k1").id
    practice = svc.Practice(store, LIBRARY)
    live = practice.start(me, CARMAKER.id, seed=4, realizer="template")
    for line in SCRIPT:
        if live.status != svc.ACTIVE:
            break
        practice.send(live, line)
        list(practice.reply(live, TemplateRealizer(), "template"))
    if live.status == svc.ACTIVE:
        practice.end(live)
    debrief = svc.debrief_for(store, LIBRARY, live.session_id, me)
    assert debrief is not None and debrief.headline is not None
    assert debrief.report.overall_score == debrief.headline.score == cli["score"]
    again = svc.debrief_for(store, LIBRARY, live.session_id, me)  # from the store: the same number
    assert again.report.overall_score == cli["score"]

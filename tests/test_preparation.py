"""The preparation sheet: checked for the five mistakes before play, compared with play after it, saved with the
session (owner only; the instructor's drill-down reads it)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trainer.app import branches, preparation
from trainer.app.practice import Practice
from trainer.app.preparation import IssuePlan, Sheet, check, compare
from trainer.engine.outcome import compute_outcome
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store, StoreError
from trainer.voice.realizer import TemplateRealizer

pytest_plugins = ["db_fixtures"]


@pytest.fixture(scope="module")
def carmaker():
    return load_library().scenarios["carmaker-renewal"]


GOOD = Sheet(
    issues=[IssuePlan(issue_id="unit_price", target=208, walkaway=194)],
    their_alternatives="Switching supplier would mean re-validating the housing for the facelift.",
    their_stakeholders="Engineering and the quality team.",
    questions=["Who else on your side needs to be comfortable with the supplier choice?",
               "What does the facelift launch timeline look like for you?"],  # fmt: skip
    keep_private=["Our production plan deadline at the end of the month"],
    agenda=["We will prepare the first draft", "Unit price and payment terms together", "Quality annex"],
)


def _mistakes(tips: list[preparation.Tip]) -> set[str]:
    return {t.mistake for t in tips}


def test_a_sound_plan_has_no_tips(carmaker) -> None:
    assert check(GOOD, carmaker) == []


def test_a_walkaway_weaker_than_the_alternative(carmaker) -> None:
    sheet = GOOD.model_copy(update={"issues": [IssuePlan(issue_id="unit_price", target=208, walkaway=185)]})
    tips = check(sheet, carmaker)
    assert [t.field for t in tips] == ["issues.unit_price.walkaway"]
    assert tips[0].mistake == "weak_alternative"
    assert "EUR 185 per unit" in tips[0].problem and "EUR 192 per unit" in tips[0].tip  # the brief's walk-away


def test_a_target_at_the_walkaway_starts_by_conceding(carmaker) -> None:
    sheet = GOOD.model_copy(update={"issues": [IssuePlan(issue_id="unit_price", target=194, walkaway=194)]})
    assert [(t.mistake, t.field) for t in check(sheet, carmaker)] == [("power_vs_leverage", "issues.unit_price.target")]


def test_planning_to_open_with_the_deadline(carmaker) -> None:
    sheet = GOOD.model_copy(update={"agenda": ["Tell them we need it signed by the end of the month", *GOOD.agenda],
                                    "keep_private": []})  # fmt: skip
    tips = check(sheet, carmaker)
    assert ("urgency_signal", "agenda[0]") in {(t.mistake, t.field) for t in tips}
    assert ("urgency_signal", "keep_private") in {(t.mistake, t.field) for t in tips}


def test_no_question_about_who_else_decides(carmaker) -> None:
    sheet = GOOD.model_copy(update={"questions": ["What does the facelift launch timeline look like for you?"]})
    tips = check(sheet, carmaker)
    assert [(t.mistake, t.field) for t in tips] == [("unified_actor", "questions")]
    assert "who else" in tips[0].problem


def test_agenda_problems(carmaker) -> None:
    tips = check(GOOD.model_copy(update={"agenda": []}), carmaker)
    assert [(t.mistake, t.field) for t in tips] == [("process_concession", "agenda")]
    last = GOOD.model_copy(update={"agenda": ["We will draft", "Logistics", "Quality annex", "Unit price"]})
    assert [t.problem for t in check(last, carmaker)] == ["Your agenda leaves unit price to the end."]
    theirs = GOOD.model_copy(update={"agenda": ["Sure, we'll work from your draft", "Unit price"]})
    assert ("process_concession", "agenda[0]") in {(t.mistake, t.field) for t in check(theirs, carmaker)}


def test_a_plan_that_defers_or_names_the_fallback(carmaker) -> None:
    sheet = GOOD.model_copy(update={"questions": [
        *GOOD.questions, "You're much bigger than us, so we'll accept whatever you think is fair?",
        "Should I mention that our only fallback is agriculture customers, which would be a poor option?",
    ], "their_alternatives": ""})  # fmt: skip
    assert {"power_vs_leverage", "weak_alternative"} <= _mistakes(check(sheet, carmaker))
    assert ("power_vs_leverage", "their_alternatives") in {(t.mistake, t.field) for t in check(sheet, carmaker)}


def test_the_sheet_rejects_junk() -> None:
    with pytest.raises(ValidationError):
        Sheet.model_validate({"questions": ["x" * 601]})
    with pytest.raises(ValidationError):
        Sheet.model_validate({"mood": "calm"})
    with pytest.raises(ValidationError):
        IssuePlan(issue_id="unit_price", target=float("inf"))
    assert Sheet(questions=["  ", "Who decides?"]).questions == ["Who decides?"]
    assert Sheet().empty and not GOOD.empty
    assert preparation.lines_of("a\n\n b \n") == ["a", "b"]


def _played(store: Store, carmaker, lines: list[str]):
    trainee = store.create_trainee("Ada")
    practice = Practice(store, {"carmaker-renewal": carmaker})
    live = practice.start(trainee.id, "carmaker-renewal", seed=2, realizer="template", level="standard")
    for text in lines:
        practice.send(live, text)
        for _ in practice.reply(live, TemplateRealizer(), "template"):
            pass
    return practice, live


def test_plan_versus_play(store: Store, carmaker) -> None:
    practice, live = _played(store, carmaker, [
        "Before we talk numbers, what does the facelift launch timeline look like for you?",
        "We need this signed by the end of the month, our production plan depends on it.",
        "Sure, send over your draft and we'll follow your agenda.",
    ])  # fmt: skip
    checks = compare(GOOD, live.lines, live.scenario, compute_outcome(live.state, live.scenario))
    texts = [c.text for c in checks]
    assert "You planned to ask “What does the facelift launch timeline look like for you?”; you did, at turn 2." in texts
    assert ("You planned to ask “Who else on your side needs to be comfortable with the supplier choice?”; "
            "you never did.") in texts  # fmt: skip
    assert ("You planned to keep “Our production plan deadline at the end of the month” to yourself; you said it "
            "at turn 4.") in texts  # fmt: skip
    assert "You planned your own agenda but accepted their process at turn 6." in texts
    assert any(t.startswith("Unit price: their last offer was EUR ") for t in texts)


def test_kept_private_as_planned(store: Store, carmaker) -> None:
    practice, live = _played(store, carmaker, ["Who else on your side needs to be comfortable with the supplier "
                                               "choice?", "We will prepare the first draft."])  # fmt: skip
    checks = {c.text: c.kept for c in compare(GOOD, live.lines, live.scenario, compute_outcome(live.state, live.scenario))}
    assert checks["You kept “Our production plan deadline at the end of the month” private, as planned."] is True
    assert checks["You proposed your own process at turn 4, as planned."] is True


def test_saved_with_the_session_shared_by_branches_and_owner_only(store: Store, carmaker) -> None:
    practice, live = _played(store, carmaker, ["What matters most to you?"])
    preparation.save(store, live.session_id, live.trainee_id, GOOD)
    assert preparation.load(store, live.session_id, live.trainee_id) == GOOD
    branch = branches.rewind(practice, live, 0)
    assert preparation.load(store, branch.session_id, live.trainee_id) == GOOD  # the family shares the plan
    other = store.create_trainee("Mallory")
    assert preparation.load(store, live.session_id, other.id) is None
    with pytest.raises(StoreError):
        preparation.save(store, live.session_id, other.id, Sheet())
    assert preparation.load(store, live.session_id, None) == GOOD  # the instructor's drill-down

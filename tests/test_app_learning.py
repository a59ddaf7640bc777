"""AppTest flows for learning by replaying: rewind and branch, the branch comparison, the rewind limit, the
preparation sheet, the level on the brief, and the price of each mistake in the debrief (fake voice, no network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accounts_support import make_account
from apptest_support import TIMEOUT, button, started_app
from streamlit.testing.v1 import AppTest

from trainer.app import preparation
from trainer.config import Settings, get_settings
from trainer.instructor.cohorts import create_cohort, join
from trainer.storage import branches as lineage
from trainer.storage.store import Store

URGENT = "We need it signed by the end of the month, our production plan depends on it."


def _texts(at: AppTest) -> str:
    """Everything written on the page, with the markdown escapes removed."""
    text = "\n".join(str(m.value) for m in [*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error])
    return text.replace("\\", "")


def _brief(at: AppTest, scenario_id: str = "carmaker-renewal") -> AppTest:
    at.button(key=f"brief-{scenario_id}").click().run()
    assert not at.exception, at.exception
    return at


def _start(at: AppTest) -> AppTest:
    button(at, "Start the negotiation").click().run()
    assert not at.exception, at.exception
    return at


def _say(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def _store() -> Store:
    return Store(get_settings().db_url)


def _live(at: AppTest) -> Any:
    return at.session_state["live"]


def _played(turns: list[str]) -> AppTest:
    at = _start(_brief(started_app()))
    for text in turns:
        _say(at, text)
    return at


def _popover(at: AppTest, starts: str) -> Any:
    """The popover whose label starts with `starts` (its proto carries the label and the disabled flag)."""
    for block in at.get("popover"):
        if block.proto.popover.label.startswith(starts):
            return block.proto.popover
    raise AssertionError(f"no popover {starts!r}")


def _rewind(at: AppTest, turn_index: int) -> AppTest:
    at.selectbox(key="rewind_turn").set_value(turn_index).run()
    button(at, "Rewind and branch").click().run()
    assert not at.exception, at.exception
    return at


def test_rewind_opens_a_branch_and_keeps_the_original(tmp_settings: Settings, app_voices: dict) -> None:
    at = _played(["What matters most to you about the launch timeline?", URGENT])
    original = _live(at).session_id
    assert _popover(at, "Rewind").label == "Rewind (3 of 3 left)"
    before = [t.text for t in _store().list_turns(original)]
    _rewind(at, 2)
    branch = _live(at)
    assert branch.session_id != original and len(at.chat_message) == 3  # opening, first line, its reply
    assert "end of the month" not in "\n".join(str(m.markdown[0].value) for m in at.chat_message if m.markdown)
    assert "a branch from turn 3; the original is kept" in _texts(at)
    assert [t.text for t in _store().list_turns(original)] == before
    q = at.query_params["session"]
    assert (q[0] if isinstance(q, list) else q) == branch.session_id
    _say(at, "Who else on your side is involved in choosing the supplier?")
    assert len(at.chat_message) == 5
    assert _popover(at, "Rewind").label == "Rewind (2 of 3 left)"


def test_the_rewind_limit_is_enforced_in_the_app(tmp_settings: Settings, app_voices: dict) -> None:
    at = _played(["What matters most to you about the launch timeline?"])
    store = _store()
    cohort = create_cohort(store, make_account(store, "tess"), "Workshop")
    join(store, at.session_state["trainee_id"], cohort.join_code)
    lineage.set_cohort_rewind_limit(store, cohort.id, 1)
    at.run()
    assert _popover(at, "Rewind").label == "Rewind (1 of 1 left)"
    _rewind(at, 0)
    assert "You have used all 1 rewinds for this session." in _texts(at)
    assert _popover(at, "Rewind").disabled
    assert lineage.rewinds_used(store, lineage.lineage(store, _live(at).session_id, None).root_id) == 1


def test_the_debrief_compares_branches(tmp_settings: Settings, app_voices: dict) -> None:
    at = _played(["What matters most to you about the launch timeline?", URGENT])
    _rewind(at, 2)
    _say(at, "Who else on your side is involved in choosing the supplier?")
    button(at, "End and debrief").click().run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Original" in text and "Branch 1 (from turn 3)" in text
    headline = [m for m in at.metric if "Headline score" in str(m.label)]
    assert len(headline) == 2
    assert "Signalling your own urgency" in text  # the original's mistakes, beside the branch's "none"


def test_try_the_better_line_from_the_debrief(tmp_settings: Settings, app_voices: dict) -> None:
    at = _played(["What matters most to you about the launch timeline?", URGENT])
    button(at, "End and debrief").click().run()
    assert "The price of this line." in _texts(at)
    original = at.query_params["session"]
    button(at, "Rewind and try the better line").click().run()
    assert not at.exception, at.exception
    assert "A better line to try here" in _texts(at)
    button(at, "Say this line").click().run()
    assert not at.exception, at.exception
    branch = _live(at)
    said = [line.text for line in branch.lines if line.speaker == "trainee"]
    assert len(said) == 2 and "end of the month" not in said[-1]
    assert branch.session_id != (original[0] if isinstance(original, list) else original)


def test_the_preparation_sheet_is_checked_saved_and_compared(tmp_settings: Settings, app_voices: dict) -> None:
    at = _brief(started_app())
    assert "Suggested: prepare before you play" in repr(at)
    at.number_input(key="prep-walk-unit_price").set_value(185.0)
    areas = {str(t.label): t for t in at.text_area}
    areas["Questions you plan to ask (one per line)"].set_value("What does the launch timeline look like for you?")
    areas["What you will keep to yourself (one per line)"].set_value("Our production plan deadline")
    areas["The agenda you will propose (one per line)"].set_value("We will prepare the first draft\nUnit price")
    button(at, "Check my plan").click().run()
    assert not at.exception, at.exception
    tips = "\n".join(str(w.value) for w in at.warning)
    assert "weaker than your alternative" in tips  # 185 is below the brief's 192
    assert "who else on their side decides" in tips
    _start(at)
    session_id = _live(at).session_id
    sheet = preparation.load(_store(), session_id, at.session_state["trainee_id"])
    assert sheet is not None and sheet.issues[0].walkaway == 185.0
    _say(at, "What does the launch timeline look like for you?")
    button(at, "End and debrief").click().run()
    text = _texts(at)
    assert "You planned to ask “What does the launch timeline look like for you?”; you did, at turn 2." in text
    assert "You kept “Our production plan deadline” private, as planned." in text


def test_the_brief_shows_and_sets_the_level(tmp_settings: Settings, app_voices: dict) -> None:
    at = started_app()
    assert any("Standard" in str(m.value) for m in at.markdown)  # carmaker's card shows its level
    _brief(at, "tenant-landlord")
    radio = at.radio(key="level-tenant-landlord")
    assert radio.value == "introductory"  # the scenario's own level
    radio.set_value("hard").run()
    _start(at)
    live = _live(at)
    assert live.scenario.level.value == "hard"
    assert lineage.level_of(_store(), live.session_id) == "hard"
    assert "Counterparty level: Hard" in _texts(at)


# ---------------------------------------------------------------- the cohort drill-down

HARNESS = str(Path(__file__).parent / "apps" / "pages_harness.py")
PASS = "a good long passphrase"


def test_the_drill_down_shows_the_sheet_and_branches_and_sets_the_limit(
    tmp_settings: Settings, monkeypatch: Any
) -> None:
    from trainer.app import branches
    from trainer.app.practice import Practice
    from trainer.instructor import accounts, auth
    from trainer.scenarios.loading import load_library, repo_scenarios_dir
    from trainer.voice.realizer import TemplateRealizer

    monkeypatch.setenv("LEVERAGE_SCENARIOS_DIR", str(repo_scenarios_dir()))
    legacy = auth.hash_passphrase(PASS, n=2**10)
    monkeypatch.setenv("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", legacy)
    monkeypatch.setenv("LEVERAGE_TEST_PAGE", "instructor")
    monkeypatch.setattr(auth, "N", 2**10)
    store = _store()
    store.migrate()
    admin = accounts.adopt_legacy(store, legacy)  # the shared passphrase becomes the "admin" account
    cohort = create_cohort(store, admin, "Drill")
    trainee = store.create_trainee("Ada")
    join(store, trainee.id, cohort.join_code)
    practice = Practice(store, load_library().scenarios)
    live = practice.start(trainee.id, "carmaker-renewal", seed=1, realizer="template")
    practice.send(live, "What matters most to you about the launch timeline?")
    for _ in practice.reply(live, TemplateRealizer(), "template"):
        pass
    preparation.save(store, live.session_id, trainee.id,
                     preparation.Sheet(questions=["Who else signs off on the supplier?"], agenda=["Price first"]))  # fmt: skip
    branches.rewind(practice, live, 2)

    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT).run()
    at.text_input(key="instructor_username").input("admin")
    at.text_input(key="instructor_passphrase").input(PASS)
    at = at.button(key="FormSubmitter:instructor_sign_in-Sign in").click().run()
    assert not at.exception, at.exception
    at.selectbox(key="instructor_drill_session").select(live.session_id)
    at = at.run()
    text = _texts(at) + "\n".join(str(e.label) for e in at.expander)
    assert "Counterparty level: Standard · 1 branch(es)" in text
    assert "Branch from turn 3: open" in text
    assert "Preparation sheet" in text and "Who else signs off on the supplier?" in text
    at.number_input(key=f"rewind-limit-{cohort.id}").set_value(2)
    next(b for b in at.button if "Save rewind limit" in str(b.label)).click().run()
    assert not at.exception, at.exception
    assert lineage.get_cohort_rewind_limit(store, cohort.id) == 2

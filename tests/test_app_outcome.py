"""AppTest: accepting terms below the walk-away asks first and names the issues; the debrief's headline respects the
outcome (a deal below the walk-away scores below walking away) and is the number `trainer play --json` reports."""

from __future__ import annotations

from apptest_support import button
from test_app import _app, _say, _start, _texts

from trainer.config import Settings

ACCEPT = "Deal. We accept your offer as it stands."


def _score(at) -> int:
    """The debrief's 'Overall score' metric."""
    metric = next(m for m in at.metric if "Overall score" in str(m.label))
    return int(str(metric.value).split("/")[0])


def _warnings(at) -> str:
    return "\n".join(str(w.value) for w in at.warning).replace("\\", "")  # markdown escapes off


def test_accepting_below_the_walkaway_asks_first_and_names_the_issues(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    _say(at, ACCEPT)
    question = _warnings(at)
    assert "below your walk-away on unit price, annual price-down, payment terms and recall liability cap" in question
    assert len(at.chat_message) == 1  # nothing was sent yet
    button(at, "Keep negotiating").click().run()
    assert not _warnings(at) and len(at.chat_message) == 1

    _say(at, ACCEPT)
    button(at, "Accept anyway").click().run()
    assert not at.exception, at.exception
    assert any("You reached an agreement" in str(s.value) for s in at.success)
    button(at, "Open the debrief").click().run()
    assert not at.exception, at.exception
    below = _score(at)
    assert below <= 29
    assert "scores below walking away" in _warnings(at)


def test_a_walk_away_scores_above_any_deal_below_the_walkaway(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    _say(at, "What matters most to you in phase two?")
    button(at, "Yes, walk away").click().run()
    assert not at.exception, at.exception
    button(at, "Open the debrief").click().run()
    walked = _score(at)
    assert walked >= 30
    assert "No deal: you keep your alternative" in "\n".join(str(c.value) for c in at.caption).replace("\\", "")


def test_a_question_is_sent_without_asking(tmp_settings: Settings, app_voices: dict) -> None:
    at = _start(_app(tmp_settings))
    _say(at, "Who else on your side will weigh in on this decision?")
    assert not _warnings(at) and len(at.chat_message) == 3
    assert "FAKE" in _texts(at)


def test_the_evaluate_page_keeps_the_users_facts_whatever_scenario_is_chosen(tmp_settings: Settings) -> None:
    """Choosing 'candidate-salary' as the closest scenario must not turn 'a contract gig' into its internal role."""
    from streamlit.testing.v1 import AppTest
    from test_app_pages import _evaluate_page

    at = AppTest.from_function(_evaluate_page, default_timeout=60)
    at.run()
    at.text_area[0].set_value(
        "Recruiter: We can offer 80,000 and one remote day.\n"
        "Me: Honestly, if this doesn't work out my only other option is a contract gig, and that would be a real "
        "step down.\n"
        "Recruiter: The band is fixed, I'm afraid.\n"
        "Me: We need to settle this soon, my notice period starts next week."
    )
    at.selectbox[0].set_value("candidate-salary")
    at.button[0].click().run()
    assert not at.exception, at.exception
    shown = "\n".join(str(m.value) for m in [*at.markdown, *at.success, *at.caption]).replace("\\", "")
    assert "contract gig" in shown
    assert "internal role" not in shown and "team will be dissolved" not in shown

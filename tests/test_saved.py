"""Saved real-conversation evaluations (issue 18, part 3): kept only when the trainee asks, shown in their progress
marked as a real conversation, deletable, and never visible to another trainee or in a cohort's views."""

from __future__ import annotations

import pytest
from accounts_support import make_account
from report_factory import make_report
from streamlit.testing.v1 import AppTest

from trainer.config import Settings
from trainer.domain.transcripts import Turn
from trainer.instructor import cohorts, dashboard
from trainer.instructor.progress import trainee_progress
from trainer.storage import saved
from trainer.storage.store import Store, StoreError

pytest_plugins = ["db_fixtures"]

TURNS = [Turn(speaker="counterparty", text="We need 5% off.", name="Buyer"),
         Turn(speaker="trainee", text="We must sign by Friday, our plant depends on it.", name="Me")]  # fmt: skip
TRANSCRIPT = """Buyer: We need 5% off and 120-day terms. We have other suppliers.
Me: We really need to sign this by Friday, our plant plan depends on it.
Buyer: Then 5% shouldn't be a problem."""


def test_keep_list_and_delete_are_the_trainees_own(store: Store) -> None:
    ada, bo = store.create_trainee("Ada"), store.create_trainee("Bo")
    kept = saved.keep(store, ada.id, "  Renewal call  ", TURNS, make_report({"urgency_signal": 20}), "carmaker")
    assert kept.label == "Renewal call" and kept.turns == TURNS and kept.report.overall_score == kept.overall_score
    assert saved.keep(store, ada.id, "", TURNS, make_report()).label == "Real conversation"
    assert [k.id for k in saved.list_saved(store, ada.id)][0] == kept.id
    assert saved.list_saved(store, bo.id) == []
    assert saved.get_saved(store, kept.id, bo.id) is None
    assert saved.delete_saved(store, kept.id, bo.id) is False  # not hers to delete
    assert saved.get_saved(store, kept.id, ada.id) is not None
    assert saved.delete_saved(store, kept.id, ada.id) is True
    assert saved.get_saved(store, kept.id, ada.id) is None
    with pytest.raises(StoreError):
        saved.keep(store, "nobody", "x", TURNS, make_report())


def test_progress_shows_it_marked_as_real_and_counts_its_scores(store: Store) -> None:
    ada = store.create_trainee("Ada")
    session_id = store.create_session(ada.id, "carmaker", 1, "template", "{}")
    store.update_session(session_id, status="agreed")
    store.save_evaluation(session_id, make_report({"urgency_signal": 80}))
    saved.keep(store, ada.id, "Supplier call", TURNS, make_report({"urgency_signal": 20}))
    progress = trainee_progress(store, ada.id)
    newest, older = progress.history
    assert (newest.kind, newest.label, newest.scores["urgency_signal"]) == ("real", "Supplier call", 20)
    assert older.kind == "practice"
    assert [p.score for p in progress.mistakes["urgency_signal"].trend] == [80, 20]


def test_a_real_conversation_is_no_scenario_played_nor_assignment_done(store: Store) -> None:
    owner = make_account(store, "olga")
    cohort = cohorts.create_cohort(store, owner, "Sales")
    ada = store.create_trainee("Ada", cohort_code=cohort.join_code)
    cohorts.assign(store, owner, cohort.id, "carmaker")
    saved.keep(store, ada.id, "Real carmaker call", TURNS, make_report(), scenario_id="carmaker")
    assert [a.completed for a in cohorts.assignments_for_trainee(store, ada.id)] == [False]
    data = dashboard.load_cohort(store, owner, cohort.id)
    assert data.history == []  # instructors never see a trainee's real conversations


def test_deleting_a_trainee_deletes_what_they_kept(store: Store) -> None:
    from trainer.storage.tables import SavedEvaluationRow, TraineeRow

    ada = store.create_trainee("Ada")
    saved.keep(store, ada.id, "x", TURNS, make_report())
    with store.transaction() as db:
        db.delete(db.get(TraineeRow, ada.id))
    with store.transaction() as db:
        assert db.query(SavedEvaluationRow).count() == 0


# ---------------------------------------------------------------- the pages


def _evaluate_page() -> None:
    from trainer.ui import evaluate_page
    from trainer.ui.context import build_ctx

    evaluate_page.render(build_ctx())


def _progress_page() -> None:
    from trainer.ui import progress
    from trainer.ui.context import build_ctx

    progress.render(build_ctx())


def _texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption, *at.success, *at.error, *at.info, *at.warning])


def _no_index(settings: Settings) -> None:
    raise RuntimeError("no notes index in this test")  # citations are optional; building one takes ~15 s


def test_keep_is_opt_in_then_shown_and_deletable(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.app import factories

    monkeypatch.setattr(factories, "knowledge_index", _no_index)
    at = AppTest.from_function(_evaluate_page, default_timeout=60)
    at.run()
    at.text_area[0].set_value(TRANSCRIPT)
    at.button[0].click().run()
    assert not at.exception, at.exception
    store = Store(tmp_settings.db_url)
    trainee_id = at.session_state["trainee_id"]
    assert saved.list_saved(store, trainee_id) == []  # evaluated, shown, not stored

    keep = next(b for b in at.button if b.label == "Keep in my history")
    at = keep.click().run()
    assert not at.exception
    [kept] = saved.list_saved(store, trainee_id)
    assert kept.turns[1].text.startswith("We really need to sign") and kept.label == "Real conversation"
    assert "Kept in your history" in _texts(at)

    page = AppTest.from_function(_progress_page, default_timeout=60)
    page.session_state["trainee_id"] = trainee_id
    page.run()
    assert not page.exception, page.exception
    assert "Real conversation" in _texts(page) and f"score {kept.overall_score}" in _texts(page)
    page = page.button(key=f"real_delete_{kept.id}").click().run()
    assert "Delete this conversation and its evaluation for good?" in _texts(page)
    assert saved.list_saved(store, trainee_id) != []  # nothing gone before the confirmation
    page = page.button(key=f"real_delete_yes_{kept.id}").click().run()
    assert not page.exception
    assert saved.list_saved(store, trainee_id) == []
    store.dispose()

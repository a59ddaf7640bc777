"""AppTest for the instructor-side pages: sign-in with accounts and backoff, a sign-in that survives a reload,
cohorts and joining, assignments, the dashboard on seeded data, the calibration workbench, isolation between
instructors and between trainees (page parameters included), and the studio's validate / test-play / save /
publish flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from accounts_support import make_account
from report_factory import make_report
from streamlit.testing.v1 import AppTest

from trainer.instructor import accounts, auth, cohorts, tokens
from trainer.scenarios.loading import repo_scenarios_dir
from trainer.storage import accounts as account_store
from trainer.storage.store import Store
from trainer.ui import instructor as instructor_page

HARNESS = str(Path(__file__).parent / "apps" / "pages_harness.py")
PASS = "a good long passphrase"
TIMEOUT = 30


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A data dir, a SQLite store, a writable copy of the scenario library and a configured passphrase."""
    data_dir, library = tmp_path / "data", tmp_path / "scenarios"
    shutil.copytree(repo_scenarios_dir(), library)
    db_url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LEVERAGE_DB_URL", db_url)
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "template")
    monkeypatch.setenv("LEVERAGE_SCENARIOS_DIR", str(library))
    legacy = auth.hash_passphrase(PASS, n=2**10)
    monkeypatch.setenv("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", legacy)
    monkeypatch.setattr(auth, "N", 2**10)
    store = Store(db_url)
    store.migrate()
    admin = accounts.adopt_legacy(store, legacy)  # what the page does on first use: the shared passphrase's account
    yield {"store": store, "library": library, "data_dir": data_dir, "admin": admin}
    store.dispose()


def _app(page: str, monkeypatch: pytest.MonkeyPatch, trainee_id: str | None = None) -> AppTest:
    monkeypatch.setenv("LEVERAGE_TEST_PAGE", page)
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT)
    if trainee_id is not None:
        at.session_state["trainee_id"] = trainee_id
    return at.run()


def _sign_in(at: AppTest, passphrase: str = PASS, name: str = "admin") -> AppTest:
    at.text_input(key="instructor_username").input(name)
    at.text_input(key="instructor_passphrase").input(passphrase)
    return at.button(key="FormSubmitter:instructor_sign_in-Sign in").click().run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [c.value for c in at.caption]
    parts += [s.value for s in at.success] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [t.value for t in at.title] + [x.label for x in at.expander]
    return "\n".join(str(p) for p in parts)


# ---------------------------------------------------------------- sign-in


def test_right_passphrase_signs_in(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app("instructor", monkeypatch)
    assert at.title[0].value == "Instructor sign-in" and not at.tabs
    at = _sign_in(at)
    assert not at.exception and at.title[0].value == "Cohorts"
    token = at.session_state[instructor_page.TOKEN]
    assert tokens.session_account(env["store"], token).username == "admin"
    assert "Signed in as **admin** · admin" in [c.value for c in at.sidebar.caption]


def test_wrong_passphrase_then_backoff(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app("instructor", monkeypatch)
    at = _sign_in(at, "not the passphrase")
    assert at.error[0].value == auth.WRONG and at.title[0].value == "Instructor sign-in"
    for _ in range(auth.CLIENT_FREE - 1):
        at = _sign_in(at, "still wrong")
    assert "Too many failed attempts" in at.error[0].value
    at = _sign_in(at, PASS)  # the right one waits too: a waiting attempt is not even checked
    assert "Too many failed attempts" in at.error[0].value
    assert instructor_page.TOKEN not in at.session_state


def test_unconfigured_server_has_no_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEVERAGE_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "template")
    monkeypatch.setenv("LEVERAGE_SCENARIOS_DIR", str(repo_scenarios_dir()))
    monkeypatch.delenv("LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", raising=False)
    at = _app("instructor", monkeypatch)
    assert "Instructor features are off" in at.info[0].value and not at.text_input


def test_instructor_state_does_not_leak_between_browser_sessions(
    env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in = _sign_in(_app("instructor", monkeypatch))
    assert signed_in.title[0].value == "Cohorts"
    other_browser = _app("instructor", monkeypatch)
    assert other_browser.title[0].value == "Instructor sign-in"


def _browser_cookies(monkeypatch: pytest.MonkeyPatch, jar: dict[str, str]) -> None:
    """Stand in for the cookies a reloaded browser sends (AppTest cannot seed st.context.cookies)."""
    monkeypatch.setattr(instructor_page, "_cookie", lambda name: jar.get(name))


def test_sign_in_survives_a_reload_until_signed_out(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _sign_in(_app("instructor", monkeypatch))
    jar = {instructor_page.SESSION_COOKIE: first.session_state[instructor_page.TOKEN]}
    html = [h.proto.body for h in first.get("html")]
    assert any(instructor_page.SESSION_COOKIE in body and "SameSite=Strict" in body for body in html)
    _browser_cookies(monkeypatch, jar)
    reloaded = _app("instructor", monkeypatch)  # a new Streamlit session, as after a reload
    assert reloaded.title[0].value == "Cohorts"
    reloaded = reloaded.button(key="instructor_sign_out").click().run()
    assert reloaded.title[0].value == "Instructor sign-in"
    assert any("Max-Age=0" in h.proto.body for h in reloaded.get("html"))  # the cookie is cleared
    again = _app("instructor", monkeypatch)  # the old cookie value, replayed: void
    assert again.title[0].value == "Instructor sign-in"


def test_revoking_an_account_ends_its_open_page(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _sign_in(_app("instructor", monkeypatch))
    assert at.title[0].value == "Cohorts"
    account_store.revoke_tokens(env["store"], env["admin"].id)  # `trainer instructor revoke admin`
    at = at.run()
    assert at.title[0].value == "Instructor sign-in"


# ---------------------------------------------------------------- cohorts and assignments


def test_create_cohort_and_trainee_joins(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _sign_in(_app("instructor", monkeypatch))
    at.text_input(key="instructor_new_cohort_name").input("Procurement leads")
    at = at.button(key="FormSubmitter:new_cohort-Create cohort").click().run()
    assert not at.exception
    created = cohorts.my_cohorts(env["store"], env["admin"])
    assert [c.name for c in created] == ["Procurement leads"]
    code = cohorts.display_code(created[0].join_code)
    assert code in _texts(at)
    at.text_input(key="instructor_new_cohort_name").input("Second cohort")
    at = at.button(key="FormSubmitter:new_cohort-Create cohort").click().run()
    assert not at.exception
    second = next(c for c in cohorts.my_cohorts(env["store"], env["admin"]) if c.name == "Second cohort")
    assert at.selectbox(key="instructor_cohort_id").value == second.id  # the new cohort is selected

    trainee = env["store"].create_trainee("Solo trainee")
    page = _app("progress", monkeypatch, trainee.id)
    page.text_input(key="join_name").input("Ada")
    page.text_input(key="join_code").input(code.lower())
    page = page.button(key="FormSubmitter:join_cohort-Join").click().run()
    joined = env["store"].get_trainee(trainee.id)
    assert joined.cohort_id == created[0].id and joined.display_name == "Ada"
    assert "Procurement leads" in _texts(page)


def test_wrong_join_code_is_explained(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    trainee = env["store"].create_trainee("Solo trainee")
    page = _app("progress", monkeypatch, trainee.id)
    page.text_input(key="join_name").input("Ada")
    page.text_input(key="join_code").input("WRONG-CODE9")
    page = page.button(key="FormSubmitter:join_cohort-Join").click().run()
    assert "not recognised" in page.error[0].value
    assert env["store"].get_trainee(trainee.id).cohort_id is None


def test_assignment_reaches_the_trainee(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    store = env["store"]
    cohort = cohorts.create_cohort(store, env["admin"], "Sales")
    trainee = store.create_trainee("Ada", cohort_code=cohort.join_code)
    at = _sign_in(_app("instructor", monkeypatch))
    at.selectbox(key="assign_scenario").select("carmaker-renewal")
    at.checkbox(key="assign_has_due").check()
    at = at.button(key="FormSubmitter:assign-Assign").click().run()
    assert not at.exception
    [assignment] = cohorts.list_assignments(store, env["admin"], cohort.id)
    assert assignment.scenario_id == "carmaker-renewal" and assignment.due_date is not None

    page = _app("progress", monkeypatch, trainee.id)
    text = _texts(page)
    assert "Assigned to you" in [s.value for s in page.subheader]
    assert "to do" in text and f"due {assignment.due_date.isoformat()}" in text


# ---------------------------------------------------------------- dashboard


def _seed(store: Store) -> dict:
    owner = account_store.get_account(store, "admin")
    cohort = cohorts.create_cohort(store, owner, "Sales")
    ada = store.create_trainee("Ada", cohort_code=cohort.join_code)
    bo = store.create_trainee("Bo", cohort_code=cohort.join_code)
    outsider = store.create_trainee("Eve")
    cohorts.assign(store, owner, cohort.id, "carmaker-renewal")
    sessions = {}
    for who, line, urgency in ((ada, "We must sign by Friday.", 20), (bo, "Can we close today?", 35)):
        sid = store.create_session(who.id, "carmaker-renewal", 1, "template", "{}")
        store.add_turn(sid, "counterparty", "Our group terms apply.")
        store.add_turn(sid, "trainee", line)
        store.update_session(sid, status="agreed")
        store.save_evaluation(
            sid, make_report({"urgency_signal": urgency}, quotes={"urgency_signal": [(1, line)]})
        )
        sessions[who.display_name] = sid
    eve_sid = store.create_session(outsider.id, "carmaker-renewal", 1, "template", "{}")
    store.add_turn(eve_sid, "trainee", "Eve's private words")
    sessions["Eve"] = eve_sid
    return {"cohort": cohort, "ada": ada, "bo": bo, "eve": outsider, "sessions": sessions}


def test_dashboard_with_seeded_data(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = _seed(env["store"])
    at = _sign_in(_app("instructor", monkeypatch))
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    for expected in (
        "Proficiency heatmap",
        "Most common mistakes",
        "Scores per scenario",
        "Assignment completion",
    ):
        assert expected in subheaders
    assert len(at.get("vega_lite_chart")) >= 2  # heatmap and distribution
    text = _texts(at)
    assert "Signalling your own urgency: 2 session(s), 2 trainee(s)" in text
    assert "We must sign by Friday" in text and "Eve's private words" not in text
    assert "Phase two with a giant carmaker" in text and "carmaker-renewal" not in text  # titles, not ids
    [scores] = [d.value for d in at.dataframe if "mean" in d.value.columns]  # the "Scores per scenario" table
    assert list(scores["scenario"]) == ["Phase two with a giant carmaker"]
    assert at.get("download_button"), "CSV export button missing"

    at.selectbox(key="instructor_drill_session").select(seeded["sessions"]["Ada"])
    at = at.run()
    text = _texts(at)
    assert "**Ada**" in text and "Overall" in [m.label for m in at.metric]
    assert "Eve" not in at.selectbox(key="instructor_drill_session").options[0]


def test_signed_out_instructor_page_shows_no_data_even_with_crafted_params(
    env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = _seed(env["store"])
    monkeypatch.setenv("LEVERAGE_TEST_PAGE", "instructor")
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT)
    at.query_params["session"] = seeded["sessions"]["Ada"]
    at.query_params["cohort"] = str(seeded["cohort"].id)
    at.session_state["instructor_drill_session"] = seeded["sessions"]["Ada"]
    at = at.run()
    assert at.title[0].value == "Instructor sign-in"
    assert "We must sign by Friday" not in _texts(at) and not at.get("vega_lite_chart")


def test_page_parameters_never_reach_another_instructors_cohort(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    store = env["store"]
    seeded = _seed(store)  # the admin's cohort, with Ada's evaluated session
    bert = make_account(store, "bert", "bert's own passphrase")
    own = cohorts.create_cohort(store, bert, "Bert's cohort")
    cy = store.create_trainee("Cy", cohort_code=own.join_code)
    cy_session = store.create_session(cy.id, "carmaker-renewal", 1, "template", "{}")
    store.add_turn(cy_session, "trainee", "Cy's line")
    store.update_session(cy_session, status="agreed")
    store.save_evaluation(cy_session, make_report({"urgency_signal": 20}, quotes={"urgency_signal": [(0, "Cy's line")]}))
    ada_session = seeded["sessions"]["Ada"]
    monkeypatch.setenv("LEVERAGE_TEST_PAGE", "instructor")
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT)
    at.query_params["cohort"] = str(seeded["cohort"].id)
    at.query_params["session"] = ada_session
    at.session_state[instructor_page.TOKEN] = tokens.issue_session(store, bert)  # Bert, signed in
    at.session_state["instructor_cohort_id"] = seeded["cohort"].id  # planted: the admin's cohort and session
    at.session_state["instructor_drill_session"] = ada_session
    at.session_state["calibration_session"] = ada_session
    at = at.run()
    assert not at.exception
    assert at.selectbox(key="instructor_cohort_id").options == [f"Bert's cohort · code {cohorts.display_code(own.join_code)}"]
    assert at.selectbox(key="instructor_drill_session").value is None
    assert at.selectbox(key="calibration_session").value is None
    text = _texts(at)
    assert "We must sign by Friday" not in text and "Ada" not in text and "Sales" not in text
    assert "Cy" in text


# ---------------------------------------------------------------- trainee isolation


def test_trainee_sees_only_own_history(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = _seed(env["store"])
    ada = _app("progress", monkeypatch, seeded["ada"].id)
    assert not ada.exception
    ada_text = _texts(ada)
    assert {"History", "Trends per mistake", "Recommended next"} <= {s.value for s in ada.subheader}
    assert ada.get("vega_lite_chart"), "trend chart missing"
    assert len([b for b in ada.button if b.label == "Debrief"]) == 1

    eve = _app("progress", monkeypatch, seeded["eve"].id)
    assert len([b for b in eve.button if b.label == "Debrief"]) == 1  # her own open session only
    eve_text = _texts(eve)
    assert "not evaluated" in eve_text and "score " not in eve_text  # Ada's scored session is not listed
    assert "score " in ada_text


def test_crafted_session_id_in_url_reveals_nothing(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = _seed(env["store"])
    monkeypatch.setenv("LEVERAGE_TEST_PAGE", "progress")
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT)
    at.session_state["trainee_id"] = seeded["eve"].id
    at.query_params["session"] = seeded["sessions"]["Ada"]
    at.session_state["debrief_session_id"] = seeded["sessions"]["Ada"]
    at = at.run()
    assert "We must sign by Friday" not in _texts(at)
    assert env["store"].get_session(seeded["sessions"]["Ada"], seeded["eve"].id) is None


# ---------------------------------------------------------------- studio


def _studio(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = _sign_in(_app("studio", monkeypatch))
    assert at.title[0].value == "Scenario studio"
    return at


def test_studio_requires_sign_in(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app("studio", monkeypatch)
    assert at.title[0].value == "Instructor sign-in" and not at.text_area


def test_studio_validate_save_draft_and_publish(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _studio(monkeypatch)
    at = at.button[0].click().run()  # "Load the template"
    assert "Valid: this scenario can be published." in _texts(at)
    broken = at.text_area(key="studio_yaml").value.replace("difficulty: 1", "difficulty: 7", 1)
    at = at.text_area(key="studio_yaml").input(broken).run()
    assert "difficulty" in _texts(at) and at.button(key="studio_publish").disabled
    at.text_input(key="studio_draft_name").input("My Draft!")
    at = at.button(key="studio_save_draft").click().run()
    draft = env["data_dir"] / "scenario_drafts" / "my-draft.yaml"
    assert draft.read_text() == broken
    assert not (env["library"] / "template.yaml").exists()

    fixed = broken.replace("difficulty: 7", "difficulty: 2", 1).replace("id: template", "id: studio-made", 1)
    at = at.text_area(key="studio_yaml").input(fixed).run()
    assert not at.button(key="studio_publish").disabled
    at = at.button(key="studio_publish").click().run()
    assert (env["library"] / "studio-made.yaml").read_text() == fixed
    assert "Published to" in _texts(at)


def test_studio_test_play_shows_hidden_state(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _studio(monkeypatch)
    at.radio(key="studio_source").set_value("Clone a scenario")
    at = at.run()
    at.selectbox(key="studio_clone_source").select("carmaker-renewal")
    at.text_input(key="studio_clone_id").input("carmaker-variant")
    at = at.button[0].click().run()  # "Clone"
    assert "id: carmaker-variant" in at.text_area(key="studio_yaml").value
    at = at.button(key="studio_play_start").click().run()
    assert not at.exception
    assert [e.label for e in at.expander if "Hidden state" in e.label]
    assert at.json, "hidden state JSON missing"
    at.text_input(key="studio_play_input").input("Who else in your company cares about this renewal?")
    at = at.button(key="FormSubmitter:studio_play_form-Send").click().run()
    assert not at.exception
    play = at.session_state["studio_play"]
    assert [line.speaker for line in play.lines] == ["counterparty", "trainee", "counterparty"]
    assert play.last_step is not None and play.last_step.analysis is not None


def test_publish_falls_back_to_data_dir_when_library_read_only(
    env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.app import studio
    from trainer.config import get_settings

    settings = get_settings()
    monkeypatch.setattr(studio.os, "access", lambda path, mode: False)
    assert studio.publish_dir(settings) == env["data_dir"] / "scenarios"
    text = (
        (env["library"] / "carmaker-renewal.yaml")
        .read_text()
        .replace("id: carmaker-renewal", "id: carmaker-two", 1)
    )
    path, errors = studio.publish(settings, text)
    assert errors == [] and path == env["data_dir"] / "scenarios" / "carmaker-two.yaml"
    clash, errors = studio.publish(
        settings, (env["library"] / "carmaker-renewal.yaml").read_text(),
        {"carmaker-renewal": env["library"] / "carmaker-renewal.yaml"},
    )  # fmt: skip
    assert clash is None and "already used" in errors[0]


def test_progress_page_without_a_trainee(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app("progress", monkeypatch)
    assert not at.exception and "Start a practice session first" in at.info[0].value


# ---------------------------------------------------------------- calibration workbench


def test_calibration_workbench_saves_a_review_and_shows_agreement(env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.instructor import calibration

    store = env["store"]
    seeded = _seed(store)
    ada_session = seeded["sessions"]["Ada"]
    at = _sign_in(_app("instructor", monkeypatch))
    assert "No reviews yet" in _texts(at)
    at.selectbox(key="calibration_session").select(ada_session)
    at = at.run()
    evaluation = store.latest_evaluation(ada_session)
    assert "Turn 1" in [c.value for c in at.caption]  # the transcript beside the findings, numbered
    at = at.button(key=f"FormSubmitter:calibration_{evaluation.id}-Save review").click().run()
    assert "Give a verdict on every flagged finding" in at.error[0].value  # the flagged urgency finding
    at.radio(key=f"cal_{evaluation.id}_urgency_signal_verdict").set_value("disagree")
    at.checkbox(key=f"cal_{evaluation.id}_process_concession_missed").check()
    at.multiselect(key=f"cal_{evaluation.id}_process_concession_turns").select(1)
    at = at.button(key=f"FormSubmitter:calibration_{evaluation.id}-Save review").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [] and at.success[0].value == "Review saved."
    [review] = calibration.reviewed(store, env["admin"], seeded["cohort"].id)
    marks = review.review.marks
    assert marks["urgency_signal"].verdict == "disagree" and marks["process_concession"].verdict == "missed"
    assert marks["process_concession"].turns == (1,) and marks["weak_alternative"].verdict == "absent"
    [table] = [d.value for d in at.dataframe if "Cohen's kappa" in d.value.columns]
    urgency = table[table["mistake"] == "Signalling your own urgency"].iloc[0]
    assert (urgency["reviewed"], urgency["agreement"], urgency["grader only"]) == (1, "0%", 1)
    assert any("Signalling your own urgency: rejected 1 of 1" in e.label for e in at.expander)

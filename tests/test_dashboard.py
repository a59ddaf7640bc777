"""Cohort dashboard on seeded data: heatmap, common mistakes with evidence, distributions, completion,
drill-down scoping and CSV export, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from accounts_support import make_account
from report_factory import make_report

from trainer.instructor import cohorts, dashboard
from trainer.storage.store import Store

pytest_plugins = ["db_fixtures"]

URGENCY = "urgency_signal"


@pytest.fixture
def seeded(store: Store) -> dict:
    """Two trainees in a cohort, one outsider; Ada signals urgency repeatedly."""
    owner = make_account(store, "olga")
    cohort = cohorts.create_cohort(store, owner, "Sales Q1")
    outside = cohorts.create_cohort(store, owner, "Other")
    ada = store.create_trainee("Ada", cohort_code=cohort.join_code)
    bo = store.create_trainee('=HYPERLINK("x")', cohort_code=cohort.join_code)
    eve = store.create_trainee("Eve", cohort_code=outside.join_code)
    cohorts.assign(store, owner, cohort.id, "carmaker", date(2026, 12, 1))
    cohorts.assign(store, owner, cohort.id, "tenant")
    ids = {}

    def play(trainee, scenario, scores, quote=None, status="agreed"):
        sid = store.create_session(trainee.id, scenario, 1, "template", "{}")
        store.add_turn(sid, "trainee", quote or "Hello")
        store.update_session(sid, status=status)
        quotes = {URGENCY: [(0, quote)]} if quote else {}
        store.save_evaluation(sid, make_report(scores, quotes=quotes))
        return sid

    ids["ada1"] = play(ada, "carmaker", {URGENCY: 20}, "We need this signed by Friday.")
    ids["ada2"] = play(ada, "carmaker", {URGENCY: 40}, "Our board meets Monday, so we must close.")
    ids["bo1"] = play(bo, "tenant", {URGENCY: 30, "unified_actor": 10}, "Honestly we are desperate.")
    ids["eve1"] = play(eve, "carmaker", {URGENCY: 5}, "Eve's secret line")
    ids["open"] = store.create_session(bo.id, "carmaker", 1, "template", "{}")
    data = dashboard.load_cohort(store, owner, cohort.id)
    return {
        "store": store,
        "owner": owner,
        "cohort": cohort,
        "outside": outside,
        "ada": ada,
        "bo": bo,
        "ids": ids,
        "data": data,
    }


def test_unknown_cohort(store: Store) -> None:
    assert dashboard.load_cohort(store, make_account(store, "olga"), 12345) is None


def test_heatmap_covers_every_trainee_and_mistake(seeded: dict) -> None:
    cells = dashboard.heatmap(seeded["data"])
    assert len(cells) == 2 * 5
    ada = {c.mistake_id: c for c in cells if c.trainee_id == seeded["ada"].id}
    assert ada[URGENCY].sessions == 2 and 20 < ada[URGENCY].proficiency < 40  # recency-weighted toward 40
    assert "Eve" not in {c.trainee for c in cells}


def test_common_mistakes_with_evidence(seeded: dict) -> None:
    ranked = dashboard.common_mistakes(seeded["data"])
    top = ranked[0]
    assert top.mistake_id == URGENCY and top.occurrences == 3 and top.trainees == 2
    quotes = [e.quote for e in top.examples]
    assert "We need this signed by Friday." in quotes and "Eve's secret line" not in quotes
    assert ranked[1].mistake_id == "unified_actor" and ranked[1].examples == []


def test_score_distributions(seeded: dict) -> None:
    stats = {s.scenario_id: s for s in dashboard.score_distributions(seeded["data"])}
    assert set(stats) == {"carmaker", "tenant"}
    assert len(stats["carmaker"].scores) == 2  # Eve is not in this cohort; the open session has no evaluation
    assert stats["carmaker"].low <= stats["carmaker"].median <= stats["carmaker"].high


def test_score_distributions_are_named_by_title(seeded: dict) -> None:
    titles = {"carmaker": "Phase two with a giant carmaker", "tenant": "A café and its landlord"}
    stats = dashboard.score_distributions(seeded["data"], titles)
    assert [s.title for s in stats] == ["A café and its landlord", "Phase two with a giant carmaker"]  # by title
    assert [s.title for s in dashboard.score_distributions(seeded["data"], {})] == ["carmaker", "tenant"]


def test_completion_of_assignments(seeded: dict) -> None:
    rows = {r.scenario_id: r for r in dashboard.completion(seeded["data"])}
    assert (rows["carmaker"].completed, rows["carmaker"].total) == (
        1,
        2,
    )  # Bo's carmaker session is still open
    assert rows["carmaker"].missing == ['=HYPERLINK("x")'] and rows["carmaker"].rate == 0.5
    assert rows["tenant"].completed == 1 and rows["tenant"].missing == ["Ada"]


def test_drill_down_is_scoped_to_the_cohort(seeded: dict) -> None:
    store, cohort = seeded["store"], seeded["cohort"]
    owner = seeded["owner"]
    detail = dashboard.session_detail(store, owner, cohort.id, seeded["ids"]["ada1"])
    assert detail is not None and detail.trainee.display_name == "Ada"
    assert detail.turns[0].text == "We need this signed by Friday."
    assert detail.evaluation.report.mistakes[1].evidence[0].quote == "We need this signed by Friday."
    assert dashboard.session_detail(store, owner, cohort.id, seeded["ids"]["eve1"]) is None
    assert dashboard.session_detail(store, owner, cohort.id, "not-a-session") is None


def test_csv_export(seeded: dict) -> None:
    text = dashboard.to_csv(seeded["data"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4  # three evaluated sessions plus the open one, Eve's excluded
    assert list(rows[0]) == dashboard.CSV_COLUMNS
    first = next(r for r in rows if r["session_id"] == seeded["ids"]["ada1"])
    assert first[URGENCY] == "20" and first["trainee"] == "Ada" and first["status"] == "agreed"
    assert all(r["trainee"] != '=HYPERLINK("x")' for r in rows)  # formula injection neutralised
    assert any(r["trainee"] == '\'=HYPERLINK("x")' for r in rows)
    open_row = next(r for r in rows if r["session_id"] == seeded["ids"]["open"])
    assert open_row["overall_score"] == "" and open_row[URGENCY] == ""


def test_completion_ignores_sessions_from_before_joining_or_assigning(store: Store) -> None:
    from datetime import UTC, datetime, timedelta

    from trainer.storage.tables import SessionRow

    owner = make_account(store, "olga")
    cohort = cohorts.create_cohort(store, owner, "Sales")
    early = store.create_trainee("Early bird")
    old = store.create_session(early.id, "carmaker", 1, "template", "{}")
    store.update_session(old, status="agreed")
    with store.transaction() as db:  # played as a solo trainee two days before joining
        db.get(SessionRow, old).created_at = datetime.now(UTC) - timedelta(days=2)
    cohorts.join(store, early.id, cohort.join_code)
    cohorts.assign(store, owner, cohort.id, "carmaker")
    [row] = dashboard.completion(dashboard.load_cohort(store, owner, cohort.id))
    assert (row.completed, row.missing) == (0, ["Early bird"])
    new = store.create_session(early.id, "carmaker", 1, "template", "{}")
    store.update_session(new, status="walked_away")
    [row] = dashboard.completion(dashboard.load_cohort(store, owner, cohort.id))
    assert (row.completed, row.missing) == (1, [])

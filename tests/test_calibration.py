"""The grader-calibration workbench (issue 18, part 2): Cohen's kappa against a hand-computed value, agreement on a
seeded cohort, review rules, labels exported in the gold format and loaded by `trainer eval evaluator --labels`, and
the evaluator giving the same findings when re-run on the same transcript."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from accounts_support import make_account
from typer.testing import CliRunner

from trainer.cli import app
from trainer.domain.gold import INSTRUCTOR_SPLIT, GoldFormatError, load_gold_file
from trainer.domain.mistakes import MISTAKE_IDS
from trainer.domain.transcripts import Turn
from trainer.evaluation.evaluator import evaluate
from trainer.instructor import calibration, cohorts
from trainer.measure.evalsets import gold_dir, load_labels, score, summary
from trainer.storage.calibration import Mark
from trainer.storage.store import Store
from trainer.storage.tables import CalibrationReviewRow

pytest_plugins = ["db_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
DEV = sorted((gold_dir() / "dev").glob("*.json"))  # the split tuning may read (never heldout)


# ---------------------------------------------------------------- kappa


def test_kappa_matches_a_hand_computed_value() -> None:
    """Ten items: both say present 4, only the grader 1, only the instructor 2, both absent 3.
    p_o = 7/10 = 0.7; instructor says present 6/10, grader 5/10; p_e = 0.6*0.5 + 0.4*0.5 = 0.5;
    kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4."""
    pairs = [(True, True)] * 4 + [(False, True)] * 1 + [(True, False)] * 2 + [(False, False)] * 3
    assert calibration.raw_agreement(pairs) == pytest.approx(0.7)
    assert calibration.cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_edge_cases() -> None:
    assert calibration.cohen_kappa([]) is None
    assert calibration.cohen_kappa([(True, True)] * 5) is None  # p_e = 1: both always said "present"
    assert calibration.cohen_kappa([(True, True), (False, False)] * 3) == pytest.approx(1.0)
    assert calibration.cohen_kappa([(True, False), (False, True)] * 3) == pytest.approx(-1.0)


def _kappa_2x2(a: int, b: int, c: int, d: int) -> float:
    """The closed form for a 2x2 table (a: both yes, b: grader only, c: instructor only, d: both no), written
    independently of the module's formula."""
    return 2 * (a * d - b * c) / ((a + b) * (b + d) + (a + c) * (c + d))


def _defined(a: int, b: int, c: int, d: int) -> bool:
    """Kappa is undefined when both raters gave one and the same answer throughout (the denominator is 0)."""
    return (a + b) * (b + d) + (a + c) * (c + d) > 0


# ---------------------------------------------------------------- a seeded cohort


def _turns(doc: dict) -> list[Turn]:
    return [Turn(speaker=t["speaker"], text=t["text"]) for t in doc["turns"]]


def _gold_marks(report, doc: dict) -> list[Mark]:
    """What a careful instructor who agrees with the gold labels would mark."""
    marks = []
    for finding in report.mistakes:
        label = doc["labels"][finding.id]
        if finding.detected:
            verdict = "agree" if label["present"] else "disagree"
        else:
            verdict = "missed" if label["present"] else "absent"
        marks.append(Mark(finding.id, finding.detected, verdict, tuple(label["evidence_turns"])))
    return marks


@pytest.fixture
def seeded(store: Store) -> dict:
    """A cohort whose sessions replay 12 dev gold transcripts, evaluated by the real evaluator and reviewed by an
    instructor whose marks follow the gold labels."""
    owner = make_account(store, "olga")
    cohort = cohorts.create_cohort(store, owner, "Calibration cohort")
    trainee = store.create_trainee("Ada", cohort_code=cohort.join_code)
    docs, sessions = [], []
    for path in DEV[:12]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        session_id = store.create_session(trainee.id, "carmaker-renewal", 1, "template", "{}")
        for turn in doc["turns"]:
            store.add_turn(session_id, turn["speaker"], turn["text"])
        store.update_session(session_id, status="ended")
        evaluation = store.save_evaluation(session_id, evaluate(_turns(doc)))
        calibration.save_review(store, owner, cohort.id, session_id, evaluation.id,
                                _gold_marks(evaluation.report, doc))  # fmt: skip
        docs.append(doc)
        sessions.append(session_id)
    return {"store": store, "owner": owner, "cohort": cohort, "docs": docs, "sessions": sessions}


def test_agreement_and_kappa_on_a_seeded_cohort(seeded: dict) -> None:
    reviewed = calibration.reviewed(seeded["store"], seeded["owner"], seeded["cohort"].id)
    assert len(reviewed) == 12
    table = {a.mistake_id: a for a in calibration.agreement_table(reviewed)}
    for mistake in MISTAKE_IDS:
        cells = {"a": 0, "b": 0, "c": 0, "d": 0}
        for doc in seeded["docs"]:
            gold = doc["labels"][mistake]["present"]
            flagged = next(f.detected for f in evaluate(_turns(doc)).mistakes if f.id == mistake)
            key = "a" if gold and flagged else "b" if flagged else "c" if gold else "d"
            cells[key] += 1
        row = table[mistake]
        assert (row.both_present, row.evaluator_only, row.instructor_only, row.both_absent) == tuple(cells.values())
        assert row.pairs == 12 and row.unsure == 0
        assert row.agreement == pytest.approx((cells["a"] + cells["d"]) / 12)
        assert row.kappa == (pytest.approx(_kappa_2x2(*cells.values())) if _defined(*cells.values()) else None)


def test_unsure_marks_are_left_out_and_rejections_are_ranked(seeded: dict) -> None:
    store, owner, cohort = seeded["store"], seeded["owner"], seeded["cohort"]
    session_id = _mixed_session(seeded)
    evaluation = store.latest_evaluation(session_id)
    flagged = [f for f in evaluation.report.mistakes if f.detected]
    marks = [Mark(f.id, f.detected, "unsure" if f.detected else "absent") for f in evaluation.report.mistakes]
    calibration.save_review(store, owner, cohort.id, session_id, evaluation.id, marks)  # replaces the review
    reviewed = calibration.reviewed(store, owner, cohort.id)
    assert len(reviewed) == 12  # still one review per evaluation
    table = {a.mistake_id: a for a in calibration.agreement_table(reviewed)}
    assert table[flagged[0].id].unsure == 1 and table[flagged[0].id].pairs == 11

    rejected = calibration.most_rejected(reviewed)
    counts = [r.rejected for r in rejected]
    assert counts == sorted(counts, reverse=True) and all(r.rejected > 0 for r in rejected)
    for r in rejected:
        assert 0 < r.rate <= 1 and len(r.quotes) <= calibration.MAX_QUOTES


def test_change_over_time_groups_reviews_by_month(seeded: dict) -> None:
    store, owner, cohort = seeded["store"], seeded["owner"], seeded["cohort"]
    with store.transaction() as db:  # half the reviews were saved in an earlier month
        for row in db.query(CalibrationReviewRow).order_by(CalibrationReviewRow.id).limit(6):
            row.updated_at = datetime(2026, 1, 15, tzinfo=UTC)
    trend = calibration.over_time(calibration.reviewed(store, owner, cohort.id))
    months = sorted({r.period for r in trend})
    assert months[0] == "2026-01" and len(months) == 2
    assert all(r.pairs == 6 for r in trend)


def test_sample_is_stable_and_from_the_cohort(seeded: dict) -> None:
    store, owner, cohort = seeded["store"], seeded["owner"], seeded["cohort"]
    first = calibration.sample(store, owner, cohort.id, size=5)
    assert len(first) == 5 and first == calibration.sample(store, owner, cohort.id, size=5)
    assert {s.session_id for s in first} <= set(seeded["sessions"])
    assert [s.session_id for s in calibration.sample(store, owner, cohort.id, size=20)][:5] == [s.session_id for s in first]


# ---------------------------------------------------------------- review rules


def _mixed_session(seeded: dict) -> str:
    """A seeded session whose report flags some mistakes and clears others."""
    for session_id in seeded["sessions"]:
        found = {f.detected for f in seeded["store"].latest_evaluation(session_id).report.mistakes}
        if found == {True, False}:
            return session_id
    raise AssertionError("no seeded session both flags and clears mistakes")


def test_build_marks_rules(seeded: dict) -> None:
    store = seeded["store"]
    session_id = _mixed_session(seeded)
    report = store.latest_evaluation(session_id).report
    turns = store.list_turns(session_id)
    flagged = next(f for f in report.mistakes if f.detected)
    clear = next(f for f in report.mistakes if not f.detected)
    counterparty_turn = next(i for i, t in enumerate(turns) if t.speaker == "counterparty")
    trainee_turn = next(i for i, t in enumerate(turns) if t.speaker == "trainee")

    marks = {m.mistake_id: m for m in calibration.build_marks(report, turns, {flagged.id: ("agree", [])})}
    assert marks[flagged.id].turns == tuple(sorted({e.turn for e in flagged.evidence}))  # the grader's evidence
    assert marks[clear.id].verdict == "absent" and len(marks) == 5
    with pytest.raises(calibration.ReviewError, match="pick the turn"):
        calibration.build_marks(report, turns, {clear.id: ("missed", [])})
    with pytest.raises(calibration.ReviewError, match="trainee's own turns"):
        calibration.build_marks(report, turns, {clear.id: ("missed", [counterparty_turn])})
    with pytest.raises(calibration.ReviewError, match="choose one of"):
        calibration.build_marks(report, turns, {clear.id: ("agree", [trainee_turn])})  # nothing flagged to agree with
    missed = calibration.build_marks(report, turns, {clear.id: ("missed", [trainee_turn])})
    assert next(m for m in missed if m.mistake_id == clear.id).turns == (trainee_turn,)


# ---------------------------------------------------------------- exported labels


def test_exported_labels_are_gold_format_and_load_with_eval_evaluator(seeded: dict, tmp_path: Path) -> None:
    store, owner, cohort = seeded["store"], seeded["owner"], seeded["cohort"]
    export = calibration.export_labels(store, owner, cohort.id, {"carmaker-renewal": "Phase two"})
    assert export.skipped == [] and len(export.documents) == 12
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(d.model_dump(mode="json")) + "\n" for d in export.documents), encoding="utf-8")
    docs = load_gold_file(path)
    assert {d.split for d in docs} == {INSTRUCTOR_SPLIT} and len({d.id for d in docs}) == 12
    for doc, gold in zip(docs, seeded["docs"], strict=True):  # the instructor's judgement, turn for turn
        assert [t.text for t in doc.turns] == [t["text"] for t in gold["turns"]]
        for mistake in MISTAKE_IDS:
            assert doc.labels[mistake].present == gold["labels"][mistake]["present"]
            assert doc.labels[mistake].evidence_turns == sorted(gold["labels"][mistake]["evidence_turns"])

    result = CliRunner().invoke(app, ["eval", "evaluator", "--labels", str(path), "--json"])
    assert result.exit_code == 0, result.output
    measured = json.loads(result.stdout)["splits"]["labels:labels.jsonl/reader"]  # main names the rules-only mode "reader"
    direct = summary(score(load_labels(path), lambda t: evaluate(t)))
    assert measured["transcripts"] == 12 and measured["macro_f1"] == direct["macro_f1"]
    assert measured["per_mistake"] == direct["per_mistake"]


def test_sessions_marked_unsure_are_skipped_with_a_reason(seeded: dict) -> None:
    store, owner, cohort = seeded["store"], seeded["owner"], seeded["cohort"]
    session_id = _mixed_session(seeded)
    evaluation = store.latest_evaluation(session_id)
    marks = [Mark(f.id, f.detected, "unsure" if f.detected else "absent") for f in evaluation.report.mistakes]
    calibration.save_review(store, owner, cohort.id, session_id, evaluation.id, marks)
    export = calibration.export_labels(store, owner, cohort.id)
    assert len(export.documents) == 11
    [reason] = export.skipped
    assert session_id[:8] in reason and "unsure" in reason


@pytest.mark.parametrize("content, where", [
    ('{"id": "x", "split": "instructor", "turns": [{"speaker": "trainee", "text": "hi"}], "labels": {}}', "labels"),
    ('[{"id": "x", "split": "i", "turns": [{"speaker": "trainee", "text": "hi"}], "labels": {}, "extra": 1}]',
     "document 1"),
    ("not json\n", "line 1"),
])  # fmt: skip
def test_a_bad_labels_file_names_file_and_field(tmp_path: Path, content: str, where: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFormatError, match=where):
        load_gold_file(path)
    result = CliRunner().invoke(app, ["eval", "evaluator", "--labels", str(path)])
    assert result.exit_code == 2 and "bad.json" in result.output and "Traceback" not in result.output


def test_evidence_on_a_counterparty_turn_is_refused(tmp_path: Path) -> None:
    doc = json.loads(DEV[0].read_text(encoding="utf-8"))
    counterparty = next(i for i, t in enumerate(doc["turns"]) if t["speaker"] == "counterparty")
    doc["labels"]["urgency_signal"] = {"present": True, "evidence_turns": [counterparty]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(GoldFormatError, match="labels.urgency_signal.evidence_turns"):
        load_gold_file(path)


# ---------------------------------------------------------------- the evaluator is stable


def test_rerunning_the_evaluator_gives_the_same_findings(seeded: dict) -> None:
    """The same transcript, evaluated again (here, and from the stored turns), gives the same report."""
    store = seeded["store"]
    for path in DEV:
        turns = _turns(json.loads(path.read_text(encoding="utf-8")))
        assert evaluate(turns).model_dump() == evaluate(turns).model_dump(), path.name
    for session_id in seeded["sessions"]:
        stored = store.latest_evaluation(session_id).report
        replayed = evaluate([Turn(speaker=t.speaker, text=t.text) for t in store.list_turns(session_id)])
        assert replayed == stored


_RUN = """
import json, sys
from trainer.domain.transcripts import Turn
from trainer.evaluation.evaluator import evaluate
out = []
for path in sys.argv[1:]:
    doc = json.load(open(path, encoding="utf-8"))
    out.append(evaluate([Turn(speaker=t["speaker"], text=t["text"]) for t in doc["turns"]]).model_dump(mode="json"))
print(json.dumps(out))
"""


def test_the_same_findings_in_a_fresh_process_with_another_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED: two processes with different seeds must agree."""
    paths = [str(p) for p in DEV[:15]]
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _RUN, *paths], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=True)  # fmt: skip
        runs.append(json.loads(done.stdout))
    here = [evaluate(_turns(json.loads(Path(p).read_text(encoding="utf-8")))).model_dump(mode="json") for p in paths]
    assert runs[0] == runs[1] == here

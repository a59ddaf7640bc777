"""The grader-calibration workbench: instructors check the evaluator's findings on a sample of their cohort's
sessions, and the dashboard shows how often and how well they agree.

Per reviewed evaluation and mistake there are two yes/no labels:
- the evaluator's: did it flag the mistake (`detected`);
- the instructor's, from their mark: `agree` keeps the evaluator's call, `disagree` flips it, `absent` / `missed`
  say no / yes for a mistake the evaluator did not flag, and `unsure` gives no label (that pair is left out).

Per mistake the dashboard shows raw agreement (the share of pairs with the same label) and Cohen's kappa,

    kappa = (p_o - p_e) / (1 - p_e),  p_e = p_I * p_E + (1 - p_I) * (1 - p_E)

where p_o is the raw agreement and p_I, p_E are the shares of "present" labels from the instructor and the evaluator
(kappa is undefined, None, when p_e = 1: both always said the same one thing). It also shows both by month of
review, and the findings instructors reject most (the evaluator flagged it, the instructor disagreed).

`export_labels` writes the reviewed sessions in the gold-transcript format (`trainer.domain.gold`), split
"instructor", so instructors' judgements can become training and test data for the reader; they never go into the
gold set's own splits, least of all the blind held-out one.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from trainer.domain.gold import INSTRUCTOR_SPLIT, GoldTranscript
from trainer.domain.mistakes import MISTAKE_IDS, MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.storage import calibration as calibration_store
from trainer.storage import cohorts as cohort_store
from trainer.storage.accounts import Account
from trainer.storage.calibration import EvaluatedSession, Mark, Review, ReviewedEvaluation
from trainer.storage.store import Store, StoredTurn, StoreError

SAMPLE_SIZE = 10
FINDING_VERDICTS = ("agree", "disagree", "unsure")  # for a mistake the evaluator flagged
MISSED_VERDICTS = ("absent", "missed")  # for one it did not
MAX_QUOTES = 3


class ReviewError(ValueError):
    """A review that cannot be saved as given (an unknown verdict, a turn that is not the trainee's)."""


# ---------------------------------------------------------------- labels and statistics


def instructor_label(mark: Mark) -> bool | None:
    """The instructor's yes/no on the mistake (None for unsure)."""
    return {
        "agree": mark.evaluator_detected,
        "disagree": not mark.evaluator_detected,
        "absent": False,
        "missed": True,
        "unsure": None,
    }[mark.verdict]


def cohen_kappa(pairs: Sequence[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa for two raters' yes/no labels on the same items (None without items or when p_e = 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    p_a = sum(a for a, _ in pairs) / n
    p_b = sum(b for _, b in pairs) / n
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def raw_agreement(pairs: Sequence[tuple[bool, bool]]) -> float | None:
    """Share of items both raters labelled the same (None without items)."""
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else None


@dataclass(frozen=True)
class Agreement:
    mistake_id: str
    title: str
    pairs: int  # reviewed evaluations with a yes/no from the instructor
    unsure: int
    agreement: float | None
    kappa: float | None
    both_present: int
    evaluator_only: int  # the evaluator flagged it, the instructor did not
    instructor_only: int  # the instructor saw it, the evaluator missed it
    both_absent: int


@dataclass(frozen=True)
class PeriodAgreement:
    period: str  # YYYY-MM of the review
    mistake_id: str
    title: str
    pairs: int
    agreement: float | None
    kappa: float | None


@dataclass(frozen=True)
class Rejection:
    mistake_id: str
    title: str
    rejected: int  # flagged findings the instructor disagreed with
    flagged: int  # flagged findings the instructor gave a verdict on (agree or disagree)
    quotes: list[str] = field(default_factory=list)  # evidence lines of rejected findings

    @property
    def rate(self) -> float:
        """Share of the flagged findings that were rejected."""
        return self.rejected / self.flagged if self.flagged else 0.0


def label_pairs(reviewed: Iterable[ReviewedEvaluation], mistake_id: str) -> tuple[list[tuple[bool, bool]], int]:
    """(instructor, evaluator) labels for one mistake over the reviews, and how many were unsure."""
    pairs: list[tuple[bool, bool]] = []
    unsure = 0
    for item in reviewed:
        mark = item.review.marks.get(mistake_id)
        if mark is None:
            continue
        label = instructor_label(mark)
        if label is None:
            unsure += 1
        else:
            pairs.append((label, mark.evaluator_detected))
    return pairs, unsure


def agreement_table(reviewed: Sequence[ReviewedEvaluation]) -> list[Agreement]:
    """Raw agreement and kappa per mistake, with the 2x2 counts behind them."""
    rows = []
    for mistake_id in MISTAKE_IDS:
        pairs, unsure = label_pairs(reviewed, mistake_id)
        cells = {key: sum(1 for p in pairs if p == key) for key in ((True, True), (False, True), (True, False),
                                                                    (False, False))}  # fmt: skip
        rows.append(Agreement(
            mistake_id, MISTAKE_TITLES[mistake_id], len(pairs), unsure, raw_agreement(pairs), cohen_kappa(pairs),
            cells[(True, True)], cells[(False, True)], cells[(True, False)], cells[(False, False)],
        ))  # fmt: skip
    return rows


def over_time(reviewed: Sequence[ReviewedEvaluation]) -> list[PeriodAgreement]:
    """Agreement and kappa per mistake for each month in which reviews were saved, oldest month first."""
    by_month: dict[str, list[ReviewedEvaluation]] = defaultdict(list)
    for item in reviewed:
        by_month[item.review.updated_at.strftime("%Y-%m")].append(item)
    rows = []
    for month in sorted(by_month):
        for mistake_id in MISTAKE_IDS:
            pairs, _ = label_pairs(by_month[month], mistake_id)
            if pairs:
                rows.append(PeriodAgreement(month, mistake_id, MISTAKE_TITLES[mistake_id], len(pairs),
                                            raw_agreement(pairs), cohen_kappa(pairs)))  # fmt: skip
    return rows


def most_rejected(reviewed: Sequence[ReviewedEvaluation], max_quotes: int = MAX_QUOTES) -> list[Rejection]:
    """Mistakes whose flagged findings instructors reject, most rejections first (only those with any)."""
    rejected: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    quotes: dict[str, list[str]] = defaultdict(list)
    for item in reviewed:
        findings = {f.id: f for f in _report(item.report_json).mistakes}
        for mistake_id, mark in item.review.marks.items():
            if not mark.evaluator_detected or mark.verdict not in ("agree", "disagree"):
                continue
            flagged[mistake_id] += 1
            if mark.verdict == "disagree":
                rejected[mistake_id] += 1
                finding = findings.get(mistake_id)
                if finding is not None and finding.evidence and len(quotes[mistake_id]) < max_quotes:
                    quotes[mistake_id].append(finding.evidence[0].quote)
    ranked = sorted(rejected, key=lambda m: (-rejected[m], -rejected[m] / flagged[m], MISTAKE_IDS.index(m)))
    return [Rejection(m, MISTAKE_TITLES[m], rejected[m], flagged[m], quotes[m]) for m in ranked]


def _report(report_json: str) -> Report:
    return Report.model_validate_json(report_json)


# ---------------------------------------------------------------- the workbench


def sample(store: Store, owner: Account, cohort_id: int, size: int = SAMPLE_SIZE) -> list[EvaluatedSession]:
    """A stable pseudo-random sample of the cohort's evaluated sessions, the same on every visit for this instructor
    (ordered by a hash of instructor and session, so new sessions join it without reshuffling the rest)."""
    sessions = calibration_store.evaluated_sessions(store, owner.id, cohort_id)

    def key(s: EvaluatedSession) -> str:
        return hashlib.sha256(f"{owner.id}:{s.session_id}".encode()).hexdigest()

    return sorted(sessions, key=key)[:size]


def reviewed(store: Store, owner: Account, cohort_id: int) -> list[ReviewedEvaluation]:
    """This instructor's reviews in one of their cohorts (empty for anyone else's)."""
    return calibration_store.reviews(store, owner.id, cohort_id)


def review_of(store: Store, owner: Account, cohort_id: int, evaluation_id: int) -> Review | None:
    """This instructor's saved review of one evaluation, if any."""
    return calibration_store.review_of(store, owner.id, cohort_id, evaluation_id)


def build_marks(report: Report, turns: Sequence[StoredTurn], choices: Mapping[str, tuple[str, Sequence[int]]]) -> list[Mark]:
    """Marks for all five mistakes from the form: (verdict, turns) per mistake id.

    A flagged finding takes agree / disagree / unsure (agree keeps the evaluator's evidence turns unless others are
    given); an unflagged mistake takes absent (the default) or missed, which needs at least one trainee turn."""
    trainee_turns = {i for i, t in enumerate(turns) if t.speaker == "trainee"}
    marks = []
    for finding in report.mistakes:
        verdict, chosen = choices.get(finding.id, ("unsure" if finding.detected else "absent", ()))
        allowed = FINDING_VERDICTS if finding.detected else MISSED_VERDICTS
        if verdict not in allowed:
            raise ReviewError(f"{MISTAKE_TITLES[finding.id]}: choose one of {', '.join(allowed)}")
        picked = sorted(set(chosen))
        if any(i not in trainee_turns for i in picked):
            raise ReviewError(f"{MISTAKE_TITLES[finding.id]}: evidence must be the trainee's own turns")
        if verdict == "agree" and not picked:
            picked = sorted({e.turn for e in finding.evidence} & trainee_turns)
        if verdict in ("agree", "missed") and not picked:
            raise ReviewError(f"{MISTAKE_TITLES[finding.id]}: pick the turn(s) where the trainee made the mistake")
        keep = picked if verdict in ("agree", "missed") else []
        marks.append(Mark(finding.id, finding.detected, verdict, tuple(keep)))
    return marks


def save_review(
    store: Store, owner: Account, cohort_id: int, session_id: str, evaluation_id: int, marks: list[Mark]
) -> Review:
    """Save this instructor's marks on one evaluation of a session in their cohort (StoreError otherwise)."""
    return calibration_store.save_review(store, owner.id, cohort_id, session_id, evaluation_id, marks)


# ---------------------------------------------------------------- exporting labels


@dataclass(frozen=True)
class LabelExport:
    documents: list[GoldTranscript]
    skipped: list[str]  # one line per reviewed session left out, with the reason


def export_labels(
    store: Store, owner: Account, cohort_id: int, titles: Mapping[str, str] | None = None
) -> LabelExport:
    """The cohort's reviewed sessions as gold-format documents (the latest review of each session)."""
    if cohort_store.owned_cohort(store, owner.id, cohort_id) is None:
        raise StoreError(cohort_store.UNKNOWN_COHORT)
    latest: dict[str, ReviewedEvaluation] = {}
    for item in reviewed(store, owner, cohort_id):  # oldest first: later reviews replace earlier ones
        latest[item.review.session_id] = item
    documents, skipped = [], []
    for n, item in enumerate(latest.values(), start=1):
        try:
            documents.append(_document(n, item, store.list_turns(item.review.session_id), titles or {}))
        except (ReviewError, ValidationError) as exc:
            skipped.append(f"session {item.review.session_id[:8]}: {_first_line(exc)}")
    return LabelExport(documents, skipped)


def _document(n: int, item: ReviewedEvaluation, turns: Sequence[StoredTurn], titles: Mapping[str, str]) -> GoldTranscript:
    """One reviewed session as a gold document (ReviewError when a mark cannot become a yes/no label)."""
    labels = {}
    for mistake_id in MISTAKE_IDS:
        mark = item.review.marks.get(mistake_id)
        if mark is None:
            raise ReviewError(f"no mark for {mistake_id}")
        present = instructor_label(mark)
        if present is None:
            raise ReviewError(f"marked unsure on {mistake_id}")
        labels[mistake_id] = {"present": present, "evidence_turns": list(mark.turns) if present else []}
    slug = re.sub(r"[^a-z0-9]+", "_", f"{item.scenario_id}_{item.review.session_id[:8]}".lower()).strip("_")
    reviewed_on = item.review.updated_at.date().isoformat()
    return GoldTranscript.model_validate({
        "id": f"{n:03d}_{slug}",
        "domain": titles.get(item.scenario_id, item.scenario_id),
        "split": INSTRUCTOR_SPLIT,
        "turns": [{"speaker": t.speaker, "text": t.text} for t in turns],
        "labels": labels,
        "hard_negative_for": [],
        "notes": f"Instructor review of a practice session on {reviewed_on} (calibration workbench).",
    })  # fmt: skip


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'document'}: {first['msg']}"
    return str(exc).splitlines()[0]

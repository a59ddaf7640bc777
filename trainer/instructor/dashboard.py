"""The instructor's cohort dashboard: heatmap, common mistakes with evidence, score distributions,
assignment completion, drill-down and CSV export.

`load_cohort` reads everything once (a handful of set-based queries), and only for the cohort's owner; the other
functions are pure, so the page can compute every panel from one snapshot and tests can check them without a UI.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from trainer.domain.mistakes import MISTAKE_IDS, MISTAKE_TITLES
from trainer.domain.report import Report
from trainer.instructor.cohorts import counts_for, list_assignments, my_cohort, trainees
from trainer.instructor.progress import DETECTED_BELOW, weighted_proficiency
from trainer.storage import cohorts as cohort_store
from trainer.storage.accounts import Account
from trainer.storage.cohorts import OwnedSession
from trainer.storage.history import HistoryEntry, load_history
from trainer.storage.store import Assignment, Cohort, Store, Trainee

MAX_EXAMPLES = 3


@dataclass(frozen=True)
class CohortData:
    cohort: Cohort
    trainees: list[Trainee]
    history: list[HistoryEntry]  # oldest first, with report JSON
    assignments: list[Assignment]

    def name_of(self, trainee_id: str) -> str:
        """Display name for a trainee id (ids stay out of the UI)."""
        return next((t.display_name for t in self.trainees if t.id == trainee_id), "?")


@dataclass(frozen=True)
class HeatCell:
    trainee_id: str
    trainee: str
    mistake_id: str
    mistake: str
    proficiency: float | None  # recency-weighted, as on the trainee's progress page
    sessions: int


@dataclass(frozen=True)
class Example:
    trainee: str
    session_id: str
    scenario_id: str
    quote: str


@dataclass(frozen=True)
class CommonMistake:
    mistake_id: str
    title: str
    occurrences: int  # evaluated sessions in which it was detected
    trainees: int  # distinct trainees who made it
    examples: list[Example]


@dataclass(frozen=True)
class ScoreStats:
    scenario_id: str
    title: str  # the scenario's title (its id when the library no longer has it)
    scores: list[int]
    mean: float
    median: float
    low: int
    high: int


@dataclass(frozen=True)
class Completion:
    scenario_id: str
    due_date: date | None
    completed: int
    total: int
    missing: list[str]  # display names of trainees who have not finished it

    @property
    def rate(self) -> float:
        """Share of the cohort that finished (0 for an empty cohort)."""
        return self.completed / self.total if self.total else 0.0


SessionDetail = OwnedSession  # one session of the cohort: session, trainee, turns, latest evaluation


def load_cohort(store: Store, owner: Account, cohort_id: int) -> CohortData | None:
    """One snapshot of a cohort's data, for its owner only (None for an unknown or someone else's cohort)."""
    cohort = my_cohort(store, owner, cohort_id)
    if cohort is None:
        return None
    return CohortData(
        cohort=cohort,
        trainees=trainees(store, owner, cohort_id),
        history=load_history(store, cohort_id=cohort_id, owner_id=owner.id, with_reports=True),
        assignments=list_assignments(store, owner, cohort_id),
    )


def _by_trainee(data: CohortData) -> dict[str, list[HistoryEntry]]:
    """Evaluated sessions per trainee, oldest first."""
    grouped: dict[str, list[HistoryEntry]] = defaultdict(list)
    for entry in data.history:
        if entry.evaluated:
            grouped[entry.trainee_id].append(entry)
    return grouped


def heatmap(data: CohortData) -> list[HeatCell]:
    """Trainees × mistakes, every cell present (None where a trainee has no evaluated session)."""
    grouped = _by_trainee(data)
    cells = []
    for trainee in data.trainees:
        entries = grouped.get(trainee.id, [])
        for mistake_id in MISTAKE_IDS:
            scores = [e.scores[mistake_id] for e in entries if mistake_id in e.scores]
            prof = weighted_proficiency(scores)
            cells.append(
                HeatCell(
                    trainee.id,
                    trainee.display_name,
                    mistake_id,
                    MISTAKE_TITLES[mistake_id],
                    None if prof is None else round(prof, 1),
                    len(scores),
                )  # fmt: skip
            )
    return cells


def common_mistakes(data: CohortData, max_examples: int = MAX_EXAMPLES) -> list[CommonMistake]:
    """Mistakes ranked by how often they were detected, each with a few real evidence lines."""
    occurrences: Counter[str] = Counter()
    who: dict[str, set[str]] = defaultdict(set)
    examples: dict[str, list[Example]] = defaultdict(list)
    for entry in data.history:
        for finding in _detected(entry):
            occurrences[finding.id] += 1
            who[finding.id].add(entry.trainee_id)
            for evidence in finding.evidence[:1]:  # one line per session keeps examples varied
                if len(examples[finding.id]) < max_examples:
                    example = Example(
                        data.name_of(entry.trainee_id), entry.session_id, entry.scenario_id, evidence.quote
                    )
                    examples[finding.id].append(example)
    ranked = sorted(occurrences, key=lambda m: (-occurrences[m], MISTAKE_IDS.index(m)))
    return [CommonMistake(m, MISTAKE_TITLES[m], occurrences[m], len(who[m]), examples[m]) for m in ranked]


def _detected(entry: HistoryEntry) -> list[Any]:
    """Findings flagged in a session's latest report (falls back to scores if the report is unreadable)."""
    if not entry.report_json:
        return []
    try:
        report = Report.model_validate_json(entry.report_json)
    except ValueError:
        return []
    return [f for f in report.mistakes if f.detected or f.score < DETECTED_BELOW]


def score_distributions(data: CohortData, titles: Mapping[str, str] | None = None) -> list[ScoreStats]:
    """Overall scores per scenario (evaluated sessions only), ordered by title, each named by its title."""
    per: dict[str, list[int]] = defaultdict(list)
    for entry in data.history:
        if entry.overall_score is not None:
            per[entry.scenario_id].append(entry.overall_score)
    names = titles or {}
    stats = [
        ScoreStats(sid, names.get(sid, sid), s, round(statistics.fmean(s), 1), float(statistics.median(s)), min(s),
                   max(s))
        for sid, s in per.items()
    ]  # fmt: skip
    return sorted(stats, key=lambda s: (s.title.lower(), s.scenario_id))


def completion(data: CohortData) -> list[Completion]:
    """For each assignment: who did it (see `cohorts.counts_for`: a root session finished, itself or one of its
    branches, started after the assignment and after joining) and who has not. A rewound session counts once, as
    its root."""
    rows = []
    for a in data.assignments:
        done = {
            t.id for t in data.trainees
            if any(counts_for(e, a, t.cohort_joined_at) for e in data.history if e.trainee_id == t.id)
        }  # fmt: skip
        missing = [t.display_name for t in data.trainees if t.id not in done]
        rows.append(
            Completion(
                a.scenario_id, a.due_date, len(data.trainees) - len(missing), len(data.trainees), missing
            )
        )
    return rows


CSV_COLUMNS = [
    "trainee",
    "trainee_id",
    "session_id",
    "scenario_id",
    "date",
    "status",
    "overall_score",
    *MISTAKE_IDS,
]


def to_csv(data: CohortData) -> str:
    """One row per session with its latest scores, for spreadsheets (formula injection neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for e in data.history:
        row = [data.name_of(e.trainee_id), e.trainee_id, e.session_id, e.scenario_id]
        row += [e.created_at.isoformat(timespec="seconds"), e.status, _blank(e.overall_score)]
        row += [_blank(e.scores.get(m)) for m in MISTAKE_IDS]
        writer.writerow([_safe_cell(v) for v in row])
    return buffer.getvalue()


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


def _safe_cell(value: str) -> str:
    """Trainee-typed names starting with = + - @ would run as formulas in Excel; prefix a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def session_detail(store: Store, owner: Account, cohort_id: int, session_id: str) -> SessionDetail | None:
    """Drill-down into one session, only if it belongs to a trainee of a cohort this instructor owns."""
    return cohort_store.owned_session(store, owner.id, cohort_id, session_id)

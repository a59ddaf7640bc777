"""A trainee's progress: history, per-mistake trends, recency-weighted proficiency, persistent mistakes and
a recommended next scenario.

Proficiency (per mistake, 0-100) is an exponentially weighted mean of the mistake's scores over the
trainee's evaluated sessions, newest weighted most:

    w_i = 0.5 ** ((n - 1 - i) / H)        i = 0 (oldest) .. n-1 (newest), H = HALF_LIFE sessions
    proficiency = sum(w_i * s_i) / sum(w_i)

so a session H sessions ago counts half as much as the latest one (H = 3: the latest five sessions carry
about 80% of the weight). A mistake is *persistent* when it was detected (score < `DETECTED_BELOW`) in at
least 2 of the last 3 evaluated sessions. The recommended next scenario trains the weakest mistake at a
difficulty matched to that proficiency, preferring scenarios the trainee has played least.

Real conversations the trainee evaluated and chose to keep count like any evaluated session (the same five
mistakes, scored by the same evaluator) and are marked `kind == "real"`; they are not scenarios, so they never
count as a scenario played for the recommendation, nor as an assignment done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from trainer.domain.mistakes import MISTAKE_IDS, MISTAKE_TITLES
from trainer.scenarios.schema import Scenario
from trainer.storage.history import HistoryEntry, load_history
from trainer.storage.saved import SavedEvaluation, list_saved
from trainer.storage.store import Store

HALF_LIFE = 3.0  # sessions
DETECTED_BELOW = 60  # a mistake score under this counts as the mistake being made
PERSIST_WINDOW, PERSIST_MIN = 3, 2


@dataclass(frozen=True)
class TrendPoint:
    session_id: str
    scenario_id: str
    when: datetime
    score: int
    proficiency: float  # the weighted mean up to and including this session


@dataclass(frozen=True)
class MistakeProgress:
    mistake_id: str
    title: str
    proficiency: float | None  # None until the first evaluated session
    latest: int | None
    sessions: int
    persistent: bool
    trend: list[TrendPoint]


@dataclass(frozen=True)
class Recommendation:
    scenario_id: str | None
    reason: str


@dataclass(frozen=True)
class Progress:
    history: list[HistoryEntry]  # newest first, including unevaluated sessions
    mistakes: dict[str, MistakeProgress]
    overall: float | None
    recommendation: Recommendation

    @property
    def persistent(self) -> list[MistakeProgress]:
        """Mistakes that keep recurring, weakest first."""
        found = [m for m in self.mistakes.values() if m.persistent]
        return sorted(found, key=lambda m: m.proficiency if m.proficiency is not None else 0)


def weights(n: int, half_life: float = HALF_LIFE) -> list[float]:
    """Recency weights for n sessions, oldest first; the newest has weight 1."""
    return [0.5 ** ((n - 1 - i) / half_life) for i in range(n)]


def weighted_proficiency(scores: Sequence[float], half_life: float = HALF_LIFE) -> float | None:
    """The exponentially weighted mean documented above (None for no scores)."""
    if not scores:
        return None
    w = weights(len(scores), half_life)
    return sum(wi * si for wi, si in zip(w, scores, strict=True)) / sum(w)


def is_persistent(scores: Sequence[int]) -> bool:
    """Detected in at least PERSIST_MIN of the last PERSIST_WINDOW evaluated sessions."""
    recent = scores[-PERSIST_WINDOW:]
    return sum(1 for s in recent if s < DETECTED_BELOW) >= PERSIST_MIN


def mistake_progress(evaluated: Sequence[HistoryEntry], mistake_id: str) -> MistakeProgress:
    """Trend, proficiency and persistence of one mistake over evaluated sessions (oldest first)."""
    rows = [e for e in evaluated if mistake_id in e.scores]
    scores = [e.scores[mistake_id] for e in rows]
    trend = [
        TrendPoint(
            e.session_id, e.scenario_id, e.created_at, s, round(weighted_proficiency(scores[: i + 1]), 1)
        )
        for i, (e, s) in enumerate(zip(rows, scores, strict=True))
    ]
    prof = weighted_proficiency(scores)
    return MistakeProgress(
        mistake_id=mistake_id,
        title=MISTAKE_TITLES.get(mistake_id, mistake_id),
        proficiency=None if prof is None else round(prof, 1),
        latest=scores[-1] if scores else None,
        sessions=len(scores),
        persistent=is_persistent(scores),
        trend=trend,
    )


def summarise(history: Sequence[HistoryEntry], scenarios: Mapping[str, Scenario] | None = None) -> Progress:
    """Everything the progress page shows, from a trainee's history (oldest first)."""
    evaluated = [e for e in history if e.evaluated]
    mistakes = {m: mistake_progress(evaluated, m) for m in MISTAKE_IDS}
    overall = weighted_proficiency([e.overall_score for e in evaluated])
    rec = recommend(mistakes, history, scenarios or {})
    return Progress(
        history=list(reversed(history)),
        mistakes=mistakes,
        overall=None if overall is None else round(overall, 1),
        recommendation=rec,
    )


def trainee_progress(store: Store, trainee_id: str, scenarios: Mapping[str, Scenario] | None = None) -> Progress:
    """Load and summarise one trainee's progress: their own sessions and kept real conversations, by construction."""
    practice = load_history(store, trainee_id=trainee_id)
    real = [real_entry(saved) for saved in list_saved(store, trainee_id)]
    return summarise(sorted(practice + real, key=lambda e: e.created_at), scenarios)


def real_entry(saved: SavedEvaluation) -> HistoryEntry:
    """A kept real conversation as a history entry, marked as real (its id is `real-<n>`)."""
    return HistoryEntry(
        session_id=f"real-{saved.id}", trainee_id=saved.trainee_id, scenario_id=saved.scenario_id or "",
        status="ended", created_at=saved.created_at, outcome=None, overall_score=saved.overall_score,
        scores={m.id: m.score for m in saved.report.mistakes}, kind="real", label=saved.label,
    )  # fmt: skip


def target_difficulty(proficiency: float | None) -> int:
    """1 for beginners on this mistake, 2 for improving, 3 once it is mostly handled."""
    if proficiency is None or proficiency < 50:
        return 1
    return 2 if proficiency < 75 else 3


def weakest(mistakes: Mapping[str, MistakeProgress]) -> MistakeProgress | None:
    """The mistake to train next: persistent ones first, then lowest proficiency; untried ones count as 50."""
    if not mistakes:
        return None

    def key(m: MistakeProgress) -> tuple[int, float, str]:
        return (0 if m.persistent else 1, m.proficiency if m.proficiency is not None else 50.0, m.mistake_id)

    return min(mistakes.values(), key=key)


def recommend(
    mistakes: Mapping[str, MistakeProgress], history: Sequence[HistoryEntry], scenarios: Mapping[str, Scenario]
) -> Recommendation:
    """A scenario that trains the weakest mistake at the right difficulty, least-played first."""
    if not scenarios:
        return Recommendation(None, "No scenarios are available yet.")
    focus = weakest(mistakes)
    if focus is None or all(m.sessions == 0 for m in mistakes.values()):
        first = min(scenarios.values(), key=lambda s: (s.difficulty, -len(s.learning_focus), s.id))
        return Recommendation(first.id, "A gentle first scenario that touches several mistakes.")
    target = target_difficulty(focus.proficiency)
    played = Counter(e.scenario_id for e in history if e.kind == "practice")

    def key(s: Scenario) -> tuple[int, int, int, str]:
        return (
            0 if focus.mistake_id in s.learning_focus else 1,
            played[s.id],
            abs(s.difficulty - target),
            s.id,
        )

    best = min(scenarios.values(), key=key)
    why = f"Trains “{focus.title}”"
    if focus.proficiency is not None:
        why += f" (your proficiency: {focus.proficiency:.0f}/100)"
    return Recommendation(best.id, f"{why} at difficulty {best.difficulty}.")

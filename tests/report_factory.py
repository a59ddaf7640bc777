"""Valid Reports with chosen scores, for persistence, progress and dashboard tests."""

from __future__ import annotations


def make_report(scores: dict[str, int] | None = None, overall: int | None = None, quotes: dict | None = None):
    """A valid five-mistake Report; `scores` overrides per mistake (default 80), `quotes` adds evidence."""
    from trainer.domain.mistakes import MISTAKE_TITLES
    from trainer.domain.report import Evidence, MistakeFinding, Report

    scores = scores or {}
    quotes = quotes or {}
    findings = []
    for mistake_id, title in MISTAKE_TITLES.items():
        score = scores.get(mistake_id, 80)
        evidence = [Evidence(turn=turn, quote=quote) for turn, quote in quotes.get(mistake_id, [])]
        findings.append(
            MistakeFinding(
                id=mistake_id,
                title=title,
                detected=score < 60,
                severity=0 if score >= 60 else 2,
                score=score,
                evidence=evidence,
                explanation="e",
                advice="a",
            )  # fmt: skip
        )
    total = overall if overall is not None else sum(f.score for f in findings) // len(findings)
    return Report(mistakes=findings, overall_score=total)

"""Downloads: Markdown, JSON that round-trips through the transcript parser, and PDFs with any Unicode text."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from trainer.app import export
from trainer.domain.report import Citation, Evidence, MistakeFinding, Report, Strength
from trainer.domain.transcripts import parse_transcript

NASTY = "Zürich — “ok” … 5 € / ₹ 400 · 東京 🙂 <b>bold</b> $x$ \u0000"


def _report() -> Report:
    from trainer.domain.mistakes import MISTAKE_TITLES

    findings = [
        MistakeFinding(
            id=m, title=t, detected=m == "urgency_signal", severity=2 if m == "urgency_signal" else 0,
            score=40 if m == "urgency_signal" else 95,
            evidence=[Evidence(turn=1, quote="signed by the end of the month")] if m == "urgency_signal" else [],
            explanation=f"Explanation for {t} {NASTY}", advice="What's your timeline on your side?",
            sources=[Citation(note_id="n1", title="Keep your clock private", source="keep-your-clock.md")],
        )  # fmt: skip
        for m, t in MISTAKE_TITLES.items()
    ]
    return Report(mistakes=findings, overall_score=77,
                  strengths=[Strength(kind="question", description="You asked about their constraints.")])


def _bundle() -> export.ExportBundle:
    return export.ExportBundle(
        title="Phase two — Zürich",
        turns=[("counterparty", "178 € a unit. " + NASTY), ("trainee", "We need it signed by the end of the month.")],
        report=_report(),
        scenario_id="carmaker-renewal",
        counterparty="Marta Lindqvist",
        outcome={"summary": "No agreement.", "issues": [{"label": "Unit price", "final_text": "185 €"}],
                 "hidden": ["Their launch date: 東京"]},
    )  # fmt: skip


def test_markdown_contains_evidence_better_line_and_sources() -> None:
    md = export.report_markdown(_bundle())
    assert "Overall score: 77/100" in md
    assert '> Turn 2: "signed by the end of the month"' in md
    assert "**Better:** What's your timeline" in md
    assert "Keep your clock private" in md and "Unit price" in md and "東京" in md
    transcript = export.transcript_markdown(_bundle())
    assert "**2. You ⚠:**" in transcript and "Marta Lindqvist" in transcript


def test_transcript_json_round_trips_through_the_parser() -> None:
    text = export.transcript_json(_bundle())
    turns = parse_transcript(text)
    assert [t.speaker for t in turns] == ["counterparty", "trainee"]
    assert turns[0].text.startswith("178 €")


def test_report_json_validates_back_into_a_report() -> None:
    payload = json.loads(export.report_json(_bundle()))
    assert Report.model_validate(payload["report"]) == _report()
    assert payload["outcome"]["hidden"] == ["Their launch date: 東京"]


@pytest.mark.parametrize("font", [True, False], ids=["unicode-font", "core-font"])
def test_pdf_renders_any_text(font: bool) -> None:
    if font and export._unicode_font() is None:
        pytest.skip("no Unicode TTF on this machine")
    data = export.report_pdf(_bundle(), font_path=font)
    assert data.startswith(b"%PDF")
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "77/100" in text and "end of the month" in text
    assert "Zürich" in text  # Latin-1 survives on both paths


def test_latin1_safe() -> None:
    assert export.latin1_safe("“a” – b … 5 €") == '"a" - b ... 5 EUR'
    assert export.latin1_safe("Zürich") == "Zürich"
    assert export.latin1_safe("東京🙂") == "???"

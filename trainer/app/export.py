"""Downloads: the transcript and the report as Markdown, JSON and PDF (fpdf2), safe for any Unicode text."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trainer.coaching.knowledge import article_title
from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Report

# A Unicode TTF is used when present; otherwise the PDF falls back to a core font with text made Latin-1 safe.
UNICODE_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
_LATIN1_SWAPS = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u20ac": "EUR", "\u2022": "-", "\u00a0": " ", "\u2192": "->", "\u2264": "<=",
    "\u2265": ">=", "\u25cf": "*", "\u25cb": "o",
}  # fmt: skip


@dataclass
class ExportBundle:
    """Everything a download needs, independent of Streamlit and of the store's record types."""

    title: str
    turns: list[tuple[str, str]]  # (speaker, text)
    report: Report
    scenario_id: str | None = None
    counterparty: str | None = None
    outcome: dict[str, Any] | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _speaker(bundle: ExportBundle, speaker: str) -> str:
    """Display name for a transcript line."""
    if speaker == "trainee":
        return "You"
    return bundle.counterparty or speaker.capitalize()


def _evidence_turns(report: Report) -> set[int]:
    """Turn indexes quoted as evidence of a detected mistake."""
    return {e.turn for m in report.mistakes if m.detected for e in m.evidence}


# ---------------------------------------------------------------- Markdown


def transcript_markdown(bundle: ExportBundle) -> str:
    """The conversation as Markdown; lines cited as evidence are marked."""
    flagged = _evidence_turns(bundle.report)
    lines = [f"# Transcript: {bundle.title}", "", f"_{bundle.created_at:%Y-%m-%d %H:%M} UTC_", ""]
    for n, (speaker, text) in enumerate(bundle.turns):
        mark = " ⚠" if n in flagged else ""
        lines.append(f"**{n + 1}. {_speaker(bundle, speaker)}{mark}:** {text}")
        lines.append("")
    return "\n".join(lines)


def report_markdown(bundle: ExportBundle) -> str:
    """The debrief as Markdown: score, mistakes with evidence and the better line, outcome, strengths."""
    r = bundle.report
    out = [f"# Debrief: {bundle.title}", "", f"**Overall score: {r.overall_score}/100**", ""]
    out += _outcome_markdown(bundle.outcome)
    out += ["## The five mistakes", ""]
    for m in r.mistakes:
        status = f"severity {m.severity}/3" if m.detected else "handled well"
        out += [f"### {MISTAKE_TITLES.get(m.id, m.title)}: {m.score}/100 ({status})", "", m.explanation, ""]
        for e in m.evidence:
            out.append(f"> Turn {e.turn + 1}: \"{e.quote}\"")
        if m.evidence:
            out.append("")
        if m.detected and m.advice:
            out += [f"**Better:** {m.advice}", ""]
        for c in m.sources:
            out.append(f"- Source: {c.title} ({article_title(c.source)})")
        if m.sources:
            out.append("")
    if r.strengths:
        out += ["## Strengths", ""]
        out += [f"- {s.description}" for s in r.strengths]
        out.append("")
    return "\n".join(out)


def _outcome_markdown(outcome: dict[str, Any] | None) -> list[str]:
    """The outcome section, if there is one."""
    if not outcome:
        return []
    out = ["## Outcome", "", str(outcome.get("summary", "")), ""]
    rows = outcome.get("issues") or []
    if rows:
        out += ["| Issue | Result | Your target | Walk-away | They would have gone to |", "|---|---|---|---|---|"]
        for row in rows:
            out.append(
                f"| {row.get('label')} | {row.get('final_text', '—')} | {row.get('target_text', '')} | "
                f"{row.get('walkaway_text', '')} | {row.get('limit_text', '')} |"
            )
        out.append("")
    hidden = outcome.get("hidden") or []
    if hidden:
        out += ["**What you never surfaced:**", ""] + [f"- {h}" for h in hidden] + [""]
    return out


# ---------------------------------------------------------------- JSON


def transcript_json(bundle: ExportBundle) -> str:
    """Transcript as JSON in the same shape the Evaluate page accepts back."""
    payload = {
        "title": bundle.title,
        "scenario_id": bundle.scenario_id,
        "created_at": bundle.created_at.isoformat(),
        "turns": [{"speaker": s, "text": t} for s, t in bundle.turns],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def report_json(bundle: ExportBundle) -> str:
    """Report (the evaluator's typed schema) plus outcome, as JSON."""
    payload = {
        "title": bundle.title,
        "scenario_id": bundle.scenario_id,
        "created_at": bundle.created_at.isoformat(),
        "report": bundle.report.model_dump(mode="json"),
        "outcome": bundle.outcome,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


# ---------------------------------------------------------------- PDF


def latin1_safe(text: str) -> str:
    """Text a core PDF font can draw: typographic punctuation swapped, accents kept, the rest as '?'."""
    text = "".join(_LATIN1_SWAPS.get(ch, ch) for ch in text)
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def _unicode_font() -> Path | None:
    """The first Unicode TTF on this machine, if any."""
    return next((Path(p) for p in UNICODE_FONTS if Path(p).is_file()), None)


class _Writer:
    """A thin layer over FPDF that picks a font once and makes every string drawable."""

    def __init__(self, font_path: Path | None) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(18, 18, 18)
        self.pdf.add_page()
        self.unicode = font_path is not None
        if font_path is not None:
            self.pdf.add_font("body", "", str(font_path))
            bold = font_path.with_name(font_path.stem + "-Bold.ttf")
            self.pdf.add_font("body", "B", str(bold if bold.is_file() else font_path))
            self.family = "body"
        else:
            self.family = "helvetica"

    def clean(self, text: str) -> str:
        """Unicode stays with a Unicode font; otherwise made Latin-1 safe."""
        text = text.replace("\r", "")
        return text if self.unicode else latin1_safe(text)

    def heading(self, text: str, size: int = 14) -> None:
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, size * 0.5 + 2, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str, size: int = 10, bold: bool = False, indent: float = 0) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)


def report_pdf(bundle: ExportBundle, font_path: Path | None | bool = True) -> bytes:
    """The debrief as a PDF; `font_path=False` forces the core-font (Latin-1) path."""
    path = _unicode_font() if font_path is True else (font_path or None)
    w = _Writer(path)
    r = bundle.report
    w.heading(f"Debrief: {bundle.title}", 16)
    w.para(f"{bundle.created_at:%Y-%m-%d %H:%M} UTC   Overall score: {r.overall_score}/100", bold=True)
    if bundle.outcome:
        w.heading("Outcome", 13)
        w.para(str(bundle.outcome.get("summary", "")))
        for row in bundle.outcome.get("issues") or []:
            w.para(
                f"{row.get('label')}: {row.get('final_text', '-')} (target {row.get('target_text', '')}, "
                f"walk-away {row.get('walkaway_text', '')}, they would have gone to {row.get('limit_text', '')})",
                indent=4,
            )
        for hidden in bundle.outcome.get("hidden") or []:
            w.para(f"Never surfaced: {hidden}", indent=4)
    w.heading("The five mistakes", 13)
    for m in r.mistakes:
        status = f"severity {m.severity}/3" if m.detected else "handled well"
        w.para(f"{MISTAKE_TITLES.get(m.id, m.title)}: {m.score}/100 ({status})", size=11, bold=True)
        w.para(m.explanation)
        for e in m.evidence:
            w.para(f'Turn {e.turn + 1}: "{e.quote}"', indent=6)
        if m.detected and m.advice:
            w.para(f"Better: {m.advice}", indent=6)
        for c in m.sources:
            w.para(f"Source: {c.title} ({article_title(c.source)})", size=9, indent=6)
    if r.strengths:
        w.heading("Strengths", 13)
        for s in r.strengths:
            w.para(f"- {s.description}")
    w.heading("Transcript", 13)
    for n, (speaker, text) in enumerate(bundle.turns):
        w.para(f"{n + 1}. {_speaker(bundle, speaker)}: {text}", size=9)
    return bytes(w.pdf.output())

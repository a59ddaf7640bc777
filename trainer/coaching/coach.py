"""Grounded coaching: every piece of advice points to the knowledge notes behind it.

Three layers, each usable without the next: tag-based citations (no embeddings, instant), retrieval over the
Chroma index, and an optional chat model that either polishes template text (the small embedded model) or writes
from the retrieved passages only, citing by note id (a stronger endpoint).
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
from collections.abc import Mapping
from typing import Literal

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from trainer.coaching.index import KnowledgeIndex
from trainer.coaching.knowledge import MISTAKE_TAGS, Note, article_title, shipped_notes
from trainer.domain.acts import ActKind, TurnAnalysis
from trainer.domain.mistakes import HINT_ACTS, MISTAKE_TITLES, MISTAKES
from trainer.domain.report import Citation, MistakeFinding, Report
from trainer.engine.terms import format_value
from trainer.evaluation import rewrites as rw
from trainer.llm.protocol import ChatModel
from trainer.reader.turns import confident
from trainer.scenarios.loading import Library, load_library
from trainer.scenarios.schema import AlternativeStrength, Scenario

log = logging.getLogger(__name__)

MAX_CITATIONS = 3
LLM_TIMEOUT_S = 25.0

NUDGES: dict[str, str] = {m.id: m.nudge for m in MISTAKES}
QUERY_HINTS: dict[str, str] = {m.id: m.query for m in MISTAKES}
# Where next-scenario suggestions come from: a loaded Library, or scenarios by id.
ScenarioSource = Library | Mapping[str, Scenario]


class Hint(BaseModel):
    """A one-line nudge during play, with the note it comes from."""

    text: str
    line: str | None = None  # a line the trainee could say
    mistake: str | None = None
    citation: Citation


class CoachingPoint(BaseModel):
    """One detected mistake, explained in the context of this transcript."""

    mistake: str
    title: str
    what_happened: str
    why_it_matters: str
    better_line: str
    citations: list[Citation] = Field(default_factory=list)


class NextScenario(BaseModel):
    id: str
    title: str
    reason: str


class Debrief(BaseModel):
    """The coach's debrief: one point per detected mistake, strengths, and what to practise next."""

    headline: str
    points: list[CoachingPoint] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    next_scenario: NextScenario | None = None
    mode: Literal["template", "polished", "grounded"] = "template"

    def to_text(self) -> str:
        """Plain text for the terminal and exports."""
        out = [self.headline, ""]
        for p in self.points:
            out += [f"## {p.title}", p.what_happened, p.why_it_matters, f'Better: "{p.better_line}"']
            out += [f"  - {c.title} ({article_title(c.source)})" for c in p.citations] + [""]
        if self.strengths:
            out += ["What went well:"] + [f"  - {s}" for s in self.strengths] + [""]
        if self.next_scenario:
            out.append(f"Next: {self.next_scenario.title} ({self.next_scenario.id}): {self.next_scenario.reason}")
        return "\n".join(out).rstrip() + "\n"


# --- citations ----------------------------------------------------------------------------------------------


def _notes_by_id() -> dict[str, Note]:
    """The shipped notes, cached by mtime in `trainer.coaching.knowledge`."""
    return {n.id: n for n in shipped_notes()}


def cite(note: Note) -> Citation:
    """A note as a report citation: the note's title and the article's title."""
    return Citation(note_id=note.id, title=note.title, source=article_title(note.source, note.title))


def notes_for_mistake(mistake: str, limit: int = MAX_CITATIONS) -> list[Note]:
    """Tag-based ranking without embeddings: the remedy note, then notes led by this mistake, then the rest."""
    tagged = [n for n in shipped_notes() if mistake in n.tags and n.id != "five-mistakes-checklist"]

    def rank(note: Note) -> tuple[int, int, str]:
        return (0 if note.is_remedy else 1, 0 if note.tags[0] == mistake else 1, note.id)

    return sorted(tagged, key=rank)[:limit]


def _finding_query(finding: MistakeFinding) -> str:
    """What to search for: the mistake, its explanation and the trainee's own words."""
    quotes = " ".join(f'"{e.quote}"' for e in finding.evidence[:2])
    return f"{MISTAKE_TITLES.get(finding.id, finding.id)}. {QUERY_HINTS.get(finding.id, '')}. {quotes}"


def _retrieved_citations(finding: MistakeFinding, index: KnowledgeIndex) -> list[Citation]:
    """Citations from the index (filtered to the mistake), keeping the remedy note in the set."""
    hits = index.query(_finding_query(finding), k=MAX_CITATIONS, mistake=finding.id)
    citations = [Citation(note_id=h.note_id, title=h.title, source=article_title(h.source, h.title)) for h in hits]
    remedy = next((n for n in notes_for_mistake(finding.id, 1) if n.is_remedy), None)
    if remedy and remedy.id not in {c.note_id for c in citations}:
        citations = [cite(remedy)] + citations[: MAX_CITATIONS - 1]
    return citations


def _citations_for(finding: MistakeFinding, index: KnowledgeIndex | None) -> list[Citation]:
    """Retrieval when the index answers, tag fallback otherwise (never raises)."""
    if index is not None:
        try:
            citations = _retrieved_citations(finding, index)
            if citations:
                return citations
        except Exception as exc:  # noqa: BLE001 - the index is optional; tags always work
            log.info("index unavailable for citations, using tags: %s", exc)
    return [cite(n) for n in notes_for_mistake(finding.id)]


def attach_sources(report: Report, index: KnowledgeIndex | None = None) -> Report:
    """A copy of the report with 1-3 cited notes on each detected mistake.

    With `index=None` (or an index that is empty or unreachable) citations come from the notes' mistake tags,
    which needs no embeddings and takes milliseconds.
    """
    if index is not None and not _index_ready(index):
        index = None
    out = report.model_copy(deep=True)
    for finding in out.mistakes:
        if finding.detected:
            finding.sources = _citations_for(finding, index)[:MAX_CITATIONS]
    return out


def _index_ready(index: KnowledgeIndex) -> bool:
    """True when the index can answer now; never builds (building takes seconds)."""
    try:
        return index.collection.count() > 0
    except Exception as exc:  # noqa: BLE001
        log.info("knowledge index not ready: %s", exc)
        return False


# --- debrief ------------------------------------------------------------------------------------------------


def _first_sentences(text: str, n: int = 2) -> str:
    """The first n sentences of a note section, for short explanations."""
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return " ".join(parts[:n])


def _context(mistake: str, scenario: Scenario | None) -> str:
    """One sentence tying the mistake to this scenario's hidden facts (empty without a scenario)."""
    if scenario is None:
        return ""
    cp, me = scenario.counterparty, scenario.trainee
    if mistake == "power_vs_leverage" and cp.situational_needs:
        return f"What {cp.organisation} actually needed: {cp.situational_needs[0].description}"
    if mistake == "urgency_signal" and me.private_pressures:
        return f"Your pressure ({me.private_pressures[0].description}) was yours to keep."
    if mistake == "weak_alternative":
        weak = me.alternative.strength == AlternativeStrength.weak
        verdict = "better left out of the room" if weak else "worth using calmly"
        return f"Your fallback ({me.alternative.description.rstrip('.')}) was {verdict}."
    if mistake == "unified_actor" and cp.stakeholders:
        s = cp.stakeholders[0]
        return f"Behind {cp.name} sat {s.name or 'the ' + s.role} ({s.role}), who cared about {s.interest}"
    if mistake == "process_concession" and scenario.process_traps:
        return f'The trap was: "{scenario.process_traps[0].line}"'
    return ""


def _what_happened(finding: MistakeFinding, scenario: Scenario | None) -> str:
    """The trainee's own words, the evaluator's explanation, and the scenario context."""
    parts = []
    if finding.evidence:
        ev = finding.evidence[0]
        quote = ev.quote.strip()
        parts.append(f'At turn {ev.turn + 1} you said: "{quote}"' + ("" if quote[-1:] in ".!?" else "."))
    explanation = finding.explanation.strip()
    parts.append(explanation)
    context = _context(finding.id, scenario)
    if context and not _already_said(context, explanation):
        parts.append(context.rstrip(".") + ".")
    return " ".join(p for p in parts if p)


def _already_said(context: str, explanation: str) -> bool:
    """True when the evaluator's explanation already quotes the scenario detail (any 6-word run of it)."""
    words = re.findall(r"[a-z0-9']+", context.lower())
    said = " ".join(re.findall(r"[a-z0-9']+", explanation.lower()))
    return any(" ".join(words[i : i + 6]) in said for i in range(max(0, len(words) - 5)))


def _template_point(finding: MistakeFinding, scenario: Scenario | None) -> CoachingPoint:
    """A coaching point composed from the notes, no model needed."""
    notes = _notes_by_id()
    lead = next((notes[c.note_id] for c in finding.sources if c.note_id in notes), None)
    why = _first_sentences(lead.section("Why it works")) if lead else ""
    better = finding.advice.strip() or next_line("", scenario)  # never a note's example: its numbers are elsewhere
    return CoachingPoint(mistake=finding.id, title=finding.title, what_happened=_what_happened(finding, scenario),
                         why_it_matters=why, better_line=better, citations=list(finding.sources))


def _invoke(model: ChatModel, prompt: str, timeout: float) -> str:
    """One chat call with a time limit; raises on failure or timeout."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(model.invoke, [HumanMessage(content=prompt)])
        reply = future.result(timeout=timeout)
    text = reply.content
    return text if isinstance(text, str) else str(text)


def _polish(point: CoachingPoint, model: ChatModel, timeout: float) -> CoachingPoint:
    """Light rewording by the small embedded model; facts and citations stay the template's."""
    prompt = (
        "Rewrite this feedback for a negotiation trainee in 2-3 plain, warm sentences. "
        "Do not add advice or facts. Reply with the sentences only.\n\n"
        f"{point.what_happened} {point.why_it_matters}"
    )
    text = _invoke(model, prompt, timeout).strip()
    if not 20 <= len(text) <= 700:
        raise ValueError("polish output out of bounds")
    return point.model_copy(update={"what_happened": text, "why_it_matters": ""})


def _passages(point: CoachingPoint, index: KnowledgeIndex | None) -> dict[str, str]:
    """note_id -> text the strong model may use: the cited notes (and retrieved chunks when available)."""
    notes = _notes_by_id()
    passages = {c.note_id: notes[c.note_id].body for c in point.citations if c.note_id in notes}
    if index is not None:
        try:
            for hit in index.query(point.what_happened, k=MAX_CITATIONS, mistake=point.mistake):
                passages.setdefault(hit.note_id, hit.text)
        except Exception as exc:  # noqa: BLE001
            log.info("retrieval for grounded debrief failed: %s", exc)
    return passages


def _grounded(point: CoachingPoint, model: ChatModel, index: KnowledgeIndex | None, timeout: float) -> CoachingPoint:
    """Generation from retrieved passages only; citations the model invents are dropped."""
    passages = _passages(point, index)
    if not passages:
        raise ValueError("no passages retrieved")
    sources = "\n\n".join(f"[{nid}]\n{text}" for nid, text in passages.items())
    prompt = (
        "You coach a negotiation trainee. Using ONLY the passages below, explain in 3-4 sentences why this "
        "move hurt them and what to do instead. Cite passages by their id in square brackets, e.g. "
        f"[{next(iter(passages))}]. Do not use outside knowledge.\n\nWhat happened: {point.what_happened}\n\n"
        f"Passages:\n{sources}"
    )
    text = _invoke(model, prompt, timeout).strip()
    cited = [nid for nid in dict.fromkeys(re.findall(r"\[([a-z0-9-]+)\]", text)) if nid in passages]
    text = re.sub(r"\s*\[([a-z0-9-]+)\]", lambda m: f" [{m.group(1)}]" if m.group(1) in passages else "", text)
    if not text:
        raise ValueError("empty generation")
    by_id = {c.note_id: c for c in point.citations}
    notes = _notes_by_id()
    citations = [by_id.get(nid) or (cite(notes[nid]) if nid in notes else None) for nid in cited]
    citations = [c for c in citations if c is not None][:MAX_CITATIONS] or point.citations
    return point.model_copy(update={"why_it_matters": text, "citations": citations})


def debrief(
    report: Report, scenario: Scenario | None = None, model: ChatModel | None = None, *,
    index: KnowledgeIndex | None = None, library: ScenarioSource | None = None, grounded: bool | None = None,
    timeout: float = LLM_TIMEOUT_S,
) -> Debrief:
    """Explain each detected mistake in context with a better line and citations, and suggest what to practise.

    Without a model the text is composed from the notes. A model that `is_small_local` lightly polishes it; a
    stronger one (or `grounded=True`) generates it from retrieved passages only. Any model failure or
    timeout falls back to the template for the remaining points.
    """
    if any(m.detected and not m.sources for m in report.mistakes):
        report = attach_sources(report, index)
    detected = sorted((m for m in report.mistakes if m.detected), key=lambda m: (-m.severity, m.score))
    points = [_template_point(m, scenario) for m in detected]
    mode: Literal["template", "polished", "grounded"] = "template"
    if model is not None and points:
        use_grounded = (not model.is_small_local) if grounded is None else grounded
        points, used = _with_model(points, model, index, use_grounded, timeout)
        mode = ("grounded" if use_grounded else "polished") if used else "template"
    current = scenario.id if scenario is not None else None
    return Debrief(headline=_headline(report, detected), points=points,
                   strengths=[s.description for s in report.strengths],
                   next_scenario=suggest_next_scenario(report, library, current), mode=mode)


def _with_model(points: list[CoachingPoint], model: ChatModel, index: KnowledgeIndex | None, grounded: bool,
                timeout: float) -> tuple[list[CoachingPoint], bool]:
    """Apply the model point by point; after the first failure the rest stay templated."""
    out, used = [], False
    for i, point in enumerate(points):
        try:
            out.append(_grounded(point, model, index, timeout) if grounded else _polish(point, model, timeout))
            used = True
        except Exception as exc:  # noqa: BLE001 - slow or failing models fall back to templates
            log.warning("coach model failed (%s); using templates", exc)
            return out + points[i:], used
    return out, used


def _headline(report: Report, detected: list[MistakeFinding]) -> str:
    """One line summing up the session."""
    if not detected:
        return f"Score {report.overall_score}/100. None of the five mistakes showed up. Keep that discipline."
    names = ", ".join(m.title.lower() for m in detected[:2])
    return f"Score {report.overall_score}/100. The costliest habit here: {names}."


def suggest_next_scenario(
    report: Report, library: ScenarioSource | None = None, current: str | None = None
) -> NextScenario | None:
    """The scenario whose learning focus best matches the mistakes that cost most (None without scenarios)."""
    scenarios = _scenarios(library)
    weights = {m.id: m.severity + 1 for m in report.mistakes if m.detected}
    candidates = [s for sid, s in scenarios.items() if sid != current] or list(scenarios.values())
    if not candidates:
        return None
    target = 1 if weights else 3

    def score(s: Scenario) -> tuple[int, int, str]:
        overlap = sum(weights.get(f, 0) for f in s.learning_focus)
        return (-overlap, abs(s.difficulty - target), s.id)

    best = min(candidates, key=score)
    focus = [f for f in best.learning_focus if f in weights] or list(best.learning_focus)
    titles = ", ".join(MISTAKE_TITLES.get(f, f).lower() for f in focus[:2])
    reason = f"It drills {titles}." if weights else f"A harder test of {titles}."
    return NextScenario(id=best.id, title=best.title, reason=reason)


def _scenarios(library: ScenarioSource | None) -> dict[str, Scenario]:
    """Scenarios from a Library, a mapping, or the default library (empty if none can be loaded)."""
    if library is None:
        try:
            library = load_library()
        except Exception as exc:  # noqa: BLE001
            log.info("no scenario library for suggestions: %s", exc)
            return {}
    return dict(library.scenarios if isinstance(library, Library) else library)


# --- live hints -----------------------------------------------------------------------------------------------


def mistake_in_turn(analysis: TurnAnalysis) -> str | None:
    """The mistake a single trainee turn makes, if any, on confident readings only (as the engine acts).

    A conditional trade is not a concession.
    """
    sure = confident(analysis)
    for kind, mistake in HINT_ACTS:
        if kind == ActKind.concession and sure.has(ActKind.conditional_trade):
            continue
        if sure.has(kind):
            return mistake
    return None


def _hint_note(mistake: str | None, text: str, index: KnowledgeIndex | None) -> Note | Citation | None:
    """The note to cite: retrieved for these words when possible, else the tag ranking."""
    if index is not None:
        try:
            hits = index.query(text, k=1, mistake=mistake) if text.strip() else []
            if hits:
                notes = _notes_by_id()
                return notes.get(hits[0].note_id) or Citation(note_id=hits[0].note_id, title=hits[0].title,
                                                              source=article_title(hits[0].source, hits[0].title))
        except Exception as exc:  # noqa: BLE001
            log.info("index unavailable for hint: %s", exc)
    ranked = notes_for_mistake(mistake, 1) if mistake else []
    return ranked[0] if ranked else None


def _hint_text(lead: str, line: str, citation: Citation) -> str:
    return f'{lead} Try: "{line}" (see "{citation.title}")' if line else f'{lead} See "{citation.title}".'


def live_hint(analysis: TurnAnalysis, index: KnowledgeIndex | None = None,
              scenario: Scenario | None = None) -> Hint | None:
    """A one-line nudge after a trainee turn that (confidently) makes one of the five mistakes; None otherwise.

    The line to say comes from the scenario (its issues, its numbers, the trainee's own words), never from a
    note's example, whose numbers and setting belong to another negotiation.
    """
    mistake = mistake_in_turn(analysis)
    if mistake is None:
        return None
    note = _hint_note(mistake, analysis.text, index)
    if note is None:
        return None
    line = hint_line(mistake, analysis, scenario)
    citation = cite(note) if isinstance(note, Note) else note
    return Hint(text=_hint_text(NUDGES[mistake], line, citation), line=line or None, mistake=mistake,
                citation=citation)


def hint_line(mistake: str, analysis: TurnAnalysis, scenario: Scenario | None) -> str:
    """The evaluator's better line for this turn's mistake, built from the trainee's words and the scenario."""
    sure = confident(analysis)
    kinds = [k for k, m in HINT_ACTS if m == mistake]
    act = next((a for a in sure.acts if a.kind in kinds), None)
    quote = act.quote if act else analysis.text
    if mistake == "urgency_signal":
        return rw.urgency(quote, analysis.text, scenario)[1]
    if mistake == "weak_alternative":
        return rw.weak_alternative(quote, analysis.text, scenario)[1]
    if mistake == "process_concession":
        return rw.process(quote, scenario, act.aspect if act else None)[1]
    return rw.power(quote, analysis.text, scenario, concession=act is not None and act.kind == ActKind.concession)[1]


def what_could_i_say(previous: str, index: KnowledgeIndex | None = None, analysis: TurnAnalysis | None = None,
                     scenario: Scenario | None = None) -> Hint | None:
    """On request: a line to answer the counterparty's last words, grounded in the closest note.

    The line uses the scenario's issues and numbers only; the note is cited for why it works.
    """
    mistake = mistake_in_turn(analysis) if analysis is not None else None
    note = _hint_note(mistake, previous, index)
    if note is None:
        note = next(iter(notes_for_mistake("power_vs_leverage", 1)), None)
    if note is None:
        return None
    line = hint_line(mistake, analysis, scenario) if mistake and analysis is not None else next_line(previous, scenario)
    citation = cite(note) if isinstance(note, Note) else note
    text = f'You could say: "{line}" (from "{citation.title}")' if line else f'See "{citation.title}".'
    return Hint(text=text, line=line or None, mistake=mistake, citation=citation)


def next_line(previous: str, scenario: Scenario | None) -> str:
    """A move that answers their last words in this scenario: ask who else decides, or trade across its issues."""
    if scenario is None:
        return "Before we go further, who else on your side needs to be comfortable with this?"
    ranked = sorted(scenario.issues, key=lambda i: -i.trainee_weight)
    top, low = ranked[0], ranked[-1]
    if any(ch.isdigit() for ch in previous):
        return (f"If you can move on {top.label.lower()}, toward {format_value(top, top.trainee_target)}, we can be "
                f"flexible on {low.label.lower()}.")
    return (f"Before we go further: who else on your side needs to be comfortable with this, and what matters most "
            f"to them on {top.label.lower()}?")


__all__ = [
    "Debrief", "CoachingPoint", "Hint", "NextScenario", "MISTAKE_TAGS", "attach_sources", "debrief",
    "live_hint", "notes_for_mistake", "suggest_next_scenario", "what_could_i_say",
]

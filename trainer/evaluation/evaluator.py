"""Five-mistake scoring over a whole conversation: turn analysis plus conversation-level rules, judge optional."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from trainer.domain.acts import Act, ActKind, TurnAnalysis
from trainer.domain.mistakes import MISTAKE_IDS, MISTAKE_TITLES
from trainer.domain.report import Evidence, MistakeFinding, Report, Strength
from trainer.domain.transcripts import TranscriptError, Turn, parse_transcript
from trainer.evaluation import rewrites as rw
from trainer.evaluation.reading import READINGS, Mode, at_threshold, model_analyses, thresholds_needed
from trainer.reader import lexicon as lx
from trainer.reader.analysis import analyse_turn, split_sentences
from trainer.reader.model import ActReader
from trainer.scenarios.schema import Scenario

__all__ = ["Turn", "TranscriptError", "parse_transcript", "evaluate", "Detection", "Judge"]

SCORE_BY_SEVERITY = {0: 100, 1: 70, 2: 45, 3: 20}
MAX_EVIDENCE = 5


@dataclass
class Detection:
    """What a rule found for one mistake: evidence turns, severity and the pieces needed for feedback.

    `explain` rewrites the explanation and better line for another of its own evidence lines, so the headline
    quote can move to a line no other mistake claims; `kept_clear` says which case applied when it was not made.
    """

    mistake: str
    evidence: list[Evidence] = field(default_factory=list)
    severity: int = 0
    explanation: str = ""
    advice: str = ""
    explain: Callable[[int, str], tuple[str, str]] | None = None
    kept_clear: str | None = None

    @property
    def detected(self) -> bool:
        return self.severity > 0


class Judge(Protocol):
    """An optional second opinion (an LLM judge) that may confirm, refute or extend rule findings."""

    def review(self, turns: Sequence[Turn], detections: dict[str, Detection]) -> dict[str, Detection]: ...


@dataclass
class Context:
    """Everything the detectors share: the turns, their analyses and the scenario.

    `facts` is the scenario whose facts feedback may name: the practice scenario itself, or None for a pasted
    conversation, where a chosen scenario is context for detection only and the feedback keeps the user's facts.
    """

    turns: list[Turn]
    analyses: list[TurnAnalysis | None]
    scenario: Scenario | None
    facts: Scenario | None = None

    def trainee_acts(self, *kinds: ActKind) -> list[tuple[int, str, Act]]:
        """(turn index, quote, act) for every trainee act of the given kinds, in order."""
        out = []
        for i, analysis in enumerate(self.analyses):
            for act in analysis.acts if analysis else []:
                if act.kind in kinds:
                    out.append((i, act.quote, act))
        return out

    def previous_counterparty(self, index: int) -> str | None:
        """The counterparty line right before a trainee turn, if any."""
        if index > 0 and self.turns[index - 1].speaker == "counterparty":
            return self.turns[index - 1].text
        return None


Hit = TypeVar("Hit")


def _unique_turns(hits: list[tuple[int, str, Hit]]) -> list[tuple[int, str, Hit]]:
    """Keep the first hit per turn, at most MAX_EVIDENCE of them."""
    seen: set[int] = set()
    out = []
    for hit in hits:
        if hit[0] not in seen:
            seen.add(hit[0])
            out.append(hit)
    return out[:MAX_EVIDENCE]


def _evidence(hits: list[tuple[int, str, object]]) -> list[Evidence]:
    return [Evidence(turn=i, quote=rw.short(q, 300)) for i, q, _ in hits]


def _disclosure(ctx: Context, mistake: str, kind: ActKind, rewrite: Callable) -> Detection:
    """A costly disclosure: every turn that makes it is evidence; the first one gets the rewrite."""
    hits = _unique_turns(ctx.trainee_acts(kind))
    found = Detection(mistake, _evidence(hits))
    if hits:
        i, quote, _ = hits[0]
        found.severity = min(3, 1 + len(hits))
        found.explain = lambda j, q: rewrite(q, ctx.turns[j].text, ctx.facts)
        found.explanation, found.advice = found.explain(i, quote)
    return found


def detect_urgency(ctx: Context) -> Detection:
    """Own deadline, runway or pressure said out loud."""
    return _disclosure(ctx, "urgency_signal", ActKind.disclose_urgency, rw.urgency)


def detect_weak_alternative(ctx: Context) -> Detection:
    """A poor fallback (or none) volunteered; a strong, credible alternative is fine."""
    return _disclosure(ctx, "weak_alternative", ActKind.disclose_weak_alternative, rw.weak_alternative)


def detect_power(ctx: Context) -> Detection:
    """Deference to their size, or giving ground before they asked for it."""
    # a sentence that gives way because of a poor fallback is the weak-alternative mistake, and movement that only
    # accepts their draft or order is the process mistake: neither is counted again as power
    weak = {(i, q) for i, q, _ in ctx.trainee_acts(ActKind.disclose_weak_alternative)}
    process = weak | {(i, q) for i, q, _ in ctx.trainee_acts(ActKind.accept_their_process)}
    deference = [h for h in ctx.trainee_acts(ActKind.deference)
                 if (h[0], h[1]) not in weak and not _follows_from_weak(ctx, h[0], h[1])]
    concessions = [h for h in ctx.trainee_acts(ActKind.concession) if (h[0], h[1]) not in process
                   and not _pressed(ctx, h[0]) and not _follows_from_weak(ctx, h[0], h[1])]
    hits = _unique_turns(sorted(deference + concessions, key=lambda h: h[0]))
    found = Detection("power_vs_leverage", _evidence(hits))
    if hits:
        deferring = {(j, q) for j, q, _ in deference}
        i, quote, _ = next((h for h in hits if (h[0], h[1]) in deferring), hits[0])
        found.severity = min(3, (2 if deference else 1) + (len(hits) > 1))
        found.explain = lambda j, q: rw.power(q, ctx.turns[j].text, ctx.facts, concession=(j, q) not in deferring)
        found.explanation, found.advice = found.explain(i, quote)
        found.evidence = _headline_first(found.evidence, i, quote)
    return found


CONSEQUENCE = re.compile(r"\s*(?:so|and so|which means|that's why|hence)\b", re.IGNORECASE)


def _follows_from_weak(ctx: Context, index: int, quote: str) -> bool:
    """'...the fallback is grim. So I can't hold out': giving way only as the consequence of a poor fallback."""
    if not CONSEQUENCE.match(quote):
        return False
    text = ctx.turns[index].text
    at = text.find(quote)
    return any(j == index and -1 < text.find(q) < at for j, q, _ in ctx.trainee_acts(ActKind.disclose_weak_alternative))


def _pressed(ctx: Context, index: int) -> bool:
    """Did the counterparty line just before this turn press for movement? Giving way then is ordinary bargaining."""
    previous = ctx.previous_counterparty(index)
    return bool(previous and lx.THEIR_PUSH.search(previous[:4000]))


def detect_process(ctx: Context) -> Detection:
    """Their draft, agenda, sequence or cadence accepted (proposing our own is the opposite)."""
    hits = _unique_turns(ctx.trainee_acts(ActKind.accept_their_process))
    found = Detection("process_concession", _evidence(hits))
    if hits:
        i, quote, _ = hits[0]
        first_offer = next((j for j, _, _ in ctx.trainee_acts(ActKind.offer)), len(ctx.turns))
        found.severity = min(3, (2 if i <= first_offer else 1) + (len(hits) > 1))
        aspects = {(j, q): a.aspect for j, q, a in hits}
        found.explain = lambda j, q: rw.process(q, ctx.facts, aspects.get((j, rw.short(q, 300)), aspects.get((j, q))))
        found.explanation, found.advice = found.explain(i, quote)
    return found


def _someone_else(norm: str, start: int) -> bool:
    """Not 'your finance team' (ours) and not 'I run the assay group' (the speaker is that actor)."""
    before = norm[max(0, start - 20) : start].lower()
    return not before.endswith("your ") and not lx.SELF_ACTOR.search(before)


def _cue(text: str) -> str | None:
    """The words in a counterparty line that point at an internal actor on their side."""
    norm = text.translate(str.maketrans("’", "'"))
    for m in lx.STAKEHOLDER_MENTION.finditer(norm):
        if _someone_else(norm, m.start()):
            return text[m.start() : m.end()]
    m = lx.CHECK_CUE.search(norm) or lx.STAKEHOLDER_CUE.search(norm) or lx.DECIDER_WITHOUT_TITLE.search(norm)
    if m is None:
        m = next((g for g in lx.ACTOR_GENERIC.finditer(norm) if not GENERIC_GROUP.match(g.group(0))
                  and _someone_else(norm, g.start())), None)
    return text[m.start() : m.end()] if m else None


def detect_unified_actor(ctx: Context) -> Detection:
    """Omission: they signalled internal actors (or the stakes call for it) and the trainee never probed."""
    found = Detection("unified_actor")
    probe = _stakeholder_probe(ctx)
    if probe is not None:
        found.kept_clear = f"You asked who else is involved on their side: \u2018{rw.short(probe, 140)}\u2019."
        return found
    passed: list[tuple[int, str, object]] = []
    first_cue: str | None = None
    for i, turn in enumerate(ctx.turns):
        cue = _cue(turn.text) if turn.speaker == "counterparty" else None
        if cue is None:
            continue
        first_cue = first_cue or cue
        reply = next((j for j in range(i + 1, len(ctx.turns)) if ctx.turns[j].speaker == "trainee"), None)
        if reply is not None:
            passed.append((reply, rw.short(ctx.turns[reply].text, 200), cue))
    passed = _unique_turns(passed) or _stakes_call_for_it(ctx)
    if not passed:
        found.kept_clear = "No one else on their side came up in this conversation, so there was no one to ask about."
        return found
    found.evidence = _evidence(passed)
    found.severity = min(3, len(passed)) if first_cue else 1
    i, quote, _ = passed[0]
    found.explain = lambda j, q: rw.unified(q, first_cue, ctx.facts)
    found.explanation, found.advice = found.explain(i, quote)
    return found


def _stakeholder_probe(ctx: Context) -> str | None:
    """The trainee's first line that asked who else is involved, if any (the case the debrief names)."""
    asked = ctx.trainee_acts(ActKind.question_stakeholders)
    if asked:
        return asked[0][1]
    return _asked_about_named_people(ctx) or _followed_up_a_cue(ctx)


def _followed_up_a_cue(ctx: Context) -> str | None:
    """A question right after a cue about how that actor decides ('what's the threshold?') is a probe too."""
    for i, turn in enumerate(ctx.turns[1:], start=1):
        before = ctx.turns[i - 1]
        if turn.speaker == "trainee" and before.speaker == "counterparty" and "?" in turn.text and _cue(before.text):
            for s in split_sentences(turn.text):
                if "?" in s.raw and lx.FOLLOW_UP_PROBE.search(s.norm):
                    return s.raw
    return None


MIN_TURNS_FOR_STAKES = 3


def _stakes_call_for_it(ctx: Context) -> list[tuple[int, str, object]]:
    """With a scenario whose other side has internal stakeholders, a long exchange without one probe is a miss."""
    if ctx.scenario is None or not ctx.scenario.counterparty.stakeholders:
        return []
    trainee = [i for i, t in enumerate(ctx.turns) if t.speaker == "trainee"]
    if len(trainee) < MIN_TURNS_FOR_STAKES:
        return []
    substantive = [i for i, _, _ in ctx.trainee_acts(ActKind.offer, ActKind.concession, ActKind.conditional_trade)]
    picks = sorted(set(substantive))[:2] or trainee[:2]
    return [(i, rw.short(ctx.turns[i].text, 200), None) for i in picks]


NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
# 'the team' or 'a group' is not a named function; 'the content team' is
GENERIC_GROUP = re.compile(r"(?:the|a|this|that|whole|same|our|my|your|their|new|full|wider|core|entire) [a-z&-]+$")
# 'Hi Rachel', 'thanks Rachel', 'Best, Rachel': addressing or signing, not asking about someone
VOCATIVE = re.compile(r"\b(?:hi|hello|hey|dear|thanks|thank you|cheers|morning|afternoon|sorry|regards|best|"
                      r"sincerely|ok|okay|great|perfect),?\s+([A-Z][a-z]{2,})\b", re.IGNORECASE)
WORD = re.compile(r"\w+")
NOT_NAMES = {"The", "And", "But", "Our", "Your", "We", "I", "You", "They", "This", "That", "Thanks", "Monday", "Tuesday",
             "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May",
             "June", "July", "August", "September", "October", "November", "December", "Europe", "London", "Let"}


def _asked_about_named_people(ctx: Context) -> str | None:
    """A trainee question (or request to meet) naming someone the counterparty mentioned by name."""
    names: set[str] = set()
    for turn, analysis in zip(ctx.turns, ctx.analyses, strict=True):
        if turn.speaker == "counterparty":
            names |= {n for n in NAME.findall(turn.text[:4000]) if n not in NOT_NAMES}
        elif names and analysis is not None:
            for sent in split_sentences(turn.text[:4000]):
                # word-set intersection, not one regex per name: a long meeting can mention thousands of names
                words = set(WORD.findall(sent.raw)) - {m.group(1) for m in VOCATIVE.finditer(sent.raw)}
                if names.isdisjoint(words):
                    continue
                if sent.norm.rstrip().endswith("?") or lx.ENGAGE_STRONG.search(sent.norm):
                    return sent.raw
    return None


DETECTORS: dict[str, Callable[[Context], Detection]] = {
    "power_vs_leverage": detect_power,
    "urgency_signal": detect_urgency,
    "weak_alternative": detect_weak_alternative,
    "unified_actor": detect_unified_actor,
    "process_concession": detect_process,
}
if set(DETECTORS) != set(MISTAKE_IDS):  # the registry and the detectors must name the same mistakes
    raise RuntimeError(f"detectors {sorted(DETECTORS)} do not match the mistakes registry {sorted(MISTAKE_IDS)}")

STRENGTH_KINDS: list[tuple[str, set[ActKind], str]] = [
    ("question", {ActKind.question_interests, ActKind.question_constraints, ActKind.question_alternatives,
                  ActKind.question_process}, "Asked questions that surface their interests and constraints"),
    ("stakeholder_probe", {ActKind.question_stakeholders}, "Probed who else on their side is involved"),
    ("conditional_trade", {ActKind.conditional_trade}, "Traded instead of conceding: movement only in exchange"),
    ("objective_standard", {ActKind.objective_standard}, "Anchored on an objective standard"),
    ("drafting", {ActKind.propose_own_process}, "Took control of the process (draft, agenda or sequence)"),
    ("challenge_alternative", {ActKind.challenge_alternative}, "Showed the weakness of their alternative"),
    ("strong_alternative", {ActKind.cite_strong_alternative}, "Cited a credible, strong alternative"),
]


def _overlaps(a: Evidence, b: Evidence) -> bool:
    """Two pieces of evidence quote the same line (one contains the other, in the same turn)."""
    x, y = a.quote.rstrip(" …").lower(), b.quote.rstrip(" …").lower()
    return a.turn == b.turn and (x in y or y in x)


def strengths(ctx: Context, findings: Sequence[MistakeFinding] = ()) -> list[Strength]:
    """The good moves, each with the turns that show it; a line scored as a mistake is never also a strength."""
    taken = [e for f in findings if f.detected for e in f.evidence]
    out: list[Strength] = []
    for name, kinds, description in STRENGTH_KINDS:
        hits = _unique_turns([h for h in ctx.trainee_acts(*kinds)
                              if not any(_overlaps(Evidence(turn=h[0], quote=rw.short(h[1], 300)), e) for e in taken)])
        if hits:
            out.append(Strength(kind=name, description=description, evidence=_evidence(hits)))
    return out


def _headline_first(evidence: list[Evidence], turn: int, quote: str) -> list[Evidence]:
    """The evidence with the explained line first: the debrief quotes evidence[0] as the finding's headline."""
    short = rw.short(quote, 300)
    first = [e for e in evidence if e.turn == turn and e.quote == short]
    return first + [e for e in evidence if e not in first]


def own_headlines(detections: dict[str, Detection]) -> dict[str, Detection]:
    """Each finding's headline line is its own: not a line another finding claims, whenever it has one."""
    for mid, d in detections.items():
        if not d.detected or not d.evidence or d.explain is None:
            continue
        others = [e for other, o in detections.items() if other != mid and o.detected for e in o.evidence]
        if not any(_overlaps(d.evidence[0], e) for e in others):
            continue
        unique = next((e for e in d.evidence if not any(_overlaps(e, o) for o in others)), None)
        if unique is not None:
            d.evidence = [unique] + [e for e in d.evidence if e is not unique]
            d.explanation, d.advice = d.explain(unique.turn, unique.quote)
    return detections


def analyse_all(turns: Sequence[Turn], scenario: Scenario | None) -> list[TurnAnalysis | None]:
    """Analyse every trainee turn with the counterparty's preceding line; counterparty turns get None."""
    out: list[TurnAnalysis | None] = []
    for i, turn in enumerate(turns):
        if turn.speaker != "trainee":
            out.append(None)
            continue
        previous = turns[i - 1].text if i > 0 and turns[i - 1].speaker == "counterparty" else None
        out.append(analyse_turn(turn.text, scenario, previous))
    return out


def _finding(d: Detection) -> MistakeFinding:
    """A detection as the report's typed finding."""
    if not d.detected:
        explanation, advice = rw.NOT_DETECTED[d.mistake]
        explanation = d.kept_clear or explanation
        return MistakeFinding(id=d.mistake, title=MISTAKE_TITLES[d.mistake], detected=False, severity=0, score=100,
                              evidence=[], explanation=explanation, advice=advice)
    score = max(0, SCORE_BY_SEVERITY[d.severity] - 5 * max(0, len(d.evidence) - 2))
    return MistakeFinding(id=d.mistake, title=MISTAKE_TITLES[d.mistake], detected=True, severity=d.severity,
                          score=score, evidence=d.evidence, explanation=d.explanation, advice=d.advice)


def overall(findings: list[MistakeFinding], good: list[Strength]) -> int:
    """Mean mistake score, scaled to leave room for credit from strengths."""
    mean = sum(f.score for f in findings) / len(findings)
    credit = min(10, 2 * sum(len(s.evidence) for s in good))
    return max(0, min(100, round(mean * 0.9 + credit)))


def detect(turns: Sequence[Turn], scenario: Scenario | None = None,
           reader: ActReader | None = None, scenario_facts: bool = True) -> tuple[Context, dict[str, Detection]]:
    """Run every detector on the rules' reading, then on the model's where `reading.READINGS` says so; each
    finding then leads with a line of its own evidence."""
    facts = scenario if scenario_facts else None
    ctx = Context(list(turns), analyse_all(turns, scenario), scenario, facts)
    detections = {mid: DETECTORS[mid](ctx) for mid in MISTAKE_IDS}
    learned = [mid for mid in MISTAKE_IDS if READINGS[mid].mode != Mode.rules]
    raw = model_analyses(ctx.turns, scenario, reader) if learned else None
    if raw is None:
        return ctx, own_headlines(detections)
    for threshold in thresholds_needed():
        by_model = Context(ctx.turns, at_threshold(raw, threshold), scenario, facts)
        for mid in learned:
            if READINGS[mid].threshold == threshold:
                detections[mid] = _combined(READINGS[mid].mode, detections[mid], DETECTORS[mid](by_model))
    return ctx, own_headlines(detections)


def _combined(mode: Mode, rules: Detection, model: Detection) -> Detection:
    """One mistake's detection from the two readings, as the policy for that mistake says."""
    if mode == Mode.model or (mode == Mode.either and not rules.detected):
        return model
    if mode == Mode.both and not (rules.detected and model.detected):
        return Detection(rules.mistake)
    if mode == Mode.either and model.detected:
        seen = {e.turn for e in rules.evidence}
        extra = [e for e in model.evidence if e.turn not in seen]
        rules.evidence = sorted(rules.evidence + extra, key=lambda e: e.turn)[:MAX_EVIDENCE]
    return rules


def evaluate(turns: Sequence[Turn], scenario: Scenario | None = None, judge: Judge | None = None,
             scenario_facts: bool = True) -> Report:
    """Score a conversation for the five mistakes; the rules always run, a judge may refine them.

    `scenario_facts=False` for a real conversation with a closest scenario chosen: the scenario helps read the
    turns, but the feedback names only what the transcript says (never the scenario's pressures or people).
    """
    ctx, detections = detect(turns, scenario, scenario_facts=scenario_facts)
    if judge is not None:
        detections = judge.review(ctx.turns, detections)
    findings = [_finding(detections[mid]) for mid in MISTAKE_IDS]
    good = strengths(ctx, findings)
    return Report(mistakes=findings, overall_score=overall(findings, good), strengths=good)

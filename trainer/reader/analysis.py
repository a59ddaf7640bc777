"""Turn analysis: rules and lexicons that turn one message into typed acts, shared by the engine and evaluator.

Fast, offline and deterministic. Never raises on odd input (non-English, emoji, tables, huge or empty text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.domain.acts import Act, ActKind, ProcessAspect, TurnAnalysis
from trainer.domain.numbers import CURRENCY_WORDS, TIME_DAYS, Amount, find_amounts
from trainer.reader import lexicon as lx
from trainer.reader.regex_tools import Folded
from trainer.scenarios.schema import AlternativeStrength, Issue, Scenario

MAX_CHARS = 20_000  # analyse at most this much of one turn: keeps pasted documents fast
MAX_SENTENCE = 400  # run-on text is analysed in pieces of at most this many characters
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;]+|\n|$)|[.!?;]+")
ABBREV_DOT = re.compile(r"(?<=\d)\.(?=\d)|(?<=\be)\.(?=g\.)|(?<=\bi)\.(?=e\.)|(?<=\bvs)\.|(?<=\bapprox)\.")
SECOND_PERSON = re.compile(r"\byou(?:r|rs|'re|'ve|'d|'ll)?\b", re.IGNORECASE)
CONDITIONAL_START = re.compile(r"\s*if\b", re.IGNORECASE)  # "If you ..., we ...": a condition, not a statement
OWN_VOICE = re.compile(
    r"\b(?:we|our|us|my|me|we're|we've|we'd|we'll|i'd|i'm|i've|i'll|i (?:need|have|must|want|really|just|hope))\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(?:can't|cannot|can not|won't|will not|not|never|no|couldn't|wouldn't)\b|n't\b", re.IGNORECASE)
OWN_SIDE = re.compile(r"\b(?:our|my) $", re.IGNORECASE)
FIRST_PERSON = re.compile(r"\b(?:we|i|our|my|us|me|we're|i'm|we've|i've|we'd|i'd|we'll|i'll)\b", re.IGNORECASE)

ALTERNATIVE_KINDS = {ActKind.cite_strong_alternative, ActKind.disclose_weak_alternative}


@dataclass(frozen=True)
class Sentence:
    """One sentence of a turn with its offsets, so quotes stay exact substrings of the original text."""

    start: int
    norm: str  # apostrophes normalised, same length as the original slice
    raw: str


def split_sentences(text: str) -> list[Sentence]:
    """Cut a turn into sentences; decimal points and common abbreviations do not split."""
    norm = text.translate(APOSTROPHES)
    masked = ABBREV_DOT.sub("\x00", norm)
    out: list[Sentence] = []
    for m in SENTENCE.finditer(masked):
        raw = text[m.start() : m.end()]
        stripped = raw.strip()
        if not stripped or not any(ch.isalnum() for ch in stripped):
            continue
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        out.extend(_chunks(text, norm, start, len(stripped)))
    return out


def _chunks(text: str, norm: str, start: int, length: int) -> list[Sentence]:
    """A run-on 'sentence' (pasted notes, no punctuation) is cut at spaces into pieces the rules can handle quickly."""
    pieces: list[Sentence] = []
    end = start + length
    while start < end:
        stop = end if end - start <= MAX_SENTENCE else text.rfind(" ", start, start + MAX_SENTENCE)
        stop = stop if stop > start else min(end, start + MAX_SENTENCE)
        raw = text[start:stop].strip()
        if raw:
            offset = start + text[start:stop].index(raw)
            pieces.append(Sentence(offset, norm[offset : offset + len(raw)], raw))
        start = stop
    return pieces


def _issue_unit(issue: Issue) -> tuple[str | None, float]:
    """Canonical unit and scale of an issue's unit string (e.g. 'EUR k' -> ('EUR', 1000))."""
    text = issue.unit.lower()
    scale = 1.0
    if re.search(r"\b(?:k|thousands?|000s)\b|^k", text):
        scale = 1e3
    elif re.search(r"\b(?:m|mn|millions?|mio)\b", text):
        scale = 1e6
    for word, code in CURRENCY_WORDS.items():
        if word in text:
            return code, scale
    for word in ("%", "percent", "bps", "day", "week", "month", "year", "hour", "seat", "unit", "licen"):
        if word in text:
            return ("%" if word == "percent" else word), scale
    return text.strip() or None, scale


def convert(amount: Amount, issue: Issue) -> float | None:
    """The amount in the issue's own unit, or None when the units cannot be reconciled."""
    unit, scale = _issue_unit(issue)
    if amount.unit is None:
        return amount.value / scale if scale > 1 and amount.value >= scale else amount.value
    if amount.unit == unit or (unit and amount.unit and unit.startswith(amount.unit)):
        return amount.value / scale
    if amount.unit in TIME_DAYS and unit in TIME_DAYS:
        return round(amount.value * TIME_DAYS[amount.unit] / TIME_DAYS[unit], 2)
    if amount.unit in CURRENCY_WORDS.values() and unit in CURRENCY_WORDS.values():
        return amount.value / scale  # different currency named: keep the number, the engine rounds
    return None


def _alias_hits(sentence: str, scenario: Scenario) -> list[tuple[int, int, Issue]]:
    """Spans in the sentence where an issue is named by id, label or alias."""
    hits: list[tuple[int, int, Issue]] = []
    for issue in scenario.issues:
        names = {issue.id.replace("_", " "), issue.label, *issue.aliases}
        for name in names:
            if not name or len(name) < 2:
                continue
            for m in re.finditer(rf"\b{re.escape(name)}\b", sentence, re.IGNORECASE):
                hits.append((m.start(), m.end(), issue))
    return hits


def _per_unit_issue(issue: Issue) -> bool:
    """An issue priced per item ('EUR/unit', 'USD per seat')."""
    return bool(re.search(r"(?:/|\bper\s)(?:unit|piece|item|seat|licen|head)", issue.unit, re.IGNORECASE))


LIST_BREAK = re.compile(r"\band\b|[,;]")


def _distance(amount: Amount, start: int, end: int, sentence: str) -> int:
    """Characters between an amount and an alias; a list break ('and', a comma) between them counts extra,
    since 'the 2% price-down and 90-day terms' names each term beside its own number."""
    lo, hi = (amount.end, start) if start >= amount.end else (end, amount.start)
    return max(0, hi - lo) + (10 if LIST_BREAK.search(sentence[lo:hi]) else 0)


def _match_issue(amount: Amount, sentence: str, scenario: Scenario,
                 amounts: list[Amount] | None = None) -> tuple[Issue, float] | None:
    """The issue this amount most plausibly belongs to: nearest alias with compatible units, else unique unit match.

    An alias closer to another amount in the sentence belongs to that amount: in 'the unit price has to be 200 and
    the recall cap 18m', 'recall' names the 18m, not the 200."""
    others = [a for a in amounts or [] if a is not amount]

    def gap(hit: tuple[int, int, Issue]) -> int:
        start, end, issue = hit
        return _distance(amount, start, end, sentence) + (0 if _issue_unit(issue)[0] == amount.unit else 6)

    for hit in sorted(_alias_hits(sentence, scenario), key=gap):
        start, end, issue = hit
        if any(_distance(o, start, end, sentence) < _distance(amount, start, end, sentence) for o in others):
            continue
        value = convert(amount, issue)
        # Converting between time units (years -> days) needs the alias right beside the amount.
        if value is not None and (_issue_unit(issue)[0] == amount.unit or gap(hit) - 6 <= 12):
            return issue, value
    if amount.per_unit:
        priced = [i for i in scenario.issues if _per_unit_issue(i)]
        return (priced[0], amount.value) if len(priced) == 1 else None
    if amount.unit is None:
        return None
    # Without an alias naming the issue, only an exact unit match counts: "a three-year term" is not
    # 1,095 days of payment terms just because days are the only time unit on the table.
    compatible = [(i, v) for i in scenario.issues
                  if _issue_unit(i)[0] == amount.unit and (v := convert(amount, i)) is not None]
    return compatible[0] if len(compatible) == 1 else None


def _offer_acts(sent: Sentence, scenario: Scenario | None) -> list[Act]:
    """Offers with values; with a scenario each value is mapped onto an issue in the issue's own unit."""
    acts: list[Act] = []
    if lx.THEIR_NUMBER.search(sent.norm) and not lx.OFFER_CUE.search(sent.norm):
        return acts
    has_cue = bool(lx.OFFER_CUE.search(sent.norm))
    theirs = [m.end() for m in lx.THEIR_NUMBER.finditer(sent.norm)]
    amounts = find_amounts(sent.norm)
    for amount in amounts:
        if any(0 <= amount.start - end <= 20 for end in theirs):
            continue  # "your offer of 120 days": quoting their number, not making ours
        if scenario is not None:
            matched = _match_issue(amount, sent.norm, scenario, amounts)
            if matched is None:
                continue
            issue, value = matched
            if any(a.issue_id == issue.id for a in acts):
                continue  # one value per issue per sentence: "60 days payment, three years" is not two payment terms
            acts.append(Act(kind=ActKind.offer, quote=sent.raw, issue_id=issue.id, value=value, unit=issue.unit))
        elif has_cue and (amount.unit is not None or amount.per_unit):
            acts.append(Act(kind=ActKind.offer, quote=sent.raw, value=amount.value, unit=amount.unit, confidence=0.7))
    return acts


def _is_question(sent: Sentence) -> bool:
    """A question by punctuation or by its opening words."""
    return sent.norm.rstrip().endswith("?") or bool(lx.QUESTION_START.search(sent.norm))


def their_people(text: str, generic: bool = True) -> bool:
    """Does the text name someone on *their* side (not 'our team' or 'my manager')? `generic` adds any
    '<word> team/office/board' phrase to the known titles and functions."""
    for pattern in (lx.STAKEHOLDER_MENTION, lx.ACTOR_GENERIC) if generic else (lx.STAKEHOLDER_MENTION,):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 5) : m.start()]
            if not OWN_SIDE.search(before) and not m.group(0).lower().startswith(("our ", "my ")):
                return True
    return False


def _stakeholder_probe(sent: Sentence, question: bool, previous: str | None) -> bool:
    """A question, or a request to engage, about a specific actor on their side."""
    if their_people(sent.norm, generic=False) and (question or lx.ENGAGE_STRONG.search(sent.norm)):
        return True
    if their_people(sent.norm) and (question or lx.ENGAGE_STRONG.search(sent.norm)) and (
        lx.ENGAGE_STAKEHOLDER.search(sent.norm) or re.search(r"\b(?:important|matters?|view|take|make the (?:call|decision)|final say|veto|"
                                                   r"in charge|owns?|responsible)\b", sent.norm, re.I)
    ):
        return True  # a generic function ('the delivery team') only counts when we ask what it needs or thinks
    if question and lx.PROBE_WITHOUT_TITLE.search(sent.norm):
        return True
    who = lx.WHO_PROBE.search(sent.norm) if question else None
    if who and not re.search(r"\bwho (?:drafts|writes|will draft)\b", sent.norm, re.I):
        if not who.group(0).startswith("what") or their_people(sent.norm) or lx.ROLE_NOUN.search(sent.norm):
            return True  # 'what does the store need' asks about the whole firm, not an actor inside it
    pronoun = re.search(r"\b(?:she|he|her|him)\b", sent.norm, re.IGNORECASE)
    engaged = question or lx.ENGAGE_STRONG.search(sent.norm)
    return bool(engaged and pronoun and previous and their_people(previous.translate(APOSTROPHES)))


def _question_acts(sent: Sentence) -> list[Act]:
    """Classify a question by what it surfaces; the first matching kind wins."""
    for kind, pattern in lx.QUESTION_KINDS:
        if pattern.search(sent.norm):
            return [Act(kind=kind, quote=sent.raw)]
    if re.match(r"\s*(?:what|how|why|help me|tell me|walk me)", sent.norm, re.IGNORECASE):
        return [Act(kind=ActKind.question_interests, quote=sent.raw, confidence=0.6)]
    return []


def _urgent(sent: Sentence, scenario: Scenario | None, alternatives: list[Act]) -> bool:
    """Own urgency; a date attached to a strong alternative or a secured position, or a meeting proposal, is not."""
    if lx.NEUTRAL_SCHEDULING.search(sent.norm) or lx.CALM.search(sent.norm):
        return False
    if lx.THEIR_DATE_BEFORE_THEN.search(sent.norm):
        return False
    if any(m and not SECOND_PERSON.search(m.group(0)) for m in lx.URGENCY.finditer(sent.norm)):
        return True
    if lx.URGENCY_INDIRECT.search(sent.norm) or _pressure_hit(sent, scenario):
        return True
    secured = any(a.kind == ActKind.cite_strong_alternative for a in alternatives) or lx.SECURE_DATE.search(sent.norm)
    return _timed_pressure(sent) and not secured


def _their_clock(text: str) -> bool:
    """The date in the sentence is theirs ('since your quarter ends on the 30th') and nothing of ours is at stake."""
    return bool(lx.THEIR_TIME.search(text)) and not re.search(r"\b(?:our|my)\b", text, re.IGNORECASE)


def _timed_pressure(sent: Sentence) -> bool:
    """First person + a date or pace word + a need or a running-out verb, not framed as *their* clock."""
    text = lx.SERVICE_TERM.blank(sent.norm)
    if not OWN_VOICE.search(text) or lx.THEIR_FRAME.search(text) or CONDITIONAL_START.match(text):
        return False
    if _their_clock(text):
        return False
    pressure = lx.PRESSURE_WORDS.search(text) or lx.STRONG_PRESSURE_WORDS.search(text)
    return bool(lx.DATE_OR_PACE.search(text) and pressure)


def _pressure_hit(sent: Sentence, scenario: Scenario | None) -> bool:
    """A scenario's private-pressure keyword said in first person (not about their side)."""
    if scenario is None:
        return False
    for pressure in scenario.trainee.private_pressures:
        for kw in pressure.keywords:
            if kw and re.search(rf"\b{re.escape(kw)}", sent.norm, re.IGNORECASE):
                if FIRST_PERSON.search(sent.norm) and not lx.THEIR_TIME.search(sent.norm):
                    return True
    return False


def _alternative_acts(sent: Sentence, scenario: Scenario | None, question: bool) -> list[Act]:
    """Own alternative: weak (a disclosure) or genuinely strong (legitimate leverage)."""
    if question and not FIRST_PERSON.search(sent.norm):
        return []
    strong = bool(lx.STRONG_ALT.search(sent.norm)) and not lx.WEAK_QUALIFIER.search(sent.norm)
    judged_poor = bool(lx.ALT_REFERENCE.search(sent.norm) and lx.NEGATIVE_EVAL.search(sent.norm))
    broad = lx.WEAK_ALT_HINT.search(sent.norm) or judged_poor
    if lx.CALM_LOSS.search(sent.norm):
        broad = None  # 'if it doesn't come our way, that's fine' is calm, not a poor fallback
    elif broad and lx.POSITIVE_ALT.search(sent.norm) and not (lx.WEAK_QUALIFIER.search(sent.norm) or judged_poor):
        broad = None  # 'our next best option pays about the same' is not a weak fallback
    weak = bool(lx.WEAK_ALT.search(sent.norm)) or (not strong and bool(broad or lx.WEAK_ALT_ADMITTED.search(sent.norm)))
    alt = scenario.trainee.alternative if scenario else None
    if alt and not question and any(re.search(rf"\b{re.escape(k)}", sent.norm, re.IGNORECASE) for k in alt.keywords):
        if alt.strength == AlternativeStrength.strong and not weak:
            strong = True
        elif alt.strength == AlternativeStrength.weak or lx.WEAK_QUALIFIER.search(sent.norm):
            weak = True
    if weak:
        return [Act(kind=ActKind.disclose_weak_alternative, quote=sent.raw)]
    if strong:
        return [Act(kind=ActKind.cite_strong_alternative, quote=sent.raw)]
    return []


def _candid_weakness(sent: Sentence, question: bool, acts: list[Act]) -> list[Act]:
    """'Honestly, the market is dead': a candid aside about our own poor position, when nothing else explains it."""
    explained = {ActKind.disclose_urgency, ActKind.deference, *ALTERNATIVE_KINDS}
    if question or any(a.kind in explained for a in acts):
        return []
    if lx.CANDOR.search(sent.norm) and lx.BAD_SITUATION.search(sent.norm) and OWN_VOICE.search(sent.norm):
        return [Act(kind=ActKind.disclose_weak_alternative, quote=sent.raw, confidence=0.6)]
    return []


def _aspect(text: str, table: list[tuple[ProcessAspect, Folded]]) -> ProcessAspect | None:
    """The first process aspect whose words appear in the text."""
    for aspect, pattern in table:
        if pattern.search(text):
            return aspect
    return None


def _process_acts(sent: Sentence) -> list[Act]:
    """Own process proposals and explicit acceptance of theirs, within one sentence."""
    acts: list[Act] = []
    if lx.OWN_PROCESS.search(sent.norm):
        aspect = _aspect(sent.norm, lx.ASPECT_WORDS) or ProcessAspect.draft
        acts.append(Act(kind=ActKind.propose_own_process, quote=sent.raw, aspect=aspect))
    elif lx.REFUSE_PROCESS.search(sent.norm) and not re.search(r"\bdon't mind\b", sent.norm, re.I):
        return acts  # 'we'd rather not leave price to the end' refuses their process
    elif lx.ACCEPT_THEIR_PROCESS.search(sent.norm) or _assents_to_their_process(sent):
        aspect = _aspect(sent.norm, lx.ASPECT_WORDS) or ProcessAspect.draft
        acts.append(Act(kind=ActKind.accept_their_process, quote=sent.raw, aspect=aspect))
    return acts


def _assents_to_their_process(sent: Sentence) -> bool:
    """Their draft/agenda/schedule named together with a word of assent and no counter-proposal."""
    text = sent.norm
    if text.rstrip().endswith("?") or lx.COUNTER_PROCESS.search(text):
        return False
    return bool(lx.THEIR_PROCESS_OBJECT.search(text) and lx.ASSENT.search(text))


def their_process_offer(previous: str | None) -> ProcessAspect | None:
    """Which process term the counterparty just proposed for itself (draft, agenda, sequence, cadence), if any."""
    if not previous:
        return None
    text = previous[:MAX_CHARS].translate(APOSTROPHES)
    aspect = _aspect(text, lx.THEIR_PROCESS_OFFER)
    if aspect is None and lx.THEIR_PROCESS_TERMS.search(text):
        aspect = _aspect(text, lx.ASPECT_WORDS) or ProcessAspect.draft
    return aspect


def _yield_to_previous(sentences: list[Sentence], previous: str | None, acts: list[Act]) -> list[Act]:
    """'Sure, that works' right after their process proposal is accepting their process."""
    aspect = their_process_offer(previous)
    if aspect is None or not sentences or any(a.kind == ActKind.propose_own_process for a in acts):
        return []
    if any(a.kind == ActKind.accept_their_process for a in acts):
        return []
    first = sentences[0]
    yielded = lx.YIELD_TO_PROPOSAL.search(first.norm)
    if len(sentences) > 1 and lx.OWN_AGENDA.search(sentences[1].norm):
        return []  # 'Sounds good. We'd rather settle both at once, so let's put them on that agenda.'
    if yielded and not lx.PUSHBACK.search(first.norm) and not _is_question(first):
        return [Act(kind=ActKind.accept_their_process, quote=first.raw, aspect=aspect, confidence=0.8)]
    return []


def _substance_acts(sent: Sentence) -> list[Act]:
    """Conditional trades versus unconditional concessions."""
    gift = bool(lx.GIFT_CONDITION.search(sent.norm))  # 'if that makes it easier for you' trades nothing
    condition = not gift and bool(lx.CONDITION.search(sent.norm))
    concession = any(not NEGATION.search(m.group(0)) for m in lx.CONCESSION.finditer(sent.norm))
    if concession and lx.NOT_FREE.search(sent.norm):
        concession = False  # an extra priced separately is not ground given
    if gift and (concession or lx.GIFT_GIVE.search(sent.norm) or find_amounts(sent.norm)):
        return [Act(kind=ActKind.deference, quote=sent.raw, confidence=0.7)]
    if condition and (concession or lx.OFFER_CUE.search(sent.norm) or find_amounts(sent.norm)):
        return [Act(kind=ActKind.conditional_trade, quote=sent.raw)]
    if concession and not condition:
        return [Act(kind=ActKind.concession, quote=sent.raw, confidence=0.8)]
    return []


def _simple_acts(sent: Sentence, question: bool) -> list[Act]:
    """Standards, challenges to their alternative, deference, closing moves and small talk."""
    table = [
        (ActKind.objective_standard, lx.OBJECTIVE_STANDARD),
        (ActKind.challenge_alternative, lx.CHALLENGE_ALT),
        (ActKind.deference, lx.DEFERENCE),
        (ActKind.walk_away, lx.WALK_AWAY),
    ]
    if not question:
        table += [(ActKind.accept, lx.ACCEPT), (ActKind.reject, lx.REJECT)]
    acts = [Act(kind=kind, quote=sent.raw) for kind, pattern in table if pattern.search(sent.norm)]
    if lx.FREEBIE.search(sent.norm) and not lx.CONDITION.search(sent.norm):
        acts.append(Act(kind=ActKind.deference, quote=sent.raw, confidence=0.7))  # giving it away unasked
    if not acts and lx.SMALL_TALK.search(sent.norm) and len(sent.norm) < 120:
        acts.append(Act(kind=ActKind.small_talk, quote=sent.raw, confidence=0.7))
    return acts


def analyse_sentence(sent: Sentence, scenario: Scenario | None = None, previous: str | None = None) -> list[Act]:
    """All acts carried by one sentence."""
    question = _is_question(sent)
    acts: list[Act] = _question_acts(sent) if question else []
    if _stakeholder_probe(sent, question, previous) and not any(a.kind == ActKind.question_stakeholders for a in acts):
        acts = [Act(kind=ActKind.question_stakeholders, quote=sent.raw)] + [
            a for a in acts if a.kind != ActKind.question_interests
        ]
    if lx.ASK_VIA_ACTOR.search(sent.norm) and not re.search(r"\bwho\b", sent.norm, re.I):
        acts = [a for a in acts if a.kind != ActKind.question_stakeholders]  # asking the board for a fee, not probing it
    alternatives = _alternative_acts(sent, scenario, question)
    if _urgent(sent, scenario, alternatives):
        acts.append(Act(kind=ActKind.disclose_urgency, quote=sent.raw))
    acts += alternatives
    process = _process_acts(sent)
    if lx.WHATEVER_WORKS.search(sent.norm) and not process:
        aspect = their_process_offer(previous) or _aspect(sent.norm, lx.ASPECT_WORDS)
        if aspect is not None:
            process = [Act(kind=ActKind.accept_their_process, quote=sent.raw, aspect=aspect)]
        else:  # after a price or terms, 'whatever works for you' hands them the terms
            acts.append(Act(kind=ActKind.deference, quote=sent.raw, confidence=0.7))
    acts += process
    if not any(a.kind == ActKind.accept_their_process for a in process):
        acts += _substance_acts(sent)
    simple = _simple_acts(sent, question)
    if any(a.kind == ActKind.accept_their_process for a in process) and re.search(r"\bwhatever\b", sent.norm, re.I):
        simple = [a for a in simple if a.kind != ActKind.deference]  # 'whatever suits you' here is about process
    if lx.FIRM.search(sent.norm):
        simple = [a for a in simple if a.kind != ActKind.deference]  # 'we've already cut 5%, no further' holds firm
    acts += simple
    acts += _candid_weakness(sent, question, acts)
    if not any(a.kind in ALTERNATIVE_KINDS for a in acts):
        acts += _offer_acts(sent, scenario)  # numbers about an alternative are not our offer
    return acts


def analyse_turn(text: str, scenario: Scenario | None = None, previous: str | None = None) -> TurnAnalysis:
    """Typed acts for one trainee turn; `previous` is the counterparty's preceding line (for 'sure, that works')."""
    if not isinstance(text, str) or not text.strip():
        return TurnAnalysis(text=text if isinstance(text, str) else "", acts=[])
    sentences = split_sentences(text[:MAX_CHARS])
    acts: list[Act] = []
    for sent in sentences:
        acts += analyse_sentence(sent, scenario, previous)
    acts += _yield_to_previous(sentences, previous, acts)
    acts += _turn_level_urgency(sentences, acts)
    acts += _turn_level_weak_alternative(sentences, previous, acts)
    acts += _power_frame(sentences, acts)
    acts = _reconcile(sentences, acts)
    return TurnAnalysis(text=text, acts=_dedupe(acts))


def _own_timed(sent: Sentence) -> bool:
    """A sentence in our own voice naming a date or pace (not a past date, not their clock, not a condition)."""
    text = sent.norm
    m = lx.DATE_OR_PACE.search(text)
    if not m or re.search(r"\b(?:since|last|ago|past)\b[^.?!]{0,12}$", text[: m.start()], re.IGNORECASE):
        return False
    if _their_clock(text):
        return False
    return bool(OWN_VOICE.search(text)) and not lx.THEIR_FRAME.search(text) and not CONDITIONAL_START.match(text)


def _turn_level_urgency(sentences: list[Sentence], acts: list[Act]) -> list[Act]:
    """A date and its reason split across adjacent sentences ('By Friday? Just so we can plan.')."""
    if any(a.kind == ActKind.disclose_urgency for a in acts) or len(sentences) > 6:
        return []
    if any(a.kind == ActKind.cite_strong_alternative for a in acts):
        return []  # a date next to a firm alternative is leverage, not pressure
    for first, second in zip(sentences, sentences[1:], strict=False):
        for timed, other in ((first, second), (second, first)):
            pressed = lx.STRONG_PRESSURE_WORDS.search(other.norm) and OWN_VOICE.search(other.norm)
            if _own_timed(timed) and pressed and not lx.THEIR_FRAME.search(other.norm):
                return [Act(kind=ActKind.disclose_urgency, quote=timed.raw, confidence=0.7)]
    return []


def _turn_level_weak_alternative(sentences: list[Sentence], previous: str | None, acts: list[Act]) -> list[Act]:
    """A fallback named in one sentence and judged poor, or leaned on to accept, in another (or in the same)."""
    if any(a.kind in ALTERNATIVE_KINDS for a in acts) or len(sentences) > 8:
        return []
    asked = bool(previous and lx.ASKS_FALLBACK.search(previous[-400:]))
    refs = [s for s in sentences if not _is_question(s) and lx.FALLBACK_REFERENCE.search(s.norm)]
    if not refs and not asked:
        return []
    text = " ".join(s.norm for s in sentences)
    if lx.CALM_LOSS.search(text) or not lx.POOR_OR_YIELDING.search(text):
        return []
    quote = (refs[0] if refs else next((s for s in sentences if not _is_question(s)), sentences[0])).raw
    return [Act(kind=ActKind.disclose_weak_alternative, quote=quote, confidence=0.6)]


def _power_frame(sentences: list[Sentence], acts: list[Act]) -> list[Act]:
    """'You've got plenty of choice, so 6% is fine': their size in one clause, giving way in the same or next one."""
    if any(a.kind == ActKind.deference for a in acts):
        return []
    for i, sent in enumerate(sentences[:40]):
        if _is_question(sent) or not lx.SIZE_GAP.search(sent.norm):
            continue
        window = [s for s in sentences[i : i + 2] if not _is_question(s)]
        if any(lx.FIRM.search(s.norm) or lx.CONDITION.search(s.norm) for s in window):
            continue  # holding firm, or trading: not deference
        if any(lx.GIVE_WAY.search(s.norm) for s in window):
            return [Act(kind=ActKind.deference, quote=sent.raw, confidence=0.7)]
    return []


def _reconcile(sentences: list[Sentence], acts: list[Act]) -> list[Act]:
    """Turn-level corrections: a reading of their size followed by a challenge or a firm line is not deference;
    proposing our own draft outranks a polite request to see theirs; 'otherwise ...' after a trade is that trade's
    other branch."""
    by_quote = {s.raw: i for i, s in enumerate(sentences)}
    own_aspects = {a.aspect for a in acts if a.kind == ActKind.propose_own_process}
    traded = {by_quote.get(a.quote) for a in acts if a.kind == ActKind.conditional_trade}
    traded |= {i for i, s in enumerate(sentences) if CONDITIONAL_START.match(s.norm)}
    out: list[Act] = []
    for act in acts:
        i = by_quote.get(act.quote)
        if act.kind in (ActKind.disclose_urgency, ActKind.disclose_weak_alternative) and i and i - 1 in traded and \
                lx.OTHER_BRANCH.search(sentences[i].norm):
            continue  # the other branch of the trade just offered, not a fallback or a clock
        if act.kind == ActKind.deference and i is not None:
            near = sentences[i : i + 2]
            if any(lx.CHALLENGE_ALT.search(s.norm) or lx.VALUE_FRAME.search(s.norm) for s in near):
                continue
            if _acknowledged_then_held(sentences[i], near[1:]):
                continue
        if act.kind == ActKind.accept_their_process and act.aspect in own_aspects:
            continue
        out.append(act)
    return out


def _acknowledged_then_held(sent: Sentence, following: list[Sentence]) -> bool:
    """'You're the biggest league here, respect for that. But we have another offer': a courtesy, not deference."""
    if not lx.SIZE_ACK.search(sent.norm) or lx.SIZE_ACK_YIELDS.search(sent.norm) or not following:
        return False
    return bool(lx.HOLD_AFTER_ACK.search(following[0].norm)) or following[0].norm.rstrip().endswith("?")


def _dedupe(acts: list[Act]) -> list[Act]:
    """Drop exact repeats (same kind, quote, issue and value) while keeping order."""
    seen: set[tuple[object, ...]] = set()
    out: list[Act] = []
    for act in acts:
        key = (act.kind, act.quote, act.issue_id, act.value, act.aspect)
        if key not in seen:
            seen.add(key)
            out.append(act)
    return out

"""The preparation sheet: the trainee's plan before play, checked for the five mistakes, and compared with play.

Optional and suggested on the brief. The trainee writes a target and a walk-away per issue, what they know or
suspect of the other side's alternatives and stakeholders, the questions they plan to ask, what they will keep to
themselves, and the agenda they will propose. Before play each problem gets a short tip, tied to one of the five
mistakes. After play the debrief compares plan with play ("You planned to ask about their launch timing; you never
did."). The sheet is saved with the session (its branches share it) and shown in the cohort drill-down.

The checks read the plan's text with the same reader as the conversation, and the brief's numbers: the brief's
walk-away is where the trainee's alternative beats a deal, so a planned walk-away worse than it is a weak
alternative doing the negotiating.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trainer.app.session import TRAINEE, Line
from trainer.domain.acts import ActKind, TurnAnalysis
from trainer.engine.outcome import Outcome
from trainer.engine.policy import main_issue
from trainer.engine.terms import better_for_trainee, format_value
from trainer.reader.analysis import analyse_turn
from trainer.scenarios.schema import Issue, Scenario
from trainer.storage import preparations
from trainer.storage.store import Store

log = logging.getLogger(__name__)

MAX_TEXT = 600  # characters per answer
MAX_ITEMS = 10  # questions, private items, agenda points
WORD = re.compile(r"[a-z][a-z'-]{3,}")
STOP = frozenset(
    "what which where when will would could should about their there them they your yours with from that this these "
    "those have does into more most much need needs want plan planned know think also than then just like being "
    "here make made side sure".split()
)
QUESTION_ACTS = (
    ActKind.question_interests, ActKind.question_constraints, ActKind.question_stakeholders,
    ActKind.question_alternatives, ActKind.question_process,
)  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IssuePlan(_Strict):
    """The trainee's own target and walk-away on one issue (either may be left blank)."""

    issue_id: str = Field(max_length=100)
    target: float | None = Field(default=None, allow_inf_nan=False)
    walkaway: float | None = Field(default=None, allow_inf_nan=False)


class Sheet(_Strict):
    """One preparation sheet."""

    issues: list[IssuePlan] = Field(default_factory=list, max_length=6)
    their_alternatives: str = Field(default="", max_length=MAX_TEXT)
    their_stakeholders: str = Field(default="", max_length=MAX_TEXT)
    questions: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    keep_private: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    agenda: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)

    @field_validator("questions", "keep_private", "agenda")
    @classmethod
    def _items(cls, items: list[str]) -> list[str]:
        """Blank lines dropped, each item kept short."""
        cleaned = [" ".join(x.split()) for x in items if x and x.strip()]
        too_long = [x for x in cleaned if len(x) > MAX_TEXT]
        if too_long:
            raise ValueError(f"each item is at most {MAX_TEXT} characters")
        return cleaned

    def plan(self, issue_id: str) -> IssuePlan | None:
        """The plan for one issue, if any."""
        return next((p for p in self.issues if p.issue_id == issue_id), None)

    @property
    def empty(self) -> bool:
        """Nothing written yet."""
        numbers = any(p.target is not None or p.walkaway is not None for p in self.issues)
        texts = self.their_alternatives or self.their_stakeholders or self.questions or self.keep_private
        return not (numbers or texts or self.agenda)


def lines_of(text: str) -> list[str]:
    """One item per line, as a text area gives them."""
    return [x.strip() for x in (text or "").splitlines() if x.strip()]


# ---------------------------------------------------------------- before play


@dataclass(frozen=True)
class Tip:
    """One problem in the plan, the mistake it leads to, and what to do instead."""

    mistake: str
    field: str
    problem: str
    tip: str


def _words(text: str) -> set[str]:
    """Content words, for matching a plan with what was said."""
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def _read(text: str, scenario: Scenario) -> TurnAnalysis:
    """A plan item read as if it were said (the reader never fails a page: no acts if it cannot read it)."""
    try:
        return analyse_turn(text, scenario, None)
    except Exception:  # noqa: BLE001 - a plan is free text; an unreadable item just has no acts
        log.info("could not read a plan item", exc_info=True)
        return TurnAnalysis(text=text)


def _mentions_pressure(text: str, scenario: Scenario) -> bool:
    """Whether a text names one of the trainee's private pressures (its keywords, or its description's words)."""
    low = text.lower()
    for p in scenario.trainee.private_pressures:
        if any(k.lower() in low for k in p.keywords) or len(_words(text) & _words(p.description)) >= 2:
            return True
    return False


def check(sheet: Sheet, scenario: Scenario) -> list[Tip]:
    """Every problem in the plan, in the order of the five mistakes."""
    tips: list[Tip] = []
    tips += _numbers(sheet, scenario)
    tips += _alternatives(sheet, scenario)
    tips += _urgency(sheet, scenario)
    tips += _stakeholders(sheet, scenario)
    tips += _process(sheet, scenario)
    return tips


def _numbers(sheet: Sheet, scenario: Scenario) -> list[Tip]:
    """Walk-aways weaker than the alternative; targets that leave nothing to trade."""
    tips = []
    for issue in scenario.issues:
        plan = sheet.plan(issue.id)
        if plan is None:
            continue
        where = f"issues.{issue.id}"
        if plan.walkaway is not None and better_for_trainee(issue, issue.trainee_walkaway, plan.walkaway):
            tips.append(Tip(
                "weak_alternative", f"{where}.walkaway",
                f"Your walk-away on {issue.label.lower()} ({format_value(issue, plan.walkaway)}) is weaker than your "
                f"alternative: beyond {format_value(issue, issue.trainee_walkaway)} your brief's fallback is the better deal.",
                f"Set the walk-away at {format_value(issue, issue.trainee_walkaway)} or better, and argue from this deal's value.",
            ))  # fmt: skip
        if plan.target is not None and plan.walkaway is not None and not better_for_trainee(issue, plan.target, plan.walkaway):
            tips.append(Tip(
                "power_vs_leverage", f"{where}.target",
                f"Your target on {issue.label.lower()} is no better than your walk-away: you would start by conceding.",
                f"Aim higher than you would settle for; your brief's target is {format_value(issue, issue.trainee_target)}.",
            ))  # fmt: skip
    return tips


def _items(sheet: Sheet) -> list[tuple[str, str]]:
    """(field, text) for every planned line the trainee means to say."""
    out = [(f"questions[{n}]", q) for n, q in enumerate(sheet.questions)]
    return out + [(f"agenda[{n}]", a) for n, a in enumerate(sheet.agenda)]


def _alternatives(sheet: Sheet, scenario: Scenario) -> list[Tip]:
    """Planning to mention a poor fallback, or to defer; no thought about their alternatives."""
    tips = []
    for where, text in _items(sheet):
        read = _read(text, scenario)
        if read.has(ActKind.disclose_weak_alternative):
            tips.append(Tip("weak_alternative", where, "This plans to tell them about your fallback.",
                            "Leave your alternative out; build the case on what this deal does for both sides."))  # fmt: skip
        if read.has(ActKind.deference) or read.has(ActKind.concession):
            tips.append(Tip("power_vs_leverage", where, "This plans to give ground before they have asked for it.",
                            "Keep movement for trades: 'if you can …, then we can …'."))  # fmt: skip
    if not sheet.their_alternatives:
        tips.append(Tip("power_vs_leverage", "their_alternatives", "Nothing noted about their alternatives.",
                        "Write down what switching away from you would cost them: that, not their size, is leverage."))  # fmt: skip
    return tips


def _urgency(sheet: Sheet, scenario: Scenario) -> list[Tip]:
    """Planning to open with the deadline; a deadline not kept private."""
    tips = []
    for where, text in _items(sheet):
        if _read(text, scenario).has(ActKind.disclose_urgency) or _mentions_pressure(text, scenario):
            tips.append(Tip("urgency_signal", where, "This plans to tell them your own timeline or pressure.",
                            "Keep your deadline to yourself; let the substance set the pace."))  # fmt: skip
    if not any(_mentions_pressure(x, scenario) for x in sheet.keep_private):
        pressure = scenario.trainee.private_pressures[0].description.rstrip(".")
        tips.append(Tip("urgency_signal", "keep_private", "Your plan does not say what you will keep to yourself.",
                        f"Add your pressure ({pressure.lower()}) to what you keep private."))  # fmt: skip
    return tips


def _stakeholders(sheet: Sheet, scenario: Scenario) -> list[Tip]:
    """No question planned about who else decides."""
    asks = any(_read(q, scenario).has(ActKind.question_stakeholders) for q in sheet.questions)
    if asks:
        return []
    return [Tip("unified_actor", "questions", "No question planned about who else on their side decides.",
                "Plan to ask who else needs to be comfortable with the deal, and what each of them needs.")]  # fmt: skip


def _process(sheet: Sheet, scenario: Scenario) -> list[Tip]:
    """No agenda of one's own, an agenda that accepts theirs, or the main issue left to the end."""
    if not sheet.agenda:
        return [Tip("process_concession", "agenda", "No agenda of your own.",
                    "Propose the agenda yourself: whoever sets it decides what gets discussed.")]  # fmt: skip
    tips = []
    for n, item in enumerate(sheet.agenda):
        if _read(item, scenario).has(ActKind.accept_their_process):
            tips.append(Tip("process_concession", f"agenda[{n}]", "This agenda point accepts their process.",
                            "Offer to draft yourself, and set the order of topics."))  # fmt: skip
    main = main_issue(scenario)
    where = [n for n, item in enumerate(sheet.agenda) if _names(item, main)]
    if len(sheet.agenda) >= 3 and where and min(where) == len(sheet.agenda) - 1:
        tips.append(Tip("process_concession", f"agenda[{where[0]}]", f"Your agenda leaves {main.label.lower()} to the end.",
                        f"Put {main.label.lower()} on the table early, alongside the other points, so you can trade."))  # fmt: skip
    return tips


def _names(text: str, issue: Issue) -> bool:
    """Whether a text names an issue (its label or one of its aliases)."""
    low = text.lower()
    return issue.label.lower() in low or any(a.lower() in low for a in issue.aliases)


# ---------------------------------------------------------------- after play


@dataclass(frozen=True)
class PlanCheck:
    """One line of 'plan versus play'."""

    kept: bool | None  # True: as planned; False: not as planned; None: for information
    text: str


def _trainee_turns(lines: Sequence[Line], scenario: Scenario) -> list[tuple[int, str, TurnAnalysis]]:
    """(index, text, reading) for every trainee line."""
    out = []
    for i, line in enumerate(lines):
        if line.speaker == TRAINEE:
            previous = next((lines[j].text for j in range(i - 1, -1, -1) if lines[j].speaker != TRAINEE), None)
            read = line.acts or analyse_turn(line.text, scenario, previous)
            out.append((i, line.text, read))
    return out


def _asked(question: str, turns: list[tuple[int, str, TurnAnalysis]], scenario: Scenario) -> int | None:
    """The turn where a planned question was asked (same kind of question about the same thing), or None."""
    kinds = {a.kind for a in _read(question, scenario).acts if a.kind in QUESTION_ACTS}
    words = _words(question)
    need = min(2, max(1, len(words) // 2))  # a short question shares one word, a long one two
    for i, text, read in turns:
        shared = len(words & _words(text))
        asking = "?" in text or any(read.has(k) for k in QUESTION_ACTS)
        if (any(read.has(k) for k in kinds) and (shared >= 1 or not words)) or (asking and shared >= need):
            return i
    return None


def _revealed(item: str, turns: list[tuple[int, str, TurnAnalysis]], scenario: Scenario) -> int | None:
    """The turn where something meant to stay private was said, or None."""
    pressure = _mentions_pressure(item, scenario)
    alternative = any(k.lower() in item.lower() for k in scenario.trainee.alternative.keywords) or len(
        _words(item) & _words(scenario.trainee.alternative.description)) >= 2  # fmt: skip
    words = _words(item)
    for i, text, read in turns:
        if pressure and read.has(ActKind.disclose_urgency):
            return i
        if alternative and read.has(ActKind.disclose_weak_alternative):
            return i
        if len(words) >= 2 and len(words & _words(text)) >= max(2, (len(words) + 1) // 2):
            return i
    return None


def compare(sheet: Sheet, lines: Sequence[Line], scenario: Scenario, outcome: Outcome) -> list[PlanCheck]:
    """Plan versus play: questions asked or not, secrets kept or not, the agenda, and the numbers."""
    turns = _trainee_turns(lines, scenario)
    out: list[PlanCheck] = []
    for q in sheet.questions:
        at = _asked(q, turns, scenario)
        out.append(PlanCheck(True, f"You planned to ask “{q}”; you did, at turn {at + 1}.") if at is not None
                   else PlanCheck(False, f"You planned to ask “{q}”; you never did."))  # fmt: skip
    for item in sheet.keep_private:
        at = _revealed(item, turns, scenario)
        out.append(PlanCheck(False, f"You planned to keep “{item}” to yourself; you said it at turn {at + 1}.")
                   if at is not None else PlanCheck(True, f"You kept “{item}” private, as planned."))  # fmt: skip
    out += _agenda_check(sheet, turns)
    out += _numbers_check(sheet, scenario, outcome)
    return out


def _agenda_check(sheet: Sheet, turns: list[tuple[int, str, TurnAnalysis]]) -> list[PlanCheck]:
    """Did the trainee propose the agenda they planned, or take theirs?"""
    if not sheet.agenda:
        return []
    own = next((i for i, _, read in turns if read.has(ActKind.propose_own_process)), None)
    theirs = next((i for i, _, read in turns if read.has(ActKind.accept_their_process)), None)
    if theirs is not None and (own is None or theirs < own):
        return [PlanCheck(False, f"You planned your own agenda but accepted their process at turn {theirs + 1}.")]
    if own is not None:
        return [PlanCheck(True, f"You proposed your own process at turn {own + 1}, as planned.")]
    return [PlanCheck(False, "You planned an agenda but never proposed it.")]


def _numbers_check(sheet: Sheet, scenario: Scenario, outcome: Outcome) -> list[PlanCheck]:
    """Each planned target and walk-away against the result."""
    out = []
    for o in outcome.issues:
        plan = sheet.plan(o.issue_id)
        if plan is None or (plan.target is None and plan.walkaway is None):
            continue
        issue = scenario.issue(o.issue_id)
        result = format_value(issue, o.final)
        word = "agreed" if outcome.basis == "agreed" else "their last offer was"
        if plan.walkaway is not None and better_for_trainee(issue, plan.walkaway, o.final):
            out.append(PlanCheck(False, f"{issue.label}: {word} {result}, past the walk-away you planned "
                                        f"({format_value(issue, plan.walkaway)})."))  # fmt: skip
        elif plan.target is not None and not better_for_trainee(issue, plan.target, o.final):
            out.append(PlanCheck(True, f"{issue.label}: {word} {result}, at or beyond the target you planned "
                                       f"({format_value(issue, plan.target)})."))  # fmt: skip
        else:
            aim = f" (you aimed for {format_value(issue, plan.target)})" if plan.target is not None else ""
            out.append(PlanCheck(None, f"{issue.label}: {word} {result}, inside your planned range{aim}."))
    return out


# ---------------------------------------------------------------- stored with the session


def save(store: Store, session_id: str, trainee_id: str, sheet: Sheet) -> None:
    """Keep the sheet with the session (its branches share it)."""
    preparations.save_sheet(store, session_id, trainee_id, sheet.model_dump_json())


def load(store: Store, session_id: str, trainee_id: str | None) -> Sheet | None:
    """The session's sheet, or None (none written, not this trainee's, or unreadable)."""
    raw = preparations.load_sheet(store, session_id, trainee_id)
    if raw is None:
        return None
    try:
        return Sheet.model_validate_json(raw)
    except ValidationError:
        log.info("a stored preparation sheet for %s did not validate", session_id)
        return None

"""The price of each mistake: replay a session with the better line in place of the mistaken one.

The engine is deterministic given the scenario, the seed and the trainee's lines, so a replay changes one thing:
the line. Everything before it is the session as played; after it, the trainee's later lines are said as they
were (a button's typed acts as they were), and the counterparty answers them as the engine decides. Its replies
are voiced by the template voice unless the move is the one it made in the session, when its own words are kept
(the reader reads each trainee line with the line before it).

A replay stops being meaningful at the first later trainee line that no longer answers what the counterparty just
did: accepting terms that are worse in the replay, offering what the counterparty already gives, accepting a piece
of process it did not propose, or giving ground it never asked for. The comparison is then made on the terms on
the table just before that line, and the turn is named. A deal that closes earlier in the replay simply leaves the
remaining lines unsaid.

A mistake of omission (the registry gives it no acts, e.g. never asking who else decides) is replayed with the
better line said first and the original line after it, in the same turn: the omission was not asking, not what
was said instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from trainer.app.session import COUNTERPARTY, TRAINEE, Line
from trainer.domain.acts import ActKind, TurnAnalysis
from trainer.domain.deal import DealState
from trainer.domain.mistakes import BY_ID
from trainer.domain.report import MistakeFinding, Report
from trainer.engine.outcome import final_terms
from trainer.engine.policy import Move
from trainer.engine.terms import better_for_trainee, format_number, format_value, trainee_gain
from trainer.engine.turn import Engine, StepResult
from trainer.reader.analysis import analyse_turn, split_sentences
from trainer.scenarios.schema import Scenario
from trainer.storage.store import Store
from trainer.voice.realizer import TemplateRealizer

Verdict = Literal["saves", "same", "costs", "none"]
ALL = "all"  # the key of the all-better-lines replay in `prices`
EPS = 1e-6
QUOTE_PREFIX = 60  # characters of an evidence quote that identify it inside its finding's explanation


@dataclass(frozen=True)
class TermChange:
    """One issue whose result differs in the replay."""

    issue_id: str
    label: str
    original: float
    replayed: float
    gain: float  # in the issue's unit, positive = better for the trainee
    text: str


@dataclass(frozen=True)
class Price:
    """What replaying one better line (or all of them) did to the deal."""

    verdict: Verdict
    summary: str
    replaced: list[int] = field(default_factory=list)  # transcript indexes of the lines replaced
    changes: list[TermChange] = field(default_factory=list)
    net: float = 0.0  # weighted change, in shares of each issue's walk-away-to-target span
    basis: Literal["final", "at_divergence", "none"] = "none"
    diverged_at: int | None = None  # transcript index of the first line that no longer answers the replay
    reason: str | None = None  # why the replay stops being meaningful there, or why there is none
    closed_at: int | None = None  # transcript index of the reply that closed the deal early in the replay


@dataclass
class _Point:
    """A trainee line as it met the game: the state and the counterparty's move it answered."""

    index: int
    state: DealState
    move: Move | None


@dataclass
class _Run:
    """One play-through of a transcript: the state before each trainee line, and the end."""

    points: dict[int, _Point] = field(default_factory=dict)
    moves: dict[int, Move] = field(default_factory=dict)  # transcript index of a counterparty line -> its move
    final: DealState | None = None
    diverged_at: int | None = None
    reason: str | None = None
    closed_at: int | None = None


# ---------------------------------------------------------------- which line a finding replaces


def target_turn(finding: MistakeFinding, lines: list[Line]) -> int | None:
    """The trainee line a finding's better line rewrites: the evidence its explanation quotes (the first otherwise)."""
    if not finding.detected or not finding.evidence or not finding.advice.strip():
        return None
    explanation = " ".join(finding.explanation.split())
    quoted = [e.turn for e in finding.evidence if " ".join(e.quote.split())[:QUOTE_PREFIX] in explanation]
    turn = quoted[0] if quoted else finding.evidence[0].turn
    return turn if 0 <= turn < len(lines) and lines[turn].speaker == TRAINEE else None


def is_omission(mistake_id: str) -> bool:
    """A mistake no act commits (the registry lists none): it is made by not saying something."""
    return not BY_ID[mistake_id].signal_acts


def better_line(finding: MistakeFinding, original: Line, scenario: Scenario) -> Line:
    """The line to say instead: the better line, or for an omission the better line and then the original."""
    advice = finding.advice.strip()
    if not is_omission(finding.id):
        return Line(TRAINEE, advice)
    text = f"{advice} {original.text}".strip()
    if original.acts is None:
        return Line(TRAINEE, text)
    extra = analyse_turn(advice, scenario, None).acts
    return Line(TRAINEE, text, acts=TurnAnalysis(text=text, acts=[*extra, *original.acts.acts]))


def merged(first: Line, second: Line) -> Line:
    """Two better lines for the same turn, as one: every sentence once, in order."""
    seen, kept = set(), []
    for sentence in [*split_sentences(first.text), *split_sentences(second.text)]:
        key = " ".join(sentence.raw.lower().split())
        if key not in seen:
            seen.add(key)
            kept.append(sentence.raw)
    text = " ".join(kept)
    acts = None
    if first.acts is not None or second.acts is not None:
        acts = TurnAnalysis(text=text, acts=[*(first.acts.acts if first.acts else []), *(second.acts.acts if second.acts else [])])
    return Line(TRAINEE, text, acts=acts)


# ---------------------------------------------------------------- playing a transcript


def _answered(lines: list[Line], i: int) -> bool:
    """A trainee line the counterparty answered (a pending last line never moved the deal)."""
    return lines[i].speaker == TRAINEE and i + 1 < len(lines) and lines[i + 1].speaker == COUNTERPARTY


def _step(engine: Engine, state: DealState, line: Line, previous: str | None) -> StepResult:
    """One engine step, exactly as the session driver takes it."""
    if line.acts is not None:
        return engine.step_analysis(state, line.acts)
    return engine.step(state, line.text, previous)


def _play(
    scenario: Scenario, seed: int, lines: list[Line], replace: dict[int, Line], baseline: _Run | None = None
) -> _Run:
    """Play the transcript with some trainee lines replaced; with a baseline, stop where a line stops answering."""
    engine, voice, run = Engine(scenario, seed), TemplateRealizer(), _Run()
    state, move = engine.open()
    previous, last_move = lines[0].text if lines else None, move
    first = min(replace) if replace else len(lines)
    for i, original in enumerate(lines):
        if not _answered(lines, i):
            continue
        if state.is_over:
            run.closed_at = run.closed_at if run.closed_at is not None else i - 1
            break
        line = replace.get(i, original)
        run.points[i] = _Point(i, state, last_move)
        step = _step(engine, state, line, previous)
        if baseline is not None and i > first and i not in replace:
            reason = _stops_answering(scenario, baseline.points.get(i), run.points[i], step.analysis)
            if reason:
                run.diverged_at, run.reason = i, reason
                break
        state, last_move = step.state, step.move
        run.moves[i + 1] = step.move
        same_reply = baseline is None or baseline.moves.get(i + 1) == step.move  # then its words in the session stand
        previous = lines[i + 1].text if same_reply else voice.text(step.move, state, scenario)
    run.final = state
    return run


# ---------------------------------------------------------------- when a later line stops answering


def _stops_answering(scenario: Scenario, was: _Point | None, now: _Point, analysis: TurnAnalysis) -> str | None:
    """Why a later trainee line no longer answers the replayed counterparty, or None while it still does."""
    if was is None:
        return "the session had no such turn"
    return (
        _accepts_worse(scenario, was, now, analysis)
        or _offers_what_is_given(scenario, was, now, analysis)
        or _accepts_other_process(was, now, analysis)
        or _answers_an_ask_never_made(scenario, was, now, analysis)
    )


def _stated(analysis: TurnAnalysis) -> dict[str, float]:
    """Issue id -> value for every position the line states (offers and concessions alike, as the engine reads them)."""
    kinds = (ActKind.offer, ActKind.concession)
    return {a.issue_id: float(a.value) for a in analysis.acts if a.kind in kinds and a.issue_id and a.value is not None}


def _accepts_worse(scenario: Scenario, was: _Point, now: _Point, analysis: TurnAnalysis) -> str | None:
    """An acceptance of their terms, which are worse in the replay than the terms it accepted."""
    if not analysis.has(ActKind.accept) or _stated(analysis):
        return None
    worse = [
        i for i in scenario.issues
        if better_for_trainee(i, was.state.counterparty_positions[i.id], now.state.counterparty_positions[i.id])
    ]  # fmt: skip
    if not worse:
        return None
    i = worse[0]
    return (f"you accepted {i.label.lower()} at {format_value(i, was.state.counterparty_positions[i.id])}; in the "
            f"replay they were offering {format_value(i, now.state.counterparty_positions[i.id])}")  # fmt: skip


def _offers_what_is_given(scenario: Scenario, was: _Point, now: _Point, analysis: TurnAnalysis) -> str | None:
    """An offer no better for the trainee than what the replayed counterparty already gives."""
    for issue_id, value in _stated(analysis).items():
        try:
            i = scenario.issue(issue_id)
        except KeyError:
            continue
        theirs_now, theirs_was = now.state.counterparty_positions[i.id], was.state.counterparty_positions[i.id]
        if better_for_trainee(i, theirs_now, value) and better_for_trainee(i, value, theirs_was):
            return (f"you offered {i.label.lower()} at {format_value(i, value)}, but in the replay they were already "
                    f"at {format_value(i, theirs_now)}")  # fmt: skip
    return None


def _accepts_other_process(was: _Point, now: _Point, analysis: TurnAnalysis) -> str | None:
    """A 'fine, go ahead' to a piece of process the replayed counterparty had not proposed."""
    if not analysis.has(ActKind.accept_their_process):
        return None
    if was.state.traps_proposed[-1:] != now.state.traps_proposed[-1:]:
        return "you agreed to a piece of process they had proposed in the session, not in the replay"
    return None


def _answers_an_ask_never_made(scenario: Scenario, was: _Point, now: _Point, analysis: TurnAnalysis) -> str | None:
    """Ground given on an issue they had pressed for in the session but not in the replay."""
    asked_then = set(was.move.asks if was.move else [])
    asked_now = set(now.move.asks if now.move else [])
    for issue_id, value in _stated(analysis).items():
        if issue_id in asked_then - asked_now:
            previous = was.state.trainee_positions.get(issue_id)
            i = scenario.issue(issue_id)
            if previous is not None and better_for_trainee(i, previous, value):
                return f"you moved on {i.label.lower()} because they pressed for it, which they did not in the replay"
    return None


# ---------------------------------------------------------------- comparing the two games


def _terms(run: _Run, scenario: Scenario, at: int | None) -> dict[str, float]:
    """The terms compared: the final (or last-offer) terms, or those on the table before line `at`."""
    if at is not None:
        return dict(run.points[at].state.counterparty_positions)
    assert run.final is not None
    return final_terms(run.final, scenario)[1]


def _change(scenario: Scenario, issue_id: str, was: float, now: float) -> TermChange:
    """One issue's difference, in its own unit."""
    i = scenario.issue(issue_id)
    gain = trainee_gain(i, was, now)
    sign = "+" if now > was else "−"
    side = "in your favour" if gain > 0 else "against you"
    text = (f"{i.label.lower()} {format_value(i, now)} instead of {format_value(i, was)} "
            f"({sign}{format_number(abs(now - was))}, {side})")  # fmt: skip
    return TermChange(issue_id, i.label, was, now, gain, text)


def _net(scenario: Scenario, changes: list[TermChange]) -> float:
    """The weighted change, each issue in shares of the trainee's walk-away-to-target span."""
    total = sum(i.trainee_weight for i in scenario.issues)
    net = 0.0
    for c in changes:
        i = scenario.issue(c.issue_id)
        span = abs(i.trainee_target - i.trainee_walkaway) or 1.0
        net += i.trainee_weight * c.gain / span
    return net / total


def compare(scenario: Scenario, seed: int, lines: list[Line], replace: dict[int, Line], lead: str) -> Price:
    """Play the session as it was and with `replace`, and price the difference in the scenario's units."""
    original = _play(scenario, seed, lines, {})
    replay = _play(scenario, seed, lines, replace, baseline=original)
    at = replay.diverged_at
    was, now = _terms(original, scenario, at), _terms(replay, scenario, at)
    changes = [_change(scenario, i.id, was[i.id], now[i.id]) for i in scenario.issues if abs(now[i.id] - was[i.id]) > EPS]
    net = _net(scenario, changes)
    verdict: Verdict = "saves" if net > EPS else "costs" if net < -EPS else "same"
    return Price(
        verdict=verdict,
        summary=_summary(lead, changes, replay, lines),
        replaced=sorted(replace),
        changes=changes,
        net=round(net, 6),
        basis="at_divergence" if at is not None else "final",
        diverged_at=at,
        reason=replay.reason,
        closed_at=replay.closed_at,
    )


def _summary(lead: str, changes: list[TermChange], replay: _Run, lines: list[Line]) -> str:
    """'Without this line: unit price EUR 199 per unit instead of EUR 191 per unit (+8, in your favour).'"""
    head = f"{lead}: " + "; ".join(c.text for c in changes) + "." if changes else f"{lead}, the terms come out the same."
    if replay.diverged_at is not None:
        head = (f"{head} The replay stops being meaningful at turn {replay.diverged_at + 1}: {replay.reason}, so your "
                "later lines no longer answer it; this compares the terms on the table just before that turn.")  # fmt: skip
    elif replay.closed_at is not None and replay.closed_at + 1 < len(lines):
        head += f" In the replay the deal closes at turn {replay.closed_at + 1}; your later lines were not needed."
    return head


def no_replay(reason: str) -> Price:
    """A finding that has no meaningful replay, and why."""
    return Price(verdict="none", summary=f"No replay: {reason}.", reason=reason)


# ---------------------------------------------------------------- the debrief's prices


def price_of(finding: MistakeFinding, lines: list[Line], scenario: Scenario, seed: int) -> Price:
    """The price of one finding: its better line in place of the line it rewrites."""
    if not finding.detected:
        return no_replay("this mistake was not made")
    turn = target_turn(finding, lines)
    if turn is None:
        return no_replay("the finding names no line of yours to rewrite")
    if not _answered(lines, turn):
        return no_replay("the counterparty never answered that line")
    replacement = better_line(finding, lines[turn], scenario)
    if _norm(replacement.text) == _norm(lines[turn].text):
        return no_replay("the better line is the line you said")
    lead = "With that question asked first" if is_omission(finding.id) else "Without this line"
    return compare(scenario, seed, lines, {turn: replacement}, lead)


def price_of_all(report: Report, lines: list[Line], scenario: Scenario, seed: int) -> Price:
    """Every detected finding's better line at once, against what happened."""
    replace: dict[int, Line] = {}
    for finding in report.mistakes:
        turn = target_turn(finding, lines)
        if turn is None or not _answered(lines, turn):
            continue
        line = better_line(finding, lines[turn], scenario)
        replace[turn] = merged(replace[turn], line) if turn in replace else line
    if not replace:
        return no_replay("no mistake with a better line to put in")
    return compare(scenario, seed, lines, replace, "With every better line")


def prices(report: Report, lines: list[Line], scenario: Scenario, seed: int) -> dict[str, Price]:
    """Mistake id -> its price (detected findings only), plus ALL -> the all-better-lines replay."""
    out = {f.id: price_of(f, lines, scenario, seed) for f in report.mistakes if f.detected}
    out[ALL] = price_of_all(report, lines, scenario, seed)
    return out


def session_prices(
    store: Store, session_id: str, trainee_id: str, report: Report, lines: list[Line], scenario: Scenario
) -> dict[str, Price] | None:
    """`prices` for a stored session of this trainee (its seed read from the store), None when it is not theirs."""
    record = store.get_session(session_id, trainee_id)
    return None if record is None else prices(report, lines, scenario, record.seed)


def _norm(text: str) -> str:
    """Text compared without case or spacing."""
    return re.sub(r"\s+", " ", text.strip().lower())

"""The counterparty's decisions: a stronger side that waits, files away mistakes and trades only for value.

`decide` is pure: the same state (the trainee's turn already applied) and scenario always give the same move; its
bounded randomness comes from the session's seed (`_jitter`). It starts at its opening, moves only in exchange
for something, and never past its hidden reservation.
How far it will go on an issue is a share of its opening-to-reservation room: a small base, plus what the trainee
earns (revealed needs, stakeholders and alternative weaknesses carry the scenario's `flexibility` shares;
conditional trades and objective standards add more), minus what the trainee's mistakes cost.

It also wants the deal: a trainee who holds out (a turn from the third on that offers and earns nothing) and has
shown no pressure, no weak fallback, no deference, no free concession and no process given away gets a small
closing step from it, at most twice a session. A trainee who has shown any of those gets none: it knows they will
close anyway. This is how a revealed deadline costs ground even late in a session.
"""

from __future__ import annotations

import random

from trainer.domain.acts import ProcessAspect
from trainer.domain.deal import DealState, Side, Status
from trainer.engine.difficulty import FALSE_DEADLINE, PRESSURE_FROM_TURN, final_offer_turn, harsher, tuning_of
from trainer.engine.invariants import enforce
from trainer.engine.moves import Move, MoveKind
from trainer.engine.terms import (
    better_for_trainee,
    clamp_to_reservation,
    cp_limit,
    round_for_cp,
    trainee_gain,
)
from trainer.scenarios.schema import Issue, Scenario

BASE_SHARE = 0.45  # what plain, mistake-free haggling gets out of it
TRADE_SHARE, TRADE_CAP = 0.1, 3  # per conditional trade
STANDARD_SHARE, STANDARD_CAP = 0.08, 2  # per objective standard cited
URGENCY_SHARE_FACTOR, URGENCY_RATE_FACTOR = 0.6, 0.4  # "concedes markedly less for the rest of the session"
WEAK_ALT_PENALTY = 0.15
DEFERENCE_PENALTY = 0.1
UNPROMPTED_PENALTY, UNPROMPTED_RATE_FACTOR = 0.05, 0.75
CADENCE_RATE_FACTOR = 0.6
PRICE_LAST_FACTOR = 0.5  # "price last" (its sequence or agenda): it holds firm on the main issue at the end
DRAFT_FACTOR = 0.75  # its draft frames every term it covers: the trainee argues changes to its document
BASE_RATE = 0.6  # fraction of the remaining gap to its current limit that one earned counter closes
JITTER = (0.85, 1.15)  # bounded randomness in how much it moves
CLOSING_STEP_RATE = 0.5  # a closing step for a firm, unexposed trainee: this share of its usual rate
CLOSING_STEP_FROM_TURN = 3
HOLDING_FIRM = "holding firm"
MAX_CLOSING_STEPS = 2
FINAL_OFFER_TURN = 6


def decide(state: DealState, scenario: Scenario) -> Move:
    """Choose the counterparty's move after the trainee's turn (already applied to `state`)."""
    move = enforce(_choose(state, scenario), state, scenario)
    return move.model_copy(update={"mentions": _mentions(move, state, scenario)})


def _choose(state: DealState, scenario: Scenario) -> Move:
    """The decision proper; `decide` adds which numbers the voice must state."""
    ev = state.events
    if ev.input_problem:
        return Move(kind=MoveKind.clarify, note=ev.input_problem, releases=_current(state))
    if state.status == Status.walked_away:
        return Move(kind=MoveKind.farewell, releases=_current(state))
    if state.status == Status.agreed:
        return Move(
            kind=MoveKind.close, releases=dict(state.agreed_terms or {}), agreed_terms=state.agreed_terms
        )
    if ev.accepted and not ev.offers:
        terms = _current(state)
        return Move(
            kind=MoveKind.close,
            releases=terms,
            agreed_terms=terms,
            reveal_lines=_reveal_lines(state, scenario),
        )
    return _react(state, scenario)


def open_move(scenario: Scenario) -> Move:
    """It speaks first: anchors at its opening on every issue and proposes its first piece of process."""
    trap = scenario.process_traps[0]
    opening = {i.id: i.counterparty_opening for i in scenario.issues}
    return Move(
        kind=MoveKind.open,
        releases=opening,
        mentions=list(opening),
        trap_id=trap.id,
        trap_line=trap.line,
        tactic="anchor_high",
    )


ALL_TERMS = (MoveKind.open, MoveKind.accept, MoveKind.close, MoveKind.farewell)


def _mentions(move: Move, state: DealState, scenario: Scenario) -> list[str]:
    """Which of its terms the line must state: the ones the move is about, never more than needed."""
    order = [i.id for i in scenario.issues]
    if move.kind == MoveKind.clarify:
        return []
    if move.kind in ALL_TERMS:
        return order
    if move.kind == MoveKind.pocket_and_ask or move.tactic == "settled":
        return [i for i in order if i in move.asks]
    if move.kind == MoveKind.process_trap and move.trap_id:
        return []
    if move.kind == MoveKind.process_trap:
        changed = [i for i in order if move.releases.get(i) != state.counterparty_positions.get(i)]
        return changed or [i for i in order if i in state.events.offers]
    if move.moved or move.withdrawn:
        return [i for i in order if i in move.moved or i in move.withdrawn]
    return [i for i in order if i in state.events.offers] or [main_issue(scenario).id]


def _react(state: DealState, scenario: Scenario) -> Move:
    """Exploit mistakes first, reward good moves second, otherwise hold or design the process."""
    ev = state.events
    reveals = _reveal_lines(state, scenario)
    if ev.reopened:
        return _withdraw(state, scenario, reveals)
    if ev.new_urgency:
        return _positional(state, MoveKind.slow_down, _pace_tactic(state), reveals)
    if ev.new_weak_alternative:
        return _positional(
            state, MoveKind.anchor_against_alternative, "better_than_your_alternative", reveals
        )
    if ev.unprompted_concessions:
        return _pocket_and_ask(state, scenario, reveals)
    if ev.process_accepted:
        return _take_process(state, scenario, reveals)
    if _acceptable(state, scenario):
        terms = _package(state, scenario)
        return Move(kind=MoveKind.accept, releases=terms, agreed_terms=terms, reveal_lines=reveals)
    reasons = _earned(state)
    if reasons and _slowing(state):
        return _positional(state, MoveKind.slow_down, _pace_tactic(state), reveals)
    if reasons:
        return _counter(state, scenario, reasons, reveals)
    if ev.process_claimed:
        return Move(
            kind=MoveKind.hold, releases=_current(state), tactic="process_conceded", reveal_lines=reveals
        )
    if _closing_step_due(state):
        step = _counter(state, scenario, [HOLDING_FIRM], reveals, rate_factor=CLOSING_STEP_RATE)
        if step.moved:
            return step.model_copy(update={"tactic": "closing_step"})
    return _unearned(state, scenario, reveals)


def _exposed(state: DealState) -> bool:
    """The trainee has shown it needs this deal: pressure, a weak fallback, deference, a free concession, or
    process given away."""
    m = state.mistakes
    return bool(m.urgency_revealed or m.weak_alternative_mentioned or m.deference_shown
                or m.unprompted_concessions or m.process_given)


def _closing_step_due(state: DealState) -> bool:
    """A trainee who holds out without showing any need for the deal earns a small step, at most
    `MAX_CLOSING_STEPS` times. A turn with an offer gets an answer to that offer instead (it never rewards a
    repeated ask)."""
    used = len({c.turn for c in state.concessions if HOLDING_FIRM in c.in_exchange_for}) >= MAX_CLOSING_STEPS
    ev = state.events
    return state.turn >= CLOSING_STEP_FROM_TURN and not (used or ev.offers or ev.accepted or _exposed(state))


def _current(state: DealState) -> dict[str, float]:
    """Its current terms on every issue."""
    return dict(state.counterparty_positions)


def _positional(state: DealState, kind: MoveKind, tactic: str, reveals: list[str]) -> Move:
    """Restate its terms without moving, with a tactic (no rush, your alternative is worse...)."""
    probe = _probe(state, ("timeline",)) if kind == MoveKind.anchor_against_alternative else None
    return Move(kind=kind, releases=_current(state), tactic=tactic, reveal_lines=reveals, probe=probe)


def _pace_tactic(state: DealState) -> str:
    """Its answer to the trainee's urgency, in line with what it said of its own pace: a side that asked to
    settle quickly (or set a date) keeps its timetable and still does not move; only one that never did says
    there is no rush."""
    return "own_timetable" if state.stance.hurried else "no_rush"


PROBES = ("timeline", "alternatives", "priorities")


def _probe(state: DealState, order: tuple[str, ...] = PROBES) -> str | None:
    """The next question worth asking: never one it asked before, never a fact the trainee already gave."""
    start = state.turn % len(order)
    for probe in order[start:] + order[:start]:
        if not state.asked_or_told(probe):
            return probe
    return None


def _withdraw(state: DealState, scenario: Scenario, reveals: list[str]) -> Move:
    """The trainee went back on a term both sides had settled: its own last move on that term is off the table
    too, back to where it stood before that move. The reason is recorded and voiced, never silent."""
    terms, withdrawn = _current(state), {}
    for issue_id in state.events.reopened:
        moves = [c for c in state.concessions if c.by == Side.counterparty and c.issue_id == issue_id]
        back = moves[-1].from_value if moves else None
        if back is not None and better_for_trainee(scenario.issue(issue_id), terms[issue_id], back):
            terms[issue_id] = back
            withdrawn[issue_id] = "reopened"
    kind = MoveKind.reject if withdrawn else MoveKind.hold
    tactic = "reopened" if withdrawn else "only_in_exchange"
    return Move(kind=kind, releases=terms, withdrawn=withdrawn, tactic=tactic, reveal_lines=reveals)


def _reveal_lines(state: DealState, scenario: Scenario) -> list[str]:
    """The in-voice admissions the trainee earned this turn (and only those)."""
    cp, new = scenario.counterparty, set(state.events.new_reveals)
    lines = [n.reveal_line for n in cp.situational_needs if n.id in new]
    lines += [s.reveal_line for s in cp.stakeholders if s.id in new]
    lines += [a.concede_line for a in cp.alternatives if a.id in new]
    return lines


def unlocked_share(state: DealState, scenario: Scenario, issue: Issue) -> float:
    """How much of its opening-to-reservation room it is willing to give on this issue right now (0..1)."""
    t = tuning_of(scenario)  # the difficulty level: how much good moves unlock, how hard mistakes cost
    share = BASE_SHARE + _earned_flex(state, scenario, issue.id)
    share += TRADE_SHARE * t.unlock * min(state.credits.conditional_trades, TRADE_CAP)
    share += STANDARD_SHARE * t.unlock * min(state.credits.objective_standards, STANDARD_CAP)
    m = state.mistakes
    if m.urgency_revealed:
        share *= harsher(URGENCY_SHARE_FACTOR, t)
    share -= t.exploitation * (WEAK_ALT_PENALTY * m.weak_alternative_mentioned + DEFERENCE_PENALTY * m.deference_shown)
    share -= t.exploitation * UNPROMPTED_PENALTY * m.unprompted_concessions
    return min(max(share * _process_factor(state, scenario, issue), 0.0), 1.0)


def _process_factor(state: DealState, scenario: Scenario, issue: Issue) -> float:
    """Process given away costs substance: its draft frames the terms, its sequence leaves price last."""
    factor, t = 1.0, tuning_of(scenario)
    sequence_given = Side.counterparty in (state.process.sequence, state.process.agenda)
    if sequence_given and issue.id == main_issue(scenario).id:
        factor *= harsher(PRICE_LAST_FACTOR, t)
    if state.process.draft == Side.counterparty and issue.id in _draft_issues(scenario):
        factor *= harsher(DRAFT_FACTOR, t)
    return factor


def _draft_issues(scenario: Scenario) -> set[str]:
    """The terms its draft covers: the draft trap's defaults, or every issue when it lists none."""
    drafts = [t for t in scenario.process_traps if t.kind.value == "draft"]
    covered = {k for t in drafts for k in t.default_terms}
    return covered or {i.id for i in scenario.issues}


def _earned_flex(state: DealState, scenario: Scenario, issue_id: str) -> float:
    """Sum of the scenario's flexibility shares for every hidden item the trainee has surfaced."""
    cp, seen = scenario.counterparty, state.revealed_ids()
    items = [*cp.situational_needs, *cp.stakeholders, *cp.alternatives]
    return sum(item.flexibility.get(issue_id, 0.0) for item in items if item.id in seen)


def main_issue(scenario: Scenario) -> Issue:
    """The issue the trainee cares most about: the one a 'price last' sequence defers."""
    return max(scenario.issues, key=lambda i: i.trainee_weight)


def limit(state: DealState, scenario: Scenario, issue: Issue) -> float:
    """The furthest it will currently go on an issue (never past the reservation)."""
    return clamp_to_reservation(issue, cp_limit(issue, unlocked_share(state, scenario, issue)))


def _rate(state: DealState, scenario: Scenario) -> float:
    """How fast it closes the gap to its limit when it does move (a patient counterparty moves less)."""
    t = tuning_of(scenario)
    rate = BASE_RATE / t.patience
    if state.mistakes.urgency_revealed:
        rate *= harsher(URGENCY_RATE_FACTOR, t)
    rate *= harsher(UNPROMPTED_RATE_FACTOR, t) ** state.mistakes.unprompted_concessions
    if state.process.cadence == Side.counterparty:
        rate *= harsher(CADENCE_RATE_FACTOR, t)
    return rate


def _slowing(state: DealState) -> bool:
    """After urgency is revealed it skips every other chance to move: 'we're in no rush'."""
    return state.mistakes.urgency_revealed and state.turn % 2 == 0


def _earned(state: DealState) -> list[str]:
    """What the trainee gave this turn that merits movement in return."""
    ev, reasons = state.events, []
    if ev.new_reveals:
        reasons.append("surfaced hidden information")
    if ev.conditional_trade:
        reasons.append("conditional trade")
    if ev.objective_standard:
        reasons.append("objective standard")
    if ev.traded_concessions:
        reasons.append("reciprocal movement")
    return reasons


def _counter(
    state: DealState, scenario: Scenario, reasons: list[str], reveals: list[str], rate_factor: float = 1.0
) -> Move:
    """Move part of the way to its current limit on the issues in play, never past the trainee's own ask."""
    targets = _issues_in_play(state, scenario)
    terms, moved = _current(state), []
    for issue in scenario.issues:
        if issue.id not in targets:
            continue
        new = _step_toward_limit(state, scenario, issue, rate_factor)
        if better_for_trainee(issue, new, terms[issue.id]):
            terms[issue.id] = new
            moved.append(issue.id)
    kind = MoveKind.reveal if reveals else (MoveKind.counter if moved else MoveKind.hold)
    tactic = "reciprocity" if moved else ("final_offer" if _at_limit(state, scenario) else "wait")
    return Move(
        kind=kind,
        releases=terms,
        moved=moved,
        in_exchange_for=reasons if moved else [],
        reveal_lines=reveals,
        tactic=tactic,
        stance_note="final_reopened" if moved and state.stance.final else None,
    )


def _at_limit(state: DealState, scenario: Scenario) -> bool:
    """It has nothing left to give on any issue at the current state: only then may it call its terms final."""
    return all(
        not better_for_trainee(i, limit(state, scenario, i), state.counterparty_positions[i.id])
        for i in scenario.issues
    )


def _issues_in_play(state: DealState, scenario: Scenario) -> set[str]:
    """Issues the trainee just touched or just unlocked; all issues when the turn named none."""
    ev, cp = state.events, scenario.counterparty
    touched = set(ev.offers)
    items = [*cp.situational_needs, *cp.stakeholders, *cp.alternatives]
    for item in items:
        if item.id in ev.new_reveals:
            touched |= {k for k, v in item.flexibility.items() if v > 0}
    known = {i.id for i in scenario.issues}
    return (touched & known) or known


def _step_toward_limit(
    state: DealState, scenario: Scenario, issue: Issue, rate_factor: float = 1.0
) -> float:
    """One bounded-random step from its current value toward its limit, capped at the trainee's ask."""
    current = state.counterparty_positions[issue.id]
    target = limit(state, scenario, issue)
    gap = target - current
    ask = state.trainee_positions.get(issue.id)
    if trainee_gain(issue, current, target) <= 0 or (ask is not None and not better_for_trainee(issue, ask, current)):
        return current  # at its limit, or already giving at least what the trainee asked
    new = current + gap * min(_rate(state, scenario) * rate_factor * _jitter(state, scenario, issue), 1.0)
    rounded = round_for_cp(issue, new)
    if not better_for_trainee(issue, rounded, current) and trainee_gain(issue, current, target) >= issue.step:
        rounded = round_for_cp(issue, current + issue.step * (1 if gap > 0 else -1))
    if ask is not None and better_for_trainee(issue, rounded, ask):
        rounded = ask  # never more generous than the trainee's own ask
    return rounded


def _jitter(state: DealState, scenario: Scenario, issue: Issue) -> float:
    """How generous its steps on this issue are in this session: drawn once per (session seed, issue), so it varies
    between sessions but not with the order of the trainee's lines. A draw per turn (or per step) once let a line
    said earlier or later change a step's size by luck by more than a mistake costs."""
    return random.Random(f"{state.seed}:{scenario.id}:{issue.id}").uniform(*JITTER)


def _pocket_and_ask(state: DealState, scenario: Scenario, reveals: list[str]) -> Move:
    """Take the free concession, give nothing back, and press for more on another issue."""
    pocketed = list(state.events.unprompted_concessions)
    terms, withdrawn = _current(state), {}
    for issue_id in pocketed:
        ask = state.trainee_positions.get(issue_id)
        if issue_id in terms and ask is not None:
            issue = scenario.issue(issue_id)
            if better_for_trainee(issue, terms[issue_id], ask):
                terms[issue_id] = ask  # they offered more than it asked: it takes them at their word
                withdrawn[issue_id] = "trainee_offered"
    others = [i for i in scenario.issues if i.id not in pocketed]
    asks = [max(others, key=lambda i: i.counterparty_weight).id] if others else []
    # it presses for the trainee to move on `asks`, at its own current terms: a number it has said stands
    return Move(
        kind=MoveKind.pocket_and_ask,
        releases=terms,
        pocketed=pocketed,
        asks=asks,
        withdrawn=withdrawn,
        tactic="pocket",
        reveal_lines=reveals,
    )


def _take_process(state: DealState, scenario: Scenario, reveals: list[str]) -> Move:
    """Having won the process, its draft frames the terms as they stand: it takes the pen, not its numbers back
    (a term it has said stands; what the draft costs the trainee is the smaller room it leaves, `DRAFT_FACTOR`)."""
    return Move(kind=MoveKind.process_trap, releases=_current(state), tactic="standard_terms", reveal_lines=reveals)


def _acceptable(state: DealState, scenario: Scenario) -> bool:
    """It accepts when the trainee just proposed a package entirely within what it will currently give.

    Every issue must carry a trainee position: a partial offer ("we can move to 2% on the price-down") is not a
    deal on the issues the trainee has not named yet.
    """
    if not state.events.offers:
        return False
    if any(state.trainee_positions.get(i.id) is None for i in scenario.issues):
        return False
    package = _package(state, scenario)
    return all(not better_for_trainee(i, package[i.id], limit(state, scenario, i)) for i in scenario.issues)


def _package(state: DealState, scenario: Scenario) -> dict[str, float]:
    """The trainee's positions, with its own terms on issues the trainee has not named."""
    out = {}
    for issue in scenario.issues:
        ask, own = state.trainee_positions.get(issue.id), state.counterparty_positions[issue.id]
        out[issue.id] = own if ask is None or better_for_trainee(issue, own, ask) else ask  # its word stands
    return out


def _next_trap(state: DealState, scenario: Scenario) -> tuple[str, str] | None:
    """A piece of process it has not proposed yet, for an aspect nobody controls."""
    for trap in scenario.process_traps:
        aspect = ProcessAspect(trap.kind.value)
        if trap.id not in state.traps_proposed and state.process.get(aspect) is None:
            return trap.id, trap.line
    return None


def _unearned(state: DealState, scenario: Scenario, reveals: list[str]) -> Move:
    """Nothing earned: design more process early, otherwise hold (or reject a new ask) and fish for information."""
    trap = _next_trap(state, scenario) if state.turn <= 3 and not state.events.offers else None
    if trap:  # never in reply to an offer: an offer gets an answer, not an agenda
        return Move(
            kind=MoveKind.process_trap,
            releases=_current(state),
            trap_id=trap[0],
            trap_line=trap[1],
            reveal_lines=reveals,
            tactic="process_design",
        )
    if state.events.offers and _offers_take_its_terms(state, scenario):
        return Move(kind=MoveKind.hold, releases=_current(state), reveal_lines=reveals, tactic="settled",
                    asks=list(state.events.offers))
    probe = _probe(state)
    final = _at_limit(state, scenario) and state.turn >= final_offer_turn(FINAL_OFFER_TURN, tuning_of(scenario))
    if state.events.offers:
        tactic = "final_offer" if final else _pressure(state, scenario) or "only_in_exchange"
        return Move(
            kind=MoveKind.reject, releases=_current(state), reveal_lines=reveals, tactic=tactic, probe=probe
        )
    tactic = "final_offer" if final else _pressure(state, scenario) or "wait"
    return Move(
        kind=MoveKind.hold, releases=_current(state), reveal_lines=reveals, tactic=tactic, probe=probe
    )


def _offers_take_its_terms(state: DealState, scenario: Scenario) -> bool:
    """Every number the trainee just named is its own standing term (or better for it): nothing to refuse."""
    return all(not better_for_trainee(scenario.issue(i), v, state.counterparty_positions[i])
               for i, v in state.events.offers.items())


def _pressure(state: DealState, scenario: Scenario) -> str | None:
    """A pressure tactic for an unearned hold, at levels that use them: one false deadline, set once, and never
    after the trainee's own urgency is known (its "no rush" must not contradict a deadline)."""
    if not tuning_of(scenario).pressure_tactics or FALSE_DEADLINE in state.pressure_used:
        return None
    if state.stance.pace == "no_rush":
        return None  # it said it was in no rush: a deadline now would contradict it
    if state.turn < PRESSURE_FROM_TURN or state.mistakes.urgency_revealed:
        return None
    return FALSE_DEADLINE

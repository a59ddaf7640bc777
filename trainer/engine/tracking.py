"""Apply one analysed trainee turn to the deal state: positions, concessions, mistakes filed, reveals earned."""

from __future__ import annotations

from collections.abc import Iterable

from trainer.domain.acts import Act, ActKind, ProcessAspect, TurnAnalysis
from trainer.domain.deal import Concession, DealState, Phase, Side, Status, TurnEvents, Withdrawal
from trainer.engine.difficulty import FALSE_DEADLINE
from trainer.engine.policy import Move
from trainer.engine.terms import better_for_trainee
from trainer.scenarios.schema import RevealTrigger, Scenario

QUESTION_KINDS = (
    ActKind.question_interests,
    ActKind.question_constraints,
    ActKind.question_stakeholders,
    ActKind.question_alternatives,
    ActKind.question_process,
)


def apply_trainee(state: DealState, analysis: TurnAnalysis, scenario: Scenario) -> DealState:
    """Return the state after the trainee's turn; the input state is never mutated."""
    new = state.model_copy(deep=True)
    new.turn += 1
    new.events = TurnEvents()
    if new.is_over:
        return new
    _record_flags(new, analysis)
    _record_offers(new, analysis, scenario)
    _record_process(new, analysis, scenario)
    _record_reveals(new, analysis, scenario)
    _record_outcome_acts(new, analysis)
    _advance_phase(new)
    return new


def record_input_problem(state: DealState, problem: str) -> DealState:
    """A rejected input (empty, too long) still counts as a turn but changes nothing else."""
    new = state.model_copy(deep=True)
    new.turn += 1
    new.events = TurnEvents(input_problem=problem)
    return new


def _record_flags(state: DealState, analysis: TurnAnalysis) -> None:
    """File away the costly disclosures; only the first of each is 'new'."""
    m, ev = state.mistakes, state.events
    if analysis.has(ActKind.disclose_urgency):
        ev.new_urgency = not m.urgency_revealed
        m.urgency_revealed = True
        m.urgency_turn = m.urgency_turn or state.turn
    if analysis.has(ActKind.disclose_weak_alternative):
        ev.new_weak_alternative = not m.weak_alternative_mentioned
        m.weak_alternative_mentioned = True
        m.weak_alternative_turn = m.weak_alternative_turn or state.turn
    if analysis.has(ActKind.disclose_urgency):
        _remember(state, "timeline")
    if analysis.has(ActKind.disclose_weak_alternative) or analysis.has(ActKind.cite_strong_alternative):
        _remember(state, "alternatives")
    if analysis.has(ActKind.deference):
        ev.new_deference = not m.deference_shown
        m.deference_shown = True
    ev.conditional_trade = analysis.has(ActKind.conditional_trade)
    ev.objective_standard = analysis.has(ActKind.objective_standard)
    ev.questions = [k.value for k in QUESTION_KINDS if analysis.has(k)]
    state.credits.conditional_trades += int(ev.conditional_trade)
    state.credits.objective_standards += int(ev.objective_standard)
    state.credits.questions += len(ev.questions)


def _remember(state: DealState, fact: str) -> None:
    """Keep what the trainee told it, so it never asks for the same fact again."""
    if fact not in state.disclosed:
        state.disclosed.append(fact)


def _positions_stated(analysis: TurnAnalysis, scenario: Scenario) -> list[tuple[Act, str, float]]:
    """Offers and concessions that name a known issue and a value, in turn order."""
    known = {i.id for i in scenario.issues}
    out = []
    for a in analysis.acts:
        if a.kind in (ActKind.offer, ActKind.concession) and a.issue_id in known and a.value is not None:
            out.append((a, a.issue_id, float(a.value)))
    return out


def _record_offers(state: DealState, analysis: TurnAnalysis, scenario: Scenario) -> None:
    """Update the trainee's positions and log every movement toward the counterparty."""
    for act, issue_id, value in _positions_stated(analysis, scenario):
        issue = scenario.issue(issue_id)
        previous = state.trainee_positions.get(issue_id)
        if _reopens(state, issue_id, previous) and better_for_trainee(issue, value, previous):
            state.events.reopened.append(issue_id)
        _note_condition(state, issue_id, state.events.conditional_trade)
        start = (
            previous
            if previous is not None
            else (issue.trainee_target if act.kind == ActKind.concession else None)
        )
        state.events.offers[issue_id] = value
        state.trainee_positions[issue_id] = value
        if start is not None and better_for_trainee(issue, start, value):
            _log_trainee_concession(state, issue_id, start, value)
    loose = [a for a in analysis.of(ActKind.concession) if a.issue_id is None or a.value is None]
    if loose and not state.events.conditional_trade:
        _count_unprompted(state, [a.issue_id or "general" for a in loose])
    if state.events.offers:
        state.counterparty_moved_since_trainee = False


def _reopens(state: DealState, issue_id: str, previous: float | None) -> bool:
    """The issue was settled: the trainee's last position is exactly the counterparty's current term, and it was
    not offered on a condition (an 'if you give us X, we'll take Y' lapses when X never came, so restating the
    old ask is no reopening)."""
    current = state.counterparty_positions.get(issue_id)
    if previous is None or current is None or issue_id in state.conditional_positions:
        return False
    return abs(previous - current) < 1e-9


def _note_condition(state: DealState, issue_id: str, conditional: bool) -> None:
    """Remember which trainee terms stand only on a condition."""
    if conditional and issue_id not in state.conditional_positions:
        state.conditional_positions.append(issue_id)
    elif not conditional and issue_id in state.conditional_positions:
        state.conditional_positions.remove(issue_id)


def _log_trainee_concession(state: DealState, issue_id: str, start: float, value: float) -> None:
    """A movement is traded if the trainee asked for something back or answers a counterparty move."""
    exchange = []
    if state.events.conditional_trade:
        exchange.append("conditional trade")
    if state.counterparty_moved_since_trainee and state.last_move_kind in ("counter", "reveal", "accept"):
        exchange.append("reciprocating the counterparty's last move")
    state.concessions.append(
        Concession(
            turn=state.turn,
            by=Side.trainee,
            issue_id=issue_id,
            from_value=start,
            to_value=value,
            in_exchange_for=exchange,
        )
    )
    if exchange:
        state.events.traded_concessions.append(issue_id)
    else:
        _count_unprompted(state, [issue_id])


def _count_unprompted(state: DealState, issue_ids: Iterable[str]) -> None:
    """File away concessions given for nothing."""
    for issue_id in issue_ids:
        if issue_id not in state.events.unprompted_concessions:
            state.events.unprompted_concessions.append(issue_id)
            state.mistakes.unprompted_concessions += 1


def _pending_trap_aspect(state: DealState, scenario: Scenario) -> ProcessAspect | None:
    """The aspect of the most recent trap the counterparty proposed, for 'fine, go ahead'."""
    for trap_id in reversed(state.traps_proposed):
        trap = next((t for t in scenario.process_traps if t.id == trap_id), None)
        if trap is not None:
            return ProcessAspect(trap.kind.value)
    return None


def _record_process(state: DealState, analysis: TurnAnalysis, scenario: Scenario) -> None:
    """Who now drafts, sets the agenda, the sequence and the cadence."""
    for a in analysis.of(ActKind.accept_their_process):
        aspect = a.aspect or _pending_trap_aspect(state, scenario)
        if aspect is None or state.process.get(aspect) == Side.counterparty:
            continue
        state.process.set(aspect, Side.counterparty)
        state.events.process_accepted.append(aspect)
        state.mistakes.process_given.append(aspect)
    for a in analysis.of(ActKind.propose_own_process):
        aspect = a.aspect or ProcessAspect.draft
        if state.process.get(aspect) != Side.trainee:
            state.process.set(aspect, Side.trainee)
            state.events.process_claimed.append(aspect)


def trigger_fires(trigger: RevealTrigger, analysis: TurnAnalysis) -> bool:
    """A reveal is earned by one of its act kinds, plus one of its keywords when it lists any."""
    kinds = {a.kind.value for a in analysis.acts}
    if not kinds.intersection(trigger.acts):
        return False
    text = analysis.text.lower()
    return not trigger.keywords or any(k.lower() in text for k in trigger.keywords)


def _record_reveals(state: DealState, analysis: TurnAnalysis, scenario: Scenario) -> None:
    """Surface every hidden need, stakeholder and alternative-weakness the turn has earned."""
    cp = scenario.counterparty
    for need in cp.situational_needs:
        if need.id not in state.revealed_needs and trigger_fires(need.reveal_when, analysis):
            state.revealed_needs.append(need.id)
            state.events.new_reveals.append(need.id)
    for person in cp.stakeholders:
        if person.id not in state.revealed_stakeholders and trigger_fires(person.reveal_when, analysis):
            state.revealed_stakeholders.append(person.id)
            state.events.new_reveals.append(person.id)
    for alt in cp.alternatives:
        if alt.id not in state.exposed_alternatives and trigger_fires(alt.reveal_when, analysis):
            state.exposed_alternatives.append(alt.id)
            state.events.new_reveals.append(alt.id)


def _record_outcome_acts(state: DealState, analysis: TurnAnalysis) -> None:
    """Acceptance, rejection and walk-away; walking away ends the session at once."""
    state.events.accepted = analysis.has(ActKind.accept)
    state.events.rejected = analysis.has(ActKind.reject)
    if analysis.has(ActKind.walk_away):
        state.events.walked_away = True
        state.status = Status.walked_away
        state.phase = Phase.walked_away


def _advance_phase(state: DealState) -> None:
    """Move the phase forward; it never goes back."""
    if state.is_over:
        return
    if state.events.offers and state.phase in (Phase.opening, Phase.exploring):
        state.phase = Phase.bargaining
    elif state.events.questions and state.phase == Phase.opening:
        state.phase = Phase.exploring


def apply_move(state: DealState, move: Move) -> DealState:
    """Return the state after the counterparty's move: its terms, its concessions, process, agreement."""
    new = state.model_copy(deep=True)
    for issue_id, value in move.releases.items():
        old = new.counterparty_positions.get(issue_id)
        if old is not None and issue_id in move.moved:
            new.concessions.append(
                Concession(
                    turn=new.turn,
                    by=Side.counterparty,
                    issue_id=issue_id,
                    from_value=old,
                    to_value=value,
                    in_exchange_for=list(move.in_exchange_for),
                )
            )
            new.counterparty_moved_since_trainee = True
        new.counterparty_positions[issue_id] = value
        seen = new.released_values.setdefault(issue_id, [])
        if value not in seen:
            seen.append(value)
    for issue_id, reason in move.withdrawn.items():
        before = state.counterparty_positions.get(issue_id)
        if before is not None:
            new.withdrawals.append(
                Withdrawal(turn=new.turn, issue_id=issue_id, from_value=before,
                           to_value=move.releases[issue_id], reason=reason)
            )
    _record_stance(new, move)
    if move.trap_id and move.trap_id not in new.traps_proposed:
        new.traps_proposed.append(move.trap_id)
    if move.tactic == FALSE_DEADLINE and move.tactic not in new.pressure_used:
        new.pressure_used.append(move.tactic)
    if move.agreed_terms is not None and new.status == Status.open:
        new.agreed_terms = dict(move.agreed_terms)
        new.status, new.phase = Status.agreed, Phase.agreed
    elif move.tactic == "final_offer" and not new.is_over:
        new.phase = Phase.closing
    new.last_move_kind = move.kind.value
    return new


def _record_stance(state: DealState, move: Move) -> None:
    """What it has now said about itself: its pace, whether its terms are final, the questions it asked."""
    if move.probe and move.probe not in state.probes_asked:
        state.probes_asked.append(move.probe)
    if move.tactic == FALSE_DEADLINE:
        state.stance.pace = "deadline"
    elif move.tactic == "no_rush" and state.stance.pace is None:
        state.stance.pace = "no_rush"
    if move.tactic == "final_offer":
        state.stance.final = True
    elif move.moved:
        state.stance.final = False  # it moved after all; the voice said why (move.stance_note)

"""The app's service layer: one stored practice session, robust to refreshes, restarts, crashes and LLM failures.

Order of work for a trainee turn (so nothing typed is ever lost, and nothing is ever half saved):
1. `send` (or `propose` / `walk_away`, which send typed acts) commits the trainee's line to the store (it is
   now *pending*);
2. `reply` runs the engine step once (kept for retries), streams the counterparty's voice, then commits the
   reply, the deal state it produced and the session's status in one transaction. If the voice fails, the
   trainee's turn stays pending; `reply` can be called again (Retry) or with the template realizer (the quick
   voice).
A new session is committed with its opening line in one transaction too. A resumed session is always the
engine's replay of the stored transcript, so whatever a crash interrupted, the screen matches the engine.
Every commit names the index it writes: a window holding an out-of-date copy of the session (another tab
took the turn) gets a PracticeError and a fresh copy instead of a duplicated or doubly answered line.
The game itself is played by the one session driver (`trainer.app.session.Session`), so a trainee here plays
exactly the game `trainer play`, the studio's test-play and the counterparty evaluation play.
No Streamlit here: the UI keeps a `Live` object in `st.session_state` and calls these functions.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from trainer.app.model_queue import ModelQueue, QueueWait
from trainer.app.session import COUNTERPARTY, TRAINEE, Line, Realizer, Session, stored_move
from trainer.coaching import coach
from trainer.coaching.index import KnowledgeIndex
from trainer.domain.acts import Act, ActKind, TurnAnalysis
from trainer.domain.deal import DealState
from trainer.domain.report import Report
from trainer.domain.transcripts import Turn
from trainer.engine.difficulty import scenario_at
from trainer.engine.outcome import Outcome, compute_outcome, conceded_sentence
from trainer.engine.terms import format_value
from trainer.engine.turn import StepResult
from trainer.evaluation.evaluator import evaluate
from trainer.evaluation.headline import Headline, headline_for
from trainer.llm.chat import LLMUnavailable
from trainer.reader.analysis import analyse_turn
from trainer.scenarios.schema import Issue, RevealTrigger, Scenario
from trainer.storage import branches as lineage
from trainer.storage.store import NewTurn, Store, StoredTurn, TurnConflict
from trainer.voice.realizer import TemplateRealizer

log = logging.getLogger(__name__)

ACTIVE = "open"  # store statuses: open | agreed | walked_away | ended
ACTS_META = "acts"  # a trainee turn's meta key for the typed acts a button sent
WALK_AWAY_TEXT = "I don't think we can reach an agreement that works for us, so I'm going to walk away."


class PracticeError(Exception):
    """A failure the trainee should see, with a next step; the cause is logged, not shown."""


@dataclass
class TermRow:
    """One issue in the side panel: where each side stands and what the trainee aims for."""

    issue_id: str
    label: str
    unit: str
    theirs: float | None
    yours: float | None
    target: float
    walkaway: float


@dataclass
class Live:
    """A stored session on screen: the game (rebuilt from the store after a restart), its owner and status."""

    session_id: str
    trainee_id: str
    game: Session
    status: str = ACTIVE

    @property
    def scenario(self) -> Scenario:
        return self.game.scenario

    @property
    def state(self) -> DealState:
        assert self.game.state is not None  # a stored game is always opened
        return self.game.state

    @property
    def lines(self) -> list[Line]:
        return self.game.lines

    @property
    def pending_step(self) -> StepResult | None:
        """The engine's answer to the pending trainee turn, reused on Retry."""
        return self.game.pending_step

    @property
    def pending(self) -> str | None:
        """The trainee's last message if it has no reply yet."""
        line = self.game.pending
        return line.text if line is not None and self.status == ACTIVE else None

    @property
    def trainee_turns(self) -> int:
        """How many turns the trainee has taken (for empty states and guidance)."""
        return sum(1 for line in self.lines if line.speaker == TRAINEE)


# ---------------------------------------------------------------- reading the typed state


def terms_on_table(state: DealState, scenario: Scenario) -> list[TermRow]:
    """Each issue's latest position from both sides, read from the engine's typed state (never from prose)."""
    agreed = state.agreed_terms or {}
    return [
        TermRow(
            issue_id=i.id,
            label=i.label,
            unit=i.unit,
            theirs=agreed.get(i.id, state.counterparty_positions.get(i.id)),
            yours=agreed.get(i.id, state.trainee_positions.get(i.id)),
            target=i.trainee_target,
            walkaway=i.trainee_walkaway,
        )
        for i in scenario.issues
    ]


# ---------------------------------------------------------------- the buttons' typed acts


def _proposal_parts(values: dict[str, float], scenario: Scenario) -> list[tuple[Issue, str]]:
    """(issue, 'Label value') for every issue with a proposed value, in the scenario's order."""
    return [(i, f"{i.label} {format_value(i, values[i.id])}") for i in scenario.issues if i.id in values]


def proposal_text(values: dict[str, float], scenario: Scenario) -> str:
    """The readable line "Propose agreement" leaves in the transcript: every issue with its value."""
    parts = "; ".join(part for _, part in _proposal_parts(values, scenario))
    return f"I propose we agree on these terms: {parts}. Do we have a deal?"


def proposal_acts(values: dict[str, float], scenario: Scenario) -> TurnAnalysis:
    """One typed offer per issue: the engine gets the values as chosen, not parsed back out of the line."""
    acts = [
        Act(kind=ActKind.offer, quote=part, issue_id=issue.id, value=values[issue.id], unit=issue.unit)
        for issue, part in _proposal_parts(values, scenario)
    ]
    return TurnAnalysis(text=proposal_text(values, scenario), acts=acts)


def walk_away_acts() -> TurnAnalysis:
    """The walk-away button as a typed act."""
    return TurnAnalysis(text=WALK_AWAY_TEXT, acts=[Act(kind=ActKind.walk_away, quote=WALK_AWAY_TEXT)])


# ---------------------------------------------------------------- the service


class Practice:
    """Drives stored sessions for one store and scenario library (no per-user state kept here)."""

    def __init__(self, store: Store, scenarios: dict[str, Scenario]) -> None:
        self.store = store
        self.scenarios = scenarios

    # -- lifecycle

    def start(
        self, trainee_id: str, scenario_id: str, seed: int | None = None, realizer: str = "llm", level: str | None = None
    ) -> Live:
        """Create the stored session and commit the counterparty's opening line (always the quick voice); the
        level defaults to the scenario's own."""
        scenario = scenario_at(self.scenarios[scenario_id], level)
        seed = secrets.randbelow(2**31) if seed is None else seed
        game = Session(scenario, seed=seed)
        for _ in game.open(TemplateRealizer()):
            pass
        opening = game.lines[-1]
        opening.meta["opening"] = True
        session_id = self.store.start_session(
            trainee_id, scenario_id, seed, realizer, game.state,
            NewTurn(COUNTERPARTY, opening.text, opening.move, opening.meta), level=scenario.level.value,
        )  # fmt: skip
        return Live(session_id=session_id, trainee_id=trainee_id, game=game)

    def send(self, live: Live, text: str, acts: TurnAnalysis | None = None) -> None:
        """Commit the trainee's turn *before* any model call, so a failure never loses it."""
        text = text.strip()
        if not text:
            raise PracticeError("Type a message first.")
        if live.status != ACTIVE:
            raise PracticeError("This session is over. Open the debrief or start a new session.")
        if live.pending is not None:
            raise PracticeError("Your previous message is still waiting for a reply. Retry it first.")
        meta = {} if acts is None else {ACTS_META: acts.model_dump(mode="json")}
        self._commit(live, NewTurn(TRAINEE, text, None, meta))
        live.game.add_trainee(text, acts)

    def propose(self, live: Live, values: dict[str, float]) -> None:
        """"Propose agreement": a readable line in the transcript, typed offers for the engine."""
        self.send(live, proposal_text(values, live.scenario), proposal_acts(values, live.scenario))

    def walk_away(self, live: Live) -> None:
        """"Walk away": a readable line in the transcript, a typed walk-away act for the engine."""
        self.send(live, WALK_AWAY_TEXT, walk_away_acts())

    def reply(
        self,
        live: Live,
        realizer: Realizer,
        realizer_name: str = "llm",
        queue: ModelQueue | None = None,
        on_wait: Callable[[QueueWait], None] | None = None,
    ) -> Iterator[str]:
        """Stream the counterparty's reply to the pending turn; commit it with the state it produced once complete.

        With `queue` (the one local model), the voice waits for its turn first and `on_wait` hears the position.
        """
        if live.pending is None:
            return
        game = live.game
        step = game.step()
        try:
            with _queued(queue, on_wait):
                text, meta = yield from game.speak(step.move, step.state, realizer)
        except Exception as exc:  # the voice failed: keep the trainee's turn pending
            # An endpoint that is down or slow is expected (the trainee gets Retry): one line, no traceback.
            # Anything else is a defect, logged with its traceback for whoever runs the server.
            expected = isinstance(exc, LLMUnavailable)
            log.warning("realizer failed for session %s: %s", live.session_id, exc, exc_info=not expected)
            raise PracticeError(_voice_error(exc)) from exc
        if not text:
            raise PracticeError("The counterparty's voice returned nothing. Retry, or continue with the quick voice.")
        meta = {"realizer": realizer_name, **meta}
        status = step.state.status.value if step.state.is_over else None
        self._commit(live, NewTurn(COUNTERPARTY, text, step.move, meta), state=step.state, status=status)
        game.accept(step, text, meta)
        live.status = status or live.status

    def _commit(self, live: Live, turn: NewTurn, state: DealState | None = None, status: str | None = None) -> None:
        """Commit one line at the index this window expects, with the state and status it produced.

        If the stored session moved on (another window, or it ended), `live` is refreshed from the store and
        the trainee is told; nothing is written."""
        extra: dict[str, Any] = {} if state is None else {"state_json": state}
        try:
            self.store.commit_turn(live.session_id, len(live.lines), turn, status=status, **extra)
        except TurnConflict as exc:
            self._refresh(live)
            raise PracticeError(f"{exc} It has been reloaded here; carry on from where it is now.") from exc

    def _refresh(self, live: Live) -> None:
        """Replace `live`'s game and status with the stored session's (after a conflict)."""
        fresh = self.resume(live.trainee_id, live.session_id)
        if fresh is not None:
            live.game, live.status = fresh.game, fresh.status

    def end(self, live: Live, status: str = "ended") -> None:
        """Mark an open session over (the debrief is computed separately); an ended one keeps its status."""
        live.status = self.store.end_session(live.session_id, status).status

    def resume(self, trainee_id: str, session_id: str) -> Live | None:
        """Rebuild a session from the store, only for its owner (None if not theirs or unknown).

        The deal state is always the engine's replay of the stored transcript (a few milliseconds), so a resumed
        session equals the game that was played even if the stored state came from an interrupted older
        version; a session whose replay is over is closed with the replay's status."""
        snapshot = self.store.session_with_turns(session_id, trainee_id)
        if snapshot is None:
            return None
        record, turns = snapshot
        scenario = self.scenarios.get(record.scenario_id)
        if scenario is None:
            raise PracticeError("This session's scenario is no longer in the library. Start a new session.")
        scenario = scenario_at(scenario, lineage.level_of(self.store, record.id) or "standard")
        game = Session.replay(scenario, record.seed, [stored_line(turn) for turn in turns])
        if _stored_state(record.id, record.state_json) != game.state:
            log.warning("stored state of session %s differs from the engine's replay; using the replay", record.id)
        status = record.status
        if status == ACTIVE and game.over:
            status = self.store.end_session(record.id, game.state.status.value).status
        return Live(session_id=record.id, trainee_id=trainee_id, game=game, status=status)


@contextlib.contextmanager
def _queued(queue: ModelQueue | None, on_wait: Callable[[QueueWait], None] | None) -> Iterator[None]:
    """Wait for the model's turn when there is a queue; otherwise go straight ahead."""
    if queue is None:
        yield
        return
    with queue.turn(on_wait):
        yield


def stored_line(turn: StoredTurn) -> Line:
    """A stored turn as a transcript line, with its move and any typed acts read back."""
    meta = dict(turn.meta or {})
    acts = meta.pop(ACTS_META, None)
    speaker = TRAINEE if turn.speaker == TRAINEE else COUNTERPARTY
    return Line(speaker, turn.text, stored_move(turn.move), meta, None if acts is None else TurnAnalysis.model_validate(acts))


def _stored_state(session_id: str, stored: str) -> DealState | None:
    """The stored DealState (to check against the replay), or None when it is missing or from an older shape."""
    if not stored or stored == "{}":
        return None
    try:
        return DealState.model_validate_json(stored)
    except ValidationError:
        log.info("stored state for %s did not validate; replaying", session_id)
        return None


def _voice_error(exc: Exception) -> str:
    """A one-line message for a failed reply, naming the model's own explanation when it has one."""
    if isinstance(exc, LLMUnavailable):
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{detail} Your message is saved. Retry, or continue with the quick voice."
    return "The counterparty's voice failed. Your message is saved. Retry, or continue with the quick voice."


# ---------------------------------------------------------------- hints


def hint_for(live: Live, index: KnowledgeIndex | None = None, on_request: bool = True) -> str | None:
    """The coach's nudge: on request a line to answer their last words; after a turn, only if it slipped."""
    last = live.game.last_step
    analysis = last.analysis if last is not None else _latest_analysis(live.game)
    if on_request:
        hint = coach.what_could_i_say(live.game.previous_line() or "", index, analysis=analysis,
                                      scenario=live.scenario)
    else:
        hint = coach.live_hint(analysis, index, live.scenario) if analysis is not None else None
    return hint.text if hint is not None and hint.text else None


def _latest_analysis(game: Session) -> TurnAnalysis | None:
    """How the trainee's latest line reads (after a resume, the in-memory step is gone)."""
    for i in range(len(game.lines) - 1, -1, -1):
        line = game.lines[i]
        if line.speaker == TRAINEE:
            return line.acts or analyse_turn(line.text, game.scenario, game.previous_line(i))
    return None


# ---------------------------------------------------------------- debrief


@dataclass
class HiddenItem:
    """Something the counterparty kept back that the trainee never surfaced, revealed after the fact."""

    kind: str  # "need" | "stakeholder" | "alternative"
    title: str
    detail: str
    how: str  # what would have surfaced it


@dataclass
class Debrief:
    """Everything the debrief page shows for one ended session."""

    session_id: str
    scenario: Scenario
    lines: list[Line]
    report: Report
    outcome: Outcome
    hidden: list[HiddenItem]
    status: str
    coaching: coach.Debrief | None = None  # headline, points, next scenario; None if the coach failed
    headline: Headline | None = None  # how report.overall_score (the headline) combines value and mistakes


def hidden_info(state: DealState, scenario: Scenario) -> list[HiddenItem]:
    """Needs, stakeholders and weak alternatives the trainee never surfaced."""
    found = state.revealed_ids()
    cp = scenario.counterparty
    items = [
        HiddenItem("need", f"Their need: {_short(n.description)}", n.description, _trigger_text(n.reveal_when))
        for n in cp.situational_needs
        if n.id not in found
    ]
    items += [
        HiddenItem("stakeholder", f"Someone else with a stake: {s.name}, {s.role}" if s.name
                   else f"Someone else with a stake: {s.role}",
                   f"{s.interest} Concern: {s.concern}", s.how_to_surface)
        for s in cp.stakeholders
        if s.id not in found
    ]
    items += [
        HiddenItem("alternative", f"Their alternative was weaker than it sounded: {_short(a.description)}",
                   f"{a.description} Weakness: {a.weakness}", _trigger_text(a.reveal_when))
        for a in cp.alternatives
        if a.id not in found
    ]  # fmt: skip
    return items


def _short(text: str, limit: int = 70) -> str:
    """The first sentence, cut at a word boundary, for an expander title."""
    first = text.split(". ")[0].strip().rstrip(".")
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def _trigger_text(trigger: RevealTrigger) -> str:
    """'Ask about their constraints (e.g. "launch", "validation")' from a RevealTrigger."""
    acts = ", ".join(a.replace("_", " ") for a in trigger.acts)
    words = ", ".join(f'"{k}"' for k in trigger.keywords[:4])
    return f"A move like: {acts}" + (f", touching on {words}" if words else "") + "."


def debrief_for(
    store: Store, scenarios: dict[str, Scenario], session_id: str, trainee_id: str,
    index: KnowledgeIndex | None = None,
) -> Debrief | None:  # fmt: skip
    """Evaluate (once, then from the store) and score an ended session; None if it is not this trainee's."""
    live = Practice(store, scenarios).resume(trainee_id, session_id)
    if live is None:
        return None
    stored = store.latest_evaluation(live.session_id, trainee_id)
    outcome = compute_outcome(live.state, live.scenario)
    fresh = stored is None or stored.report.mistakes_score is None  # evaluated before the headline counted the deal
    report, head = headline_for(evaluate_lines(live.lines, live.scenario, index) if stored is None
                                else stored.report, outcome)
    if fresh:
        store.save_evaluation(live.session_id, report)
    store.update_session(live.session_id, outcome_json=outcome)
    return Debrief(live.session_id, live.scenario, live.lines, report, outcome,
                   hidden_info(live.state, live.scenario), live.status,
                   coaching_for(report, live.scenario, scenarios, index), head)  # fmt: skip


def coaching_for(
    report: Report, scenario: Scenario | None, scenarios: dict[str, Scenario], index: KnowledgeIndex | None = None
) -> coach.Debrief | None:
    """The coach's contextual explanation and next-scenario suggestion (None if the coach fails)."""
    try:
        return coach.debrief(report, scenario, index=index, library=scenarios)
    except Exception:  # noqa: BLE001 - the scorecard stands without the coach's prose
        log.warning("coach debrief failed", exc_info=True)
        return None


def evaluate_lines(
    lines: Sequence[Line | Turn], scenario: Scenario | None, index: KnowledgeIndex | None = None,
    scenario_facts: bool = True,
) -> Report:
    """The evaluator's report, with cited notes attached when the knowledge index is available.

    `scenario_facts=False` for a pasted conversation: the chosen scenario is context, the facts stay the user's.
    """
    turns = [line if isinstance(line, Turn) else Turn(speaker=line.speaker, text=line.text) for line in lines]
    report = evaluate(turns, scenario, scenario_facts=scenario_facts)
    if index is None:
        return report
    try:
        return coach.attach_sources(report, index)
    except Exception:  # noqa: BLE001 - citations are a bonus; the report stands without them
        log.warning("attaching sources failed", exc_info=True)
        return report


def most_frequent_mistake(report: Report) -> str | None:
    """The detected mistake with the highest severity (then lowest score), for "Practise this mistake"."""
    detected = [m for m in report.mistakes if m.detected]
    if not detected:
        return None
    return max(detected, key=lambda m: (m.severity, len(m.evidence), -m.score)).id


def outcome_view(outcome: Outcome, scenario: Scenario, hidden: list[HiddenItem]) -> dict[str, Any]:
    """The outcome as display strings (for downloads and the page), with the hidden limits revealed."""
    rows = []
    for o in outcome.issues:
        issue = scenario.issue(o.issue_id)
        rows.append({
            "issue_id": o.issue_id, "label": o.label,
            "final": o.final, "final_text": format_value(issue, o.final),
            "target_text": format_value(issue, issue.trainee_target),
            "walkaway_text": format_value(issue, issue.trainee_walkaway),
            "limit_text": format_value(issue, o.counterparty_reservation),
            "conceded_beyond_necessity": o.conceded_beyond_necessity,
            "met_walkaway": o.meets_walkaway,
        })  # fmt: skip
    basis = "Agreed terms" if outcome.basis == "agreed" else "No agreement; their last offer"
    conceded = ("not scored (you made no offer)" if outcome.conceded_beyond_necessity is None
                else f"{round(outcome.conceded_beyond_necessity * 100)}%")
    summary = (
        f"{basis}. Value captured: {round(outcome.trainee_utility * 100)}% of the way from your walk-away to "
        f"your target. Ground conceded beyond necessity: {conceded}. {conceded_sentence(outcome)}"
    )
    return {"summary": summary, "basis": outcome.basis, "issues": rows,
            "hidden": [f"{h.title}: {h.detail}" for h in hidden]}  # fmt: skip

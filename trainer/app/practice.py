"""The app's service layer: one stored practice session, robust to refreshes, restarts and LLM failures.

Order of work for a trainee turn (so nothing typed is ever lost):
1. `send` commits the trainee's text to the store (it is now *pending*);
2. `reply` runs the engine step once (kept for retries), streams the counterparty's voice, then commits the
   reply with its move and metadata. If the voice fails, the trainee's turn stays pending; `reply` can be
   called again (Retry) or with the template realizer (the quick voice).
No Streamlit here: the UI keeps a `Live` object in `st.session_state` and calls these functions.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from trainer.llm.chat import LLMUnavailable
from trainer.scenarios.library import Scenario

log = logging.getLogger(__name__)

TRAINEE = "trainee"
COUNTERPARTY = "counterparty"
ACTIVE = "open"  # store statuses: open | agreed | walked_away | ended
ENDED_STATUSES = ("agreed", "walked_away", "ended")


class PracticeError(Exception):
    """A failure the trainee should see, with a next step; the cause is logged, not shown."""


@dataclass
class Line:
    """One chat line as the UI shows it."""

    speaker: str
    text: str
    move: dict | None = None
    meta: dict = field(default_factory=dict)


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
    """An in-memory view of a stored session (rebuilt from the store after a restart)."""

    session_id: Any
    trainee_id: Any
    scenario: Scenario
    seed: int
    state: Any  # trainer.domain.deal.DealState
    lines: list[Line] = field(default_factory=list)
    status: str = ACTIVE
    pending_step: Any = None  # StepResult for the pending trainee turn, reused on Retry
    last_analysis: Any = None  # TurnAnalysis of the latest trainee turn (for hints)
    last_move: Any = None

    @property
    def pending(self) -> str | None:
        """The trainee's last message if it has no reply yet."""
        if self.lines and self.lines[-1].speaker == TRAINEE and self.status == ACTIVE:
            return self.lines[-1].text
        return None

    @property
    def trainee_turns(self) -> int:
        """How many turns the trainee has taken (for empty states and guidance)."""
        return sum(1 for line in self.lines if line.speaker == TRAINEE)


# ---------------------------------------------------------------- helpers over other modules' objects


def _dump(obj: Any) -> Any:
    """Pydantic model -> JSON-able dict; pass other values through."""
    if obj is None:
        return None
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return obj


def _attr(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute (or mapping key) among `names`."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def terminal_status(state: Any, move: Any = None) -> str | None:
    """"agreed" or "walked_away" once the engine's typed state says the deal closed, else None."""
    status = str(getattr(state, "status", "open") or "open").split(".")[-1]
    return status if status in ("agreed", "walked_away") else None


def terms_on_table(state: Any, scenario: Scenario) -> list[TermRow]:
    """Each issue's latest position from both sides, read from the engine's typed state (never from prose)."""
    theirs = dict(getattr(state, "counterparty_positions", {}) or {})
    yours = dict(getattr(state, "trainee_positions", {}) or {})
    agreed = getattr(state, "agreed_terms", None) or {}
    rows = []
    for i in scenario.issues:
        rows.append(
            TermRow(
                issue_id=i.id,
                label=i.label,
                unit=i.unit,
                theirs=agreed.get(i.id, theirs.get(i.id)),
                yours=agreed.get(i.id, yours.get(i.id)),
                target=i.trainee_target,
                walkaway=i.trainee_walkaway,
            )
        )
    return rows


def proposal_text(values: dict[str, float], scenario: Scenario) -> str:
    """The words for "Propose agreement": every issue with its value, so the engine can read the offer."""
    from trainer.engine.terms import format_value

    parts = []
    for issue in scenario.issues:
        if issue.id in values:
            parts.append(f"{issue.label} {format_value(issue, values[issue.id])}")
    return "I propose we agree on these terms: " + "; ".join(parts) + ". Do we have a deal?"


WALK_AWAY_TEXT = "I don't think we can reach an agreement that works for us, so I'm going to walk away."


# ---------------------------------------------------------------- the service


class Practice:
    """Drives stored sessions for one store and scenario library (no per-user state kept here)."""

    def __init__(self, store: Any, scenarios: dict[str, Scenario]) -> None:
        self.store = store
        self.scenarios = scenarios

    # -- lifecycle

    def start(self, trainee_id: Any, scenario_id: str, seed: int | None = None, realizer: str = "llm") -> Live:
        """Create the stored session and commit the counterparty's opening line."""
        from trainer.engine.turn import Engine

        scenario = self.scenarios[scenario_id]
        seed = secrets.randbelow(2**31) if seed is None else seed
        state, move = Engine(scenario, seed).open()
        session_id = self.store.create_session(
            trainee_id=trainee_id, scenario_id=scenario_id, seed=seed, realizer=realizer, state_json=state
        )
        live = Live(session_id=session_id, trainee_id=trainee_id, scenario=scenario, seed=seed, state=state)
        text = self._template_text(move, state, scenario, []) or scenario.counterparty.opening_line
        self._commit(live, COUNTERPARTY, text, move=move, meta={"realizer": "template", "opening": True})
        return live

    def send(self, live: Live, text: str) -> None:
        """Commit the trainee's turn *before* any model call, so a failure never loses it."""
        text = text.strip()
        if not text:
            raise PracticeError("Type a message first.")
        if live.status != ACTIVE:
            raise PracticeError("This session is over. Open the debrief or start a new session.")
        if live.pending is not None:
            raise PracticeError("Your previous message is still waiting for a reply. Retry it first.")
        self._commit(live, TRAINEE, text)
        live.pending_step = None

    def reply(self, live: Live, realizer: Any, realizer_name: str = "llm") -> Iterator[str]:
        """Stream the counterparty's reply to the pending turn; commit it only once it is complete."""
        pending = live.pending
        if pending is None:
            return
        step = self._step(live, pending)
        history = [(line.speaker, line.text) for line in live.lines]
        started = time.monotonic()
        chunks: list[str] = []
        try:
            for chunk in realizer.stream(step.move, step.state, live.scenario, history):
                chunks.append(chunk)
                yield chunk
        except Exception as exc:  # the voice failed: keep the trainee's turn pending
            log.warning("realizer failed for session %s: %s", live.session_id, exc, exc_info=True)
            raise PracticeError(_voice_error(exc)) from exc
        text = "".join(chunks).strip()
        if not text:
            raise PracticeError("The counterparty's voice returned nothing. Retry, or continue with the quick voice.")
        self._accept_step(live, step)
        meta = {"realizer": realizer_name, "seconds": round(time.monotonic() - started, 2)}
        meta.update(_voice_meta(realizer))
        self._commit(live, COUNTERPARTY, text, move=step.move, meta=meta)
        self._save_state(live)
        status = terminal_status(step.state, step.move)
        if status:
            self.end(live, status)

    def end(self, live: Live, status: str = "ended") -> None:
        """Mark the session over (agreed, walked_away or ended); the debrief is computed separately."""
        live.status = status
        self.store.update_session(live.session_id, status=status, state_json=live.state)

    def resume(self, trainee_id: Any, session_id: Any) -> Live | None:
        """Rebuild a session from the store, only for its owner (None if not theirs or unknown)."""
        record = self.store.get_session(session_id, trainee_id)
        if record is None:
            return None
        scenario = self.scenarios.get(_attr(record, "scenario_id"))
        if scenario is None:
            raise PracticeError("This session's scenario is no longer in the library. Start a new session.")
        live = Live(
            session_id=_attr(record, "id", default=session_id),
            trainee_id=trainee_id,
            scenario=scenario,
            seed=int(_attr(record, "seed", default=0) or 0),
            state=None,
            status=_attr(record, "status", default=ACTIVE) or ACTIVE,
        )
        for turn in self.store.list_turns(live.session_id):
            live.lines.append(
                Line(
                    speaker=_attr(turn, "speaker"),
                    text=_attr(turn, "text"),
                    move=_attr(turn, "move"),
                    meta=_attr(turn, "meta", default={}) or {},
                )
            )
        live.state = self._restore_state(live, _attr(record, "state_json"))
        return live

    # -- internals

    def _step(self, live: Live, text: str) -> Any:
        """Run the engine once per trainee turn; Retry reuses the result so the deal never moves twice."""
        if live.pending_step is None:
            from trainer.engine.turn import Engine

            previous = _previous_counterparty_line(live.lines)
            live.pending_step = Engine(live.scenario, live.seed).step(live.state, text, previous)
        return live.pending_step

    def _accept_step(self, live: Live, step: Any) -> None:
        """The reply is out: the step's state becomes the session's state."""
        live.state = step.state
        live.last_analysis = step.analysis
        live.last_move = step.move
        live.pending_step = None

    def _commit(self, live: Live, speaker: str, text: str, move: Any = None, meta: dict | None = None) -> None:
        """Write one turn to the store (committed immediately), then show it."""
        meta = dict(meta or {})
        self.store.add_turn(live.session_id, speaker=speaker, text=text, move=_dump(move), meta=meta)
        live.lines.append(Line(speaker=speaker, text=text, move=_dump(move), meta=meta))

    def _save_state(self, live: Live) -> None:
        """Persist the typed deal state after each answered turn (resume reads it back)."""
        self.store.update_session(live.session_id, state_json=live.state)

    def _restore_state(self, live: Live, stored: Any) -> Any:
        """The stored DealState, or, failing that, a deterministic replay of the trainee's turns."""
        from trainer.domain.deal import DealState

        if stored and stored != "{}":
            try:
                return DealState.model_validate_json(stored) if isinstance(stored, str) else DealState.model_validate(stored)
            except Exception:  # an older state shape: fall back to replay
                log.info("stored state for %s did not validate; replaying", live.session_id)
        from trainer.engine.turn import Engine

        engine = Engine(live.scenario, live.seed)
        state, _ = engine.open()
        for text, previous in _answered_trainee_turns(live.lines):
            state = engine.step(state, text, previous).state
        return state

    def _template_text(self, move: Any, state: Any, scenario: Scenario, history: list) -> str:
        """The quick voice's words for a move (used for the opening line)."""
        try:
            from trainer.voice.realizer import TemplateRealizer

            return "".join(TemplateRealizer().stream(move, state, scenario, history)).strip()
        except Exception:
            log.warning("template realizer failed on the opening move", exc_info=True)
            return ""


def _answered_trainee_turns(lines: list[Line]) -> list[tuple[str, str | None]]:
    """(text, preceding counterparty line) for trainee turns that were answered (the pending one comes later)."""
    out = []
    for i, line in enumerate(lines):
        if line.speaker == TRAINEE and i + 1 < len(lines) and lines[i + 1].speaker == COUNTERPARTY:
            out.append((line.text, _previous_counterparty_line(lines[:i])))
    return out


def _previous_counterparty_line(lines: list[Line]) -> str | None:
    """The counterparty's latest line before the trainee's turn (the analyser reads questions in context)."""
    for line in reversed(lines):
        if line.speaker == COUNTERPARTY:
            return line.text
    return None


def _voice_meta(realizer: Any) -> dict[str, Any]:
    """The realizer's own account of the reply (which voice, attempts, fallback), without raw model text."""
    meta = dict(getattr(realizer, "last_meta", {}) or {})
    keep = ("realizer", "attempts", "fallback", "repaired", "ttft", "problems", "truncated")
    return {k: meta[k] for k in keep if k in meta}


def _voice_error(exc: Exception) -> str:
    """A one-line message for a failed reply, naming the model's own explanation when it has one."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, LLMUnavailable):
        return f"{detail} Your message is saved. Retry, or continue with the quick voice."
    return "The counterparty's voice failed. Your message is saved. Retry, or continue with the quick voice."


# ---------------------------------------------------------------- hints


def hint_for(live: Live, index: Any = None, on_request: bool = True) -> str | None:
    """The coach's nudge: on request a line to answer their last words; after a turn, only if it slipped."""
    from trainer.coaching.coach import live_hint, what_could_i_say

    analysis = live.last_analysis or _latest_analysis(live)
    if on_request:
        previous = _previous_counterparty_line(live.lines) or ""
        hint = what_could_i_say(previous, index, analysis=analysis)
    else:
        hint = live_hint(analysis, index) if analysis is not None else None
    return _text_of(hint) or None


def _latest_analysis(live: Live) -> Any:
    """Analyse the trainee's latest turn again (after a resume, the in-memory analysis is gone)."""
    from trainer.reader.analysis import analyse_turn

    for i in range(len(live.lines) - 1, -1, -1):
        if live.lines[i].speaker == TRAINEE:
            return analyse_turn(live.lines[i].text, live.scenario, _previous_counterparty_line(live.lines[:i]))
    return None


def _text_of(value: Any) -> str:
    """A hint may come back as text or as a small object; show its words."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for name in ("text", "message", "hint", "advice"):
        if isinstance(getattr(value, name, None), str):
            return getattr(value, name)
    return str(value)


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

    session_id: Any
    scenario: Scenario
    lines: list[Line]
    report: Any  # trainer.domain.report.Report
    outcome: Any  # trainer.engine.outcome.Outcome
    hidden: list[HiddenItem]
    status: str
    coaching: Any = None  # trainer.coaching.coach.Debrief (headline, points, next scenario), if the coach is available


def hidden_info(state: Any, scenario: Scenario) -> list[HiddenItem]:
    """Needs, stakeholders and weak alternatives the trainee never surfaced."""
    found = state.revealed_ids() if state is not None else set()
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


def _trigger_text(trigger: Any) -> str:
    """'Ask about their constraints (e.g. "launch", "validation")' from a RevealTrigger."""
    acts = ", ".join(a.replace("_", " ") for a in trigger.acts)
    words = ", ".join(f'"{k}"' for k in trigger.keywords[:4])
    return f"A move like: {acts}" + (f", touching on {words}" if words else "") + "."


def debrief_for(
    store: Any, scenarios: dict[str, Scenario], session_id: Any, trainee_id: Any, index: Any = None,
    refresh: bool = False,
) -> Debrief | None:
    """Evaluate (once, then from the store) and score an ended session; None if it is not this trainee's."""
    from trainer.engine.outcome import compute_outcome

    live = Practice(store, scenarios).resume(trainee_id, session_id)
    if live is None:
        return None
    stored = None if refresh else store.latest_evaluation(live.session_id, trainee_id)
    if stored is not None:
        report = stored.report
    else:
        report = evaluate_lines(live.lines, live.scenario, index)
        store.save_evaluation(live.session_id, report)
    outcome = compute_outcome(live.state, live.scenario)
    store.update_session(live.session_id, outcome_json=outcome)
    return Debrief(live.session_id, live.scenario, live.lines, report, outcome,
                   hidden_info(live.state, live.scenario), live.status,
                   coaching_for(report, live.scenario, scenarios, index))  # fmt: skip


def coaching_for(report: Any, scenario: Scenario | None, scenarios: dict[str, Scenario], index: Any = None) -> Any:
    """The coach's contextual explanation and next-scenario suggestion (None if the coach fails)."""
    try:
        from trainer.coaching.coach import debrief

        return debrief(report, scenario, model=None, index=index, library=scenarios)
    except Exception:  # noqa: BLE001 - the scorecard stands without the coach's prose
        log.warning("coach debrief failed", exc_info=True)
        return None


def evaluate_lines(lines: list[Line] | list[Any], scenario: Scenario | None, index: Any = None) -> Any:
    """The evaluator's report, with cited notes attached when the knowledge index is available."""
    from trainer.domain.transcripts import Turn
    from trainer.evaluation.evaluator import evaluate

    turns = [line if isinstance(line, Turn) else Turn(speaker=line.speaker, text=line.text) for line in lines]
    report = evaluate(turns, scenario)
    if index is not None:
        try:
            from trainer.coaching.coach import attach_sources

            report = attach_sources(report, index)
        except Exception:  # noqa: BLE001 - citations are a bonus; the report stands without them
            log.warning("attaching sources failed", exc_info=True)
    return report


def most_frequent_mistake(report: Any) -> str | None:
    """The detected mistake with the highest severity (then lowest score), for "Practise this mistake"."""
    detected = [m for m in report.mistakes if m.detected]
    if not detected:
        return None
    return max(detected, key=lambda m: (m.severity, len(m.evidence), -m.score)).id


def outcome_view(outcome: Any, scenario: Scenario, hidden: list[HiddenItem]) -> dict[str, Any]:
    """The outcome as display strings (for downloads and the page), with the hidden limits revealed."""
    from trainer.engine.terms import format_value

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
            "met_walkaway": not _worse(issue, o.final, issue.trainee_walkaway),
        })  # fmt: skip
    basis = "Agreed terms" if outcome.basis == "agreed" else "No agreement; their last offer"
    summary = (
        f"{basis}. Value captured: {round(outcome.trainee_utility * 100)}% of the way from your walk-away to "
        f"your target. Ground conceded beyond necessity: {round(outcome.conceded_beyond_necessity * 100)}%."
    )
    return {"summary": summary, "basis": outcome.basis, "issues": rows,
            "hidden": [f"{h.title}: {h.detail}" for h in hidden]}  # fmt: skip


def _worse(issue: Any, a: float, b: float) -> bool:
    """True when a is strictly worse for the trainee than b."""
    from trainer.engine.terms import better_for_trainee

    return better_for_trainee(issue, b, a)

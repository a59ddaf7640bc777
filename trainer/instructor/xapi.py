"""The LMS record: one xAPI 1.0.3 statement per completed, evaluated practice session.

The statement says "<trainee> completed <scenario>" with the evaluator's score, a success flag, how long the
session took and one result extension per mistake:

- actor: an Agent identified by an `account` on the configured home page (LEVERAGE_XAPI_HOMEPAGE) whose
  name is the trainee's stable id. An e-mail address is used (as `mbox: mailto:...`, and then instead of
  the account, since an Agent has exactly one identifier) only when a caller passes one explicitly; the
  store holds none, so exports from the store never contain one. The display name is left out unless asked.
- verb: ADL "completed"; object: the scenario as an Activity of type ADL "simulation", its IRI built from
  the home page and the scenario id.
- result: score (raw 0..100 with min/max, scaled = raw/100), success (below), completion true, duration
  from the session's start to its last turn, and `<home>/xapi/extensions/mistake/<id>` ->
  {title, detected, severity, score} for each of the five mistakes.
- context: a registration and the statement id are UUID5s of the session id (so a re-send is the same
  statement and a learning record store keeps one copy), platform "Leverage", language en-US, and
  `<home>/xapi/extensions/deal` -> {status, within_walkaway}. The timestamp is the last turn's time, not the
  export time, so the statement is the same however often it is rebuilt.

Success means the trainee closed a deal that is at or better than their walk-away on every issue and made no
serious mistake (none detected at severity 3, the evaluator's highest). Walking away, or ending without a
deal, is not a success: every scenario is validated to have a deal inside the walk-away. When the walk-away
cannot be checked (the scenario file is gone, or the outcome was not stored) `success` is left out rather than
guessed.

`build_statement` is pure: it takes a `SessionRecord` and the settings it needs. `cohort_records` builds
those records from the store, for the cohort's owner only (sessions that are not finished, or not evaluated yet,
are skipped and counted: their statement would change once the evaluator has run).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.instructor.xapi_validation import validate_statement

if TYPE_CHECKING:  # typed seams; the runtime imports stay inside the functions that need them
    from trainer.domain.report import Report
    from trainer.scenarios.schema import Scenario
    from trainer.storage.history import HistoryEntry
    from trainer.storage.store import Store

__all__ = [
    "SessionRecord", "MistakeResult", "CohortExport", "build_statement", "cohort_records", "statement_id",
    "registration_id", "success_of", "iso_duration", "iso_timestamp", "dump_statements", "validate_statement",
]  # fmt: skip

XAPI_VERSION = "1.0.3"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/simulation"
PLATFORM = "Leverage"
LANGUAGE = "en-US"
DEFAULT_HOMEPAGE = "https://leverage.invalid"
SERIOUS_SEVERITY = 3  # the evaluator's highest severity (0..3)
COMPLETED_STATUSES = ("agreed", "walked_away", "ended")
# Fixed for good: statement ids and registrations must not change when the home page is reconfigured.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://leverage.invalid/xapi")


@dataclass(frozen=True)
class MistakeResult:
    """One of the five mistakes, as the evaluator's latest report scored it."""

    id: str
    title: str
    detected: bool
    severity: int  # 0..3
    score: int  # 0..100, 100 = handled well


@dataclass(frozen=True)
class SessionRecord:
    """Everything one statement says, with no database or settings behind it."""

    session_id: str
    trainee_id: str
    scenario_id: str
    scenario_title: str
    status: str  # agreed | walked_away | ended
    started_at: datetime  # aware
    ended_at: datetime  # aware: the last turn
    overall_score: int  # 0..100
    mistakes: tuple[MistakeResult, ...]
    within_walkaway: bool | None  # every issue at or better than the walk-away; None when unknown
    scenario_summary: str | None = None
    trainee_name: str | None = None  # only when the caller chose to share display names
    trainee_email: str | None = None  # only when given explicitly; replaces the account


@dataclass(frozen=True)
class CohortExport:
    """The records of one cohort, and what was left out."""

    records: list[SessionRecord]
    unevaluated: list[str] = field(default_factory=list)  # finished sessions without an evaluation yet
    unreadable: list[str] = field(default_factory=list)  # an evaluation that no longer parses
    open_sessions: int = 0


# ------------------------------------------------------------------------------------------------ the builder


def statement_id(session_id: str) -> str:
    """The statement's id: the same for the same session, every time."""
    return str(uuid.uuid5(NAMESPACE, f"statement:{session_id}"))


def registration_id(session_id: str) -> str:
    """context.registration: one attempt = one session."""
    return str(uuid.uuid5(NAMESPACE, f"registration:{session_id}"))


def activity_iri(homepage: str, scenario_id: str) -> str:
    """The scenario as an activity id under the home page."""
    return f"{homepage.rstrip('/')}/xapi/activities/scenario/{quote(scenario_id, safe='')}"


def extension_iri(homepage: str, *parts: str) -> str:
    """An extension key under the home page, e.g. <home>/xapi/extensions/mistake/urgency_signal."""
    return "/".join([homepage.rstrip("/"), "xapi", "extensions", *(quote(p, safe="") for p in parts)])


def success_of(record: SessionRecord) -> bool | None:
    """A deal within the walk-away with no serious mistake; None when the walk-away cannot be checked."""
    if record.status != "agreed":
        return False
    if any(m.detected and m.severity >= SERIOUS_SEVERITY for m in record.mistakes):
        return False
    return record.within_walkaway


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration to the hundredth of a second xAPI keeps: 3723.456 -> PT1H2M3.46S."""
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, frac = divmod(rest, 100)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if whole or frac or out == "PT":
        out += f"{whole}.{frac:02d}".rstrip("0").rstrip(".") + "S"
    return out


def iso_timestamp(moment: datetime) -> str:
    """UTC with milliseconds and Z (naive datetimes are taken as UTC, as the store keeps them)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _actor(record: SessionRecord, homepage: str) -> dict[str, Any]:
    actor: dict[str, Any] = {"objectType": "Agent"}
    if record.trainee_name:
        actor["name"] = record.trainee_name
    if record.trainee_email:
        actor["mbox"] = "mailto:" + record.trainee_email.strip().removeprefix("mailto:")
    else:
        actor["account"] = {"homePage": homepage, "name": record.trainee_id}
    return actor


def build_statement(
    record: SessionRecord, homepage: str = DEFAULT_HOMEPAGE, language: str = LANGUAGE
) -> dict[str, Any]:
    """The xAPI statement for one completed session (a JSON-ready dict)."""
    homepage = homepage.rstrip("/")
    definition: dict[str, Any] = {"name": {language: record.scenario_title}, "type": ACTIVITY_TYPE}
    if record.scenario_summary:
        definition["description"] = {language: record.scenario_summary}
    result: dict[str, Any] = {
        "score": {"scaled": round(record.overall_score / 100, 4), "raw": record.overall_score, "min": 0, "max": 100},
        "completion": True,
        "duration": iso_duration((record.ended_at - record.started_at).total_seconds()),
        "extensions": {
            extension_iri(homepage, "mistake", m.id): {
                "title": m.title, "detected": m.detected, "severity": m.severity, "score": m.score,
            }  # fmt: skip
            for m in record.mistakes
        },
    }
    success = success_of(record)
    if success is not None:
        result["success"] = success
    return {
        "id": statement_id(record.session_id),
        "actor": _actor(record, homepage),
        "verb": {"id": VERB_COMPLETED, "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": activity_iri(homepage, record.scenario_id), "definition": definition},
        "result": result,
        "context": {
            "registration": registration_id(record.session_id),
            "platform": PLATFORM,
            "language": language,
            "extensions": {
                extension_iri(homepage, "deal"): {"status": record.status, "within_walkaway": record.within_walkaway}
            },
        },
        "timestamp": iso_timestamp(record.ended_at),
    }


def dump_statements(statements: Iterable[dict[str, Any]], fmt: str = "json") -> str:
    """A JSON array (`json`, what the statements resource accepts) or one statement per line (`jsonl`)."""
    items = list(statements)
    if fmt == "jsonl":
        return "".join(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in items)
    if fmt != "json":
        raise ValueError(f"format must be json or jsonl, got {fmt!r}")
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# ------------------------------------------------------------------------------------- from the store's records


def within_walkaway(outcome: Mapping[str, Any] | None, scenario: Scenario | None) -> bool | None:
    """Whether every issue's final value is at or better than the trainee's walk-away (None when unknown)."""
    from trainer.engine.terms import better_for_trainee

    if not outcome or scenario is None or not outcome.get("issues"):
        return None
    try:
        for row in outcome["issues"]:
            issue = scenario.issue(row["issue_id"])
            if better_for_trainee(issue, issue.trainee_walkaway, float(row["final"])):
                return False
    except (KeyError, TypeError, ValueError):  # an outcome from an older scenario version
        return None
    return True


def mistakes_of(report: Report) -> tuple[MistakeResult, ...]:
    """The report's five findings as plain results, in the registry's order."""
    return tuple(
        MistakeResult(m.id, MISTAKE_TITLES.get(m.id, m.title), m.detected, m.severity, m.score)
        for m in report.mistakes
    )


def record_from(
    entry: HistoryEntry,
    ended_at: datetime | None,
    scenario: Scenario | None = None,
    trainee_name: str | None = None,
) -> SessionRecord:
    """A record from one evaluated history entry (trainer.storage.history.HistoryEntry) and its scenario."""
    from trainer.domain.report import Report

    report = Report.model_validate_json(entry.report_json)
    return SessionRecord(
        session_id=entry.session_id,
        trainee_id=entry.trainee_id,
        scenario_id=entry.scenario_id,
        scenario_title=scenario.title if scenario is not None else entry.scenario_id,
        scenario_summary=" ".join(scenario.summary.split()) if scenario is not None else None,
        status=entry.status,
        started_at=entry.created_at,
        ended_at=max(ended_at or entry.created_at, entry.created_at),
        overall_score=report.overall_score,
        mistakes=mistakes_of(report),
        within_walkaway=within_walkaway(entry.outcome, scenario),
        trainee_name=trainee_name,
    )


def cohort_records(
    store: Store,
    owner_id: int,
    cohort_id: int,
    scenarios: Mapping[str, Scenario] | None = None,
    include_names: bool = False,
) -> CohortExport:
    """The records for the finished, evaluated sessions of a cohort this instructor owns, oldest first (none for
    anyone else's cohort: the ownership check is in the store's queries)."""
    from trainer.storage.cohorts import trainees
    from trainer.storage.history import last_turn_times, load_history

    history = load_history(store, cohort_id=cohort_id, owner_id=owner_id, with_reports=True)
    finished = [e for e in history if e.status in COMPLETED_STATUSES]
    names = {t.id: t.display_name for t in trainees(store, owner_id, cohort_id)} if include_names else {}
    ended = last_turn_times(store, [e.session_id for e in finished if e.report_json])
    export = CohortExport(records=[], open_sessions=len(history) - len(finished))
    for entry in finished:
        if not entry.report_json:
            export.unevaluated.append(entry.session_id)
            continue
        try:
            record = record_from(
                entry, ended.get(entry.session_id), (scenarios or {}).get(entry.scenario_id), names.get(entry.trainee_id)
            )
        except ValueError:
            export.unreadable.append(entry.session_id)
            continue
        export.records.append(record)
    return export

"""Checks an xAPI 1.0.3 statement against the specification's rules (xAPI-Data.md, part two).

`validate_statement` returns one line per problem, `path: what is wrong` (an empty list means valid), so a
test or the export command can show every problem at once. It covers what a learning record store must
reject with 400 Bad Request for the properties this project uses and for the common ones it does not:

- required properties (actor, verb, object; verb.id; activity id; account homePage and name) and no
  property that the specification does not define;
- IRIs (absolute, with a scheme, no spaces or forbidden characters) and IRLs (http or https with a host);
- an Agent has exactly one inverse functional identifier (mbox, mbox_sha1sum, openid, account), with
  `mbox` as `mailto:` and `mbox_sha1sum` as 40 hex digits; a Group's members are Agents;
- language maps keyed by RFC 5646 tags with string values;
- score rules (scaled within -1..1, min < max, raw within min..max), booleans for success and completion,
  ISO 8601 durations and timestamps (with an offset, never -00:00), UUIDs (RFC 4122 variant);
- extension keys are IRIs; `revision` and `platform` only when the object is an Activity.

This is the rule set the tests hold the builder to; LearningLocker's `xapi-validation` and the Ralph LRS
(tests/xapi_support.py) check the same statements independently when they are installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
_LANGUAGE = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z0-9]{1,8})*$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_MAILTO = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.[^@\s/]+$")
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
)
_TIMESTAMP = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$"
)

STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments"}  # fmt: skip
SUBSTATEMENT_KEYS = {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}  # fmt: skip
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}  # fmt: skip
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
                "statement", "extensions"}  # fmt: skip
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
ATTACHMENT_KEYS = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}


def validate_statement(statement: Any) -> list[str]:
    """Every rule the statement breaks, as `path: problem` lines; [] when it is valid."""
    return list(_statement(statement, "statement"))


def is_iri(value: Any) -> bool:
    """An absolute IRI: a scheme, something after it, and no spaces or characters IRIs forbid."""
    return isinstance(value, str) and bool(_SCHEME.match(value)) and len(value) > value.index(":") + 1 and not (
        _IRI_FORBIDDEN.search(value)
    )


def is_irl(value: Any) -> bool:
    """An IRI that can be looked up: http or https with a host."""
    if not is_iri(value):
        return False
    match = re.match(r"^https?://([^/?#]+)", value, flags=re.IGNORECASE)
    return match is not None and bool(match.group(1).rsplit("@", 1)[-1])


def is_uuid(value: Any) -> bool:
    """A hyphenated RFC 4122 UUID (any version of the RFC 4122 variant)."""
    return isinstance(value, str) and bool(_UUID.match(value))


def is_duration(value: Any) -> bool:
    """An ISO 8601 duration such as PT1H2M3.45S (at least one component)."""
    return isinstance(value, str) and bool(_DURATION.match(value)) and not value.endswith("T")


def is_timestamp(value: Any) -> bool:
    """An ISO 8601 date and time with an offset (Z or ±hh:mm), never the 'unknown' offset -00:00."""
    return isinstance(value, str) and bool(_TIMESTAMP.match(value)) and not value.endswith(("-00:00", "-0000"))


def is_language_tag(value: Any) -> bool:
    """An RFC 5646 language tag, e.g. en, en-US, zh-Hant-TW."""
    return isinstance(value, str) and bool(_LANGUAGE.match(value))


# ---------------------------------------------------------------------------------------------------- walkers


def _unknown(value: dict[str, Any], allowed: set[str], path: str) -> Iterator[str]:
    for key in sorted(set(value) - allowed):
        yield f"{path}.{key}: not a property the specification defines here"


def _statement(st: Any, path: str) -> Iterator[str]:
    if not isinstance(st, dict):
        yield f"{path}: must be a JSON object"
        return
    yield from _unknown(st, STATEMENT_KEYS, path)
    for key in ("actor", "verb", "object"):
        if key not in st:
            yield f"{path}.{key}: required"
    if "id" in st and not is_uuid(st["id"]):
        yield f"{path}.id: must be a UUID (RFC 4122), got {st['id']!r}"
    yield from _body(st, path, substatement=False)
    if "stored" in st and not is_timestamp(st["stored"]):
        yield f"{path}.stored: must be an ISO 8601 timestamp with an offset"
    if "authority" in st:
        yield from _actor(st["authority"], f"{path}.authority")
    if "version" in st and not (isinstance(st["version"], str) and re.match(r"^1\.0(\.\d+)?$", st["version"])):
        yield f"{path}.version: must be a 1.0.x version string"


def _body(st: dict[str, Any], path: str, substatement: bool) -> Iterator[str]:
    """The parts a statement shares with a SubStatement."""
    if "actor" in st:
        yield from _actor(st["actor"], f"{path}.actor")
    if "verb" in st:
        yield from _verb(st["verb"], f"{path}.verb")
    if "object" in st:
        yield from _statement_object(st["object"], f"{path}.object", substatement)
    if "result" in st:
        yield from _result(st["result"], f"{path}.result")
    if "context" in st:
        is_activity = isinstance(st.get("object"), dict) and st["object"].get("objectType", "Activity") == "Activity"
        yield from _context(st["context"], f"{path}.context", is_activity)
    if "timestamp" in st and not is_timestamp(st["timestamp"]):
        yield f"{path}.timestamp: must be an ISO 8601 timestamp with an offset (e.g. 2026-01-31T09:30:00.000Z)"
    if "attachments" in st:
        yield from _attachments(st["attachments"], f"{path}.attachments")


def _actor(actor: Any, path: str) -> Iterator[str]:
    if not isinstance(actor, dict):
        yield f"{path}: must be an Agent or Group object"
        return
    kind = actor.get("objectType", "Agent")
    if kind == "Agent":
        yield from _agent(actor, path)
    elif kind == "Group":
        yield from _group(actor, path)
    else:
        yield f"{path}.objectType: must be 'Agent' or 'Group', got {kind!r}"


def _agent(agent: dict[str, Any], path: str) -> Iterator[str]:
    yield from _unknown(agent, AGENT_KEYS, path)
    ifis = [k for k in IFI_KEYS if k in agent]
    if len(ifis) != 1:
        found = ", ".join(ifis) or "none"
        yield f"{path}: an Agent needs exactly one of mbox, mbox_sha1sum, openid, account (found {found})"
    yield from _ifis(agent, path)
    if "name" in agent and not isinstance(agent["name"], str):
        yield f"{path}.name: must be a string"


def _group(group: dict[str, Any], path: str) -> Iterator[str]:
    yield from _unknown(group, GROUP_KEYS, path)
    ifis = [k for k in IFI_KEYS if k in group]
    if len(ifis) > 1:
        yield f"{path}: a Group has at most one inverse functional identifier (found {', '.join(ifis)})"
    members = group.get("member")
    if not ifis and not members:
        yield f"{path}.member: an anonymous Group must list its members"
    if members is not None:
        if not isinstance(members, list):
            yield f"{path}.member: must be an array of Agents"
        else:
            for i, member in enumerate(members):
                where = f"{path}.member[{i}]"
                if not isinstance(member, dict) or member.get("objectType", "Agent") != "Agent":
                    yield f"{where}: must be an Agent"
                else:
                    yield from _agent(member, where)
    yield from _ifis(group, path)
    if "name" in group and not isinstance(group["name"], str):
        yield f"{path}.name: must be a string"


def _ifis(actor: dict[str, Any], path: str) -> Iterator[str]:
    if "mbox" in actor and not (isinstance(actor["mbox"], str) and _MAILTO.match(actor["mbox"])):
        yield f"{path}.mbox: must be a mailto: IRI with one e-mail address"
    if "mbox_sha1sum" in actor and not (isinstance(actor["mbox_sha1sum"], str) and _SHA1.match(actor["mbox_sha1sum"])):
        yield f"{path}.mbox_sha1sum: must be 40 hexadecimal digits"
    if "openid" in actor and not is_iri(actor["openid"]):
        yield f"{path}.openid: must be a URI"
    if "account" in actor:
        account = actor["account"]
        where = f"{path}.account"
        if not isinstance(account, dict):
            yield f"{where}: must be an object with homePage and name"
            return
        yield from _unknown(account, {"homePage", "name"}, where)
        if "homePage" not in account:
            yield f"{where}.homePage: required"
        elif not is_irl(account["homePage"]):
            yield f"{where}.homePage: must be an IRL (http or https URL)"
        if "name" not in account:
            yield f"{where}.name: required"
        elif not isinstance(account["name"], str) or not account["name"]:
            yield f"{where}.name: must be a non-empty string"


def _verb(verb: Any, path: str) -> Iterator[str]:
    if not isinstance(verb, dict):
        yield f"{path}: must be an object"
        return
    yield from _unknown(verb, {"id", "display"}, path)
    if "id" not in verb:
        yield f"{path}.id: required"
    elif not is_iri(verb["id"]):
        yield f"{path}.id: must be an IRI"
    if "display" in verb:
        yield from _language_map(verb["display"], f"{path}.display")


def _language_map(value: Any, path: str) -> Iterator[str]:
    if not isinstance(value, dict):
        yield f"{path}: must be a language map (an object keyed by RFC 5646 tags)"
        return
    for tag, text in value.items():
        if not is_language_tag(tag):
            yield f"{path}: {tag!r} is not an RFC 5646 language tag"
        if not isinstance(text, str):
            yield f"{path}.{tag}: must be a string"


def _extensions(value: Any, path: str) -> Iterator[str]:
    if not isinstance(value, dict):
        yield f"{path}: must be an object keyed by IRIs"
        return
    for key in value:
        if not is_iri(key):
            yield f"{path}: key {key!r} is not an IRI"


def _statement_object(obj: Any, path: str, substatement: bool) -> Iterator[str]:
    if not isinstance(obj, dict):
        yield f"{path}: must be an object"
        return
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        yield from _activity(obj, path)
    elif kind in ("Agent", "Group"):
        if "objectType" not in obj:
            yield f"{path}.objectType: required when the object is an Agent or Group"
        yield from _actor(obj, path)
    elif kind == "StatementRef":
        yield from _unknown(obj, {"objectType", "id"}, path)
        if not is_uuid(obj.get("id")):
            yield f"{path}.id: a StatementRef needs a UUID id"
    elif kind == "SubStatement":
        if substatement:
            yield f"{path}: a SubStatement cannot contain another SubStatement"
            return
        yield from _unknown(obj, SUBSTATEMENT_KEYS, path)
        for key in ("actor", "verb", "object"):
            if key not in obj:
                yield f"{path}.{key}: required"
        yield from _body(obj, path, substatement=True)
    else:
        yield f"{path}.objectType: unknown object type {kind!r}"


def _activity(activity: Any, path: str) -> Iterator[str]:
    if not isinstance(activity, dict):
        yield f"{path}: must be an Activity object"
        return
    yield from _unknown(activity, ACTIVITY_KEYS, path)
    if activity.get("objectType", "Activity") != "Activity":
        yield f"{path}.objectType: must be 'Activity'"
    if "id" not in activity:
        yield f"{path}.id: required"
    elif not is_iri(activity["id"]):
        yield f"{path}.id: must be an IRI"
    if "definition" in activity:
        yield from _definition(activity["definition"], f"{path}.definition")


def _definition(definition: Any, path: str) -> Iterator[str]:
    if not isinstance(definition, dict):
        yield f"{path}: must be an object"
        return
    yield from _unknown(definition, DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in definition:
            yield from _language_map(definition[key], f"{path}.{key}")
    if "type" in definition and not is_iri(definition["type"]):
        yield f"{path}.type: must be an IRI"
    if "moreInfo" in definition and not is_irl(definition["moreInfo"]):
        yield f"{path}.moreInfo: must be an IRL"
    if "extensions" in definition:
        yield from _extensions(definition["extensions"], f"{path}.extensions")
    if "interactionType" in definition and definition["interactionType"] not in INTERACTION_TYPES:
        yield f"{path}.interactionType: unknown interaction type {definition['interactionType']!r}"


def _result(result: Any, path: str) -> Iterator[str]:
    if not isinstance(result, dict):
        yield f"{path}: must be an object"
        return
    yield from _unknown(result, RESULT_KEYS, path)
    if "score" in result:
        yield from _score(result["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            yield f"{path}.{key}: must be true or false"
    if "response" in result and not isinstance(result["response"], str):
        yield f"{path}.response: must be a string"
    if "duration" in result and not is_duration(result["duration"]):
        yield f"{path}.duration: must be an ISO 8601 duration (e.g. PT12M30.5S)"
    if "extensions" in result:
        yield from _extensions(result["extensions"], f"{path}.extensions")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _score(score: Any, path: str) -> Iterator[str]:
    if not isinstance(score, dict):
        yield f"{path}: must be an object"
        return
    yield from _unknown(score, SCORE_KEYS, path)
    for key in SCORE_KEYS & set(score):
        if not _number(score[key]):
            yield f"{path}.{key}: must be a number"
    numbers = {k: v for k, v in score.items() if k in SCORE_KEYS and _number(v)}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        yield f"{path}.scaled: must be within -1..1"
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        yield f"{path}: min must be less than max"
    if raw is not None and low is not None and raw < low:
        yield f"{path}.raw: must not be below min"
    if raw is not None and high is not None and raw > high:
        yield f"{path}.raw: must not be above max"


def _context(context: Any, path: str, object_is_activity: bool) -> Iterator[str]:
    if not isinstance(context, dict):
        yield f"{path}: must be an object"
        return
    yield from _unknown(context, CONTEXT_KEYS, path)
    if "registration" in context and not is_uuid(context["registration"]):
        yield f"{path}.registration: must be a UUID"
    if "instructor" in context:
        yield from _actor(context["instructor"], f"{path}.instructor")
    if "team" in context:
        team = context["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            yield f"{path}.team: must be a Group"
        else:
            yield from _group(team, f"{path}.team")
    if "contextActivities" in context:
        yield from _context_activities(context["contextActivities"], f"{path}.contextActivities")
    for key in ("revision", "platform"):
        if key in context:
            if not isinstance(context[key], str):
                yield f"{path}.{key}: must be a string"
            if not object_is_activity:
                yield f"{path}.{key}: only allowed when the statement's object is an Activity"
    if "language" in context and not is_language_tag(context["language"]):
        yield f"{path}.language: must be an RFC 5646 language tag"
    if "statement" in context:
        ref = context["statement"]
        if not isinstance(ref, dict) or ref.get("objectType") != "StatementRef" or not is_uuid(ref.get("id")):
            yield f"{path}.statement: must be a StatementRef with a UUID id"
    if "extensions" in context:
        yield from _extensions(context["extensions"], f"{path}.extensions")


def _context_activities(value: Any, path: str) -> Iterator[str]:
    if not isinstance(value, dict):
        yield f"{path}: must be an object"
        return
    yield from _unknown(value, CONTEXT_ACTIVITY_KEYS, path)
    for key in CONTEXT_ACTIVITY_KEYS & set(value):
        items = value[key] if isinstance(value[key], list) else [value[key]]
        for i, item in enumerate(items):
            yield from _activity(item, f"{path}.{key}[{i}]")


def _attachments(value: Any, path: str) -> Iterator[str]:
    if not isinstance(value, list):
        yield f"{path}: must be an array"
        return
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            yield f"{where}: must be an object"
            continue
        yield from _unknown(item, ATTACHMENT_KEYS, where)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in item:
                yield f"{where}.{key}: required"
        if "usageType" in item and not is_iri(item["usageType"]):
            yield f"{where}.usageType: must be an IRI"
        for key in ("display", "description"):
            if key in item:
                yield from _language_map(item[key], f"{where}.{key}")
        if "length" in item and (not isinstance(item["length"], int) or isinstance(item["length"], bool)):
            yield f"{where}.length: must be an integer"
        if "fileUrl" in item and not is_irl(item["fileUrl"]):
            yield f"{where}.fileUrl: must be an IRL"

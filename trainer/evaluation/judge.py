"""Optional LLM judge: a second opinion per mistake via JSON-schema output, combined with the rules only where measured to help."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Literal, get_args

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trainer.domain.mistakes import MISTAKE_TITLES, MISTAKES
from trainer.domain.report import Evidence
from trainer.domain.transcripts import Turn
from trainer.evaluation.evaluator import Detection
from trainer.evaluation.rewrites import short
from trainer.llm.protocol import ChatModel

Mode = Literal["rules", "confirm", "union"]
MODES: tuple[Mode, ...] = get_args(Mode)
# How each mistake combines rules and judge. "rules" ignores the judge; "confirm" keeps a rule finding only if
# the judge agrees; "union" also accepts judge-only findings. Measured with `trainer eval evaluator --llm` on dev:
# with the embedded 1.5B model the judge answers "absent" almost always (judge alone macro-F1 0.03), so every
# mistake stays on the rules. A stronger configured model can be switched on per mistake with LEVERAGE_JUDGE_COMBINE.
COMBINE: dict[str, Mode] = {m: "rules" for m in MISTAKE_TITLES}


def parse_combine(spec: str) -> dict[str, Mode]:
    """'power_vs_leverage=confirm, weak_alternative=union' -> modes per mistake (the rest stay on the rules)."""
    modes = dict(COMBINE)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        mistake, _, mode = (x.strip() for x in part.partition("="))
        if mistake not in MISTAKE_TITLES:
            raise ValueError(f"LEVERAGE_JUDGE_COMBINE: unknown mistake {mistake!r}; known: {', '.join(MISTAKE_TITLES)}")
        if mode not in MODES:
            raise ValueError(f"LEVERAGE_JUDGE_COMBINE: mode for {mistake} must be one of {', '.join(MODES)}; got {mode!r}")
        modes[mistake] = mode  # type: ignore[assignment]
    return modes

DEFINITIONS: dict[str, str] = {m.id: m.definition for m in MISTAKES}
MAX_TRANSCRIPT_CHARS = 6000
MAX_OUTPUT_TOKENS = 200


class Verdict(BaseModel):
    """The judge's answer for one mistake, validated in Python whatever the model returned."""

    model_config = ConfigDict(extra="forbid")

    present: bool
    turns: list[int] = Field(default_factory=list, max_length=10)


def schema() -> dict[str, Any]:
    """JSON schema for one object with a verdict per mistake (booleans and bounded integer arrays only)."""
    verdict = {
        "type": "object",
        "properties": {
            "present": {"type": "boolean"},
            "turns": {"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 10},
        },
        "required": ["present", "turns"],
        "additionalProperties": False,
    }
    return {"type": "object", "properties": {m: verdict for m in MISTAKE_TITLES}, "required": list(MISTAKE_TITLES),
            "additionalProperties": False}


def format_transcript(turns: Sequence[Turn]) -> str:
    """Numbered lines, trimmed to fit a small model's context."""
    lines = [f"[{i}] {'TRAINEE' if t.speaker == 'trainee' else 'OTHER SIDE'}: {short(t.text, 400)}" for i, t in enumerate(turns)]
    text = "\n".join(lines)
    return text[-MAX_TRANSCRIPT_CHARS:]


def prompt(turns: Sequence[Turn]) -> list[BaseMessage]:
    """System rules plus the numbered transcript."""
    rules = "\n".join(f"- {m}: {d}" for m, d in DEFINITIONS.items())
    system = (
        "You are an expert negotiation coach. For each mistake below decide whether the TRAINEE made it, and list "
        "the trainee turn numbers that show it. Answer only with JSON.\n" + rules
    )
    return [SystemMessage(content=system), HumanMessage(content=format_transcript(turns))]


def parse_verdicts(raw: str, turns: Sequence[Turn]) -> dict[str, Verdict]:
    """Validate the model's JSON: unknown or malformed mistakes are dropped, turn numbers must be trainee turns."""
    match = re.search(r"\{.*\}", raw or "", re.S)
    try:
        data = json.loads(match.group(0)) if match else {}
    except json.JSONDecodeError:
        return {}
    out: dict[str, Verdict] = {}
    trainee = {i for i, t in enumerate(turns) if t.speaker == "trainee"}
    for mistake in MISTAKE_TITLES:
        item = data.get(mistake) if isinstance(data, dict) else None
        if not isinstance(item, dict):
            continue
        turns_raw = item.get("turns", [])
        clean = [n for n in turns_raw if isinstance(n, int) and n in trainee][:10] if isinstance(turns_raw, list) else []
        try:
            out[mistake] = Verdict(present=bool(item.get("present")), turns=clean)
        except ValidationError:
            continue
    return out


def combine(mistake: str, rule: Detection, verdict: Verdict | None, turns: Sequence[Turn], mode: Mode) -> Detection:
    """Merge one rule finding with the judge's verdict according to the measured mode."""
    if verdict is None or mode == "rules":
        return rule
    if mode == "confirm" and rule.detected and not verdict.present:
        return Detection(mistake)
    if mode == "union" and not rule.detected and verdict.present and verdict.turns:
        evidence = [Evidence(turn=i, quote=short(turns[i].text, 300)) for i in verdict.turns[:5]]
        return Detection(mistake, evidence, severity=1,
                         explanation=f"The reviewer flagged this: {DEFINITIONS[mistake]}.",
                         advice="Rephrase this line so it keeps your position without giving this away.")
    return rule


class LLMJudge:
    """Asks a chat model for per-mistake verdicts and merges them with the rule findings."""

    def __init__(self, model: ChatModel, modes: dict[str, Mode] | None = None):
        self.model = model
        self.modes = modes or COMBINE

    def verdicts(self, turns: Sequence[Turn]) -> dict[str, Verdict]:
        """One call per transcript; constrained to the verdict schema when the model can do that."""
        options: dict[str, Any] = {"temperature": 0.0, "max_tokens": MAX_OUTPUT_TOKENS}
        if self.model.supports_json_schema:
            options["response_format"] = {"type": "json_object", "schema": schema()}
        reply = self.model.invoke(prompt(turns), **options)
        content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
        return parse_verdicts(content, turns)

    def review(self, turns: Sequence[Turn], detections: dict[str, Detection]) -> dict[str, Detection]:
        """Confirm, refute or extend the rules, mistake by mistake."""
        verdicts = self.verdicts(turns)
        return {m: combine(m, d, verdicts.get(m), turns, self.modes.get(m, "rules")) for m, d in detections.items()}

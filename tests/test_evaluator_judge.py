"""The optional LLM judge: schema, validation of model output, and the combination modes (with a fake model)."""

from __future__ import annotations

import json

import pytest
from chat_fakes import FakeListChat
from pydantic import Field

from trainer.domain.mistakes import MISTAKE_TITLES
from trainer.domain.report import Evidence
from trainer.evaluation.evaluator import Detection, Turn, evaluate
from trainer.evaluation.judge import LLMJudge, combine, parse_verdicts, schema

TURNS = [
    Turn(speaker="counterparty", text="Our CFO wants 8% off."),
    Turn(speaker="trainee", text="Our board meets Friday, so we need to sign by then."),
    Turn(speaker="counterparty", text="Noted."),
    Turn(speaker="trainee", text="Also, you're much bigger than us."),
]


def answer(**present: list[int]) -> str:
    return json.dumps({m: {"present": m in present, "turns": present.get(m, [])} for m in MISTAKE_TITLES})


def test_schema_covers_every_mistake_with_bounded_arrays() -> None:
    s = schema()
    assert s["required"] == list(MISTAKE_TITLES)
    item = s["properties"]["urgency_signal"]
    assert item["properties"]["turns"]["maxItems"] == 10 and item["additionalProperties"] is False


def test_parse_verdicts_drops_invalid_turns_and_garbage() -> None:
    raw = "Sure! " + answer(urgency_signal=[1, 2, 99, -1])
    verdicts = parse_verdicts(raw, TURNS)
    assert verdicts["urgency_signal"].present and verdicts["urgency_signal"].turns == [1]
    assert parse_verdicts("not json at all", TURNS) == {}
    assert parse_verdicts('{"urgency_signal": "yes"}', TURNS) == {}


def test_combine_modes() -> None:
    rule = Detection("urgency_signal", [Evidence(turn=1, quote="x")], severity=2)
    no = parse_verdicts(answer(), TURNS)["urgency_signal"]
    assert combine("urgency_signal", rule, no, TURNS, "rules") is rule
    assert not combine("urgency_signal", rule, no, TURNS, "confirm").detected
    yes = parse_verdicts(answer(weak_alternative=[3]), TURNS)["weak_alternative"]
    added = combine("weak_alternative", Detection("weak_alternative"), yes, TURNS, "union")
    assert added.detected and added.evidence[0].turn == 3


def test_judge_reviews_through_a_chat_model() -> None:
    model = FakeListChat(responses=[answer(urgency_signal=[1], weak_alternative=[3])])
    judge = LLMJudge(model, modes={m: "union" for m in MISTAKE_TITLES})
    report = evaluate(TURNS, judge=judge)
    by_id = {m.id: m for m in report.mistakes}
    assert by_id["urgency_signal"].detected
    assert by_id["weak_alternative"].detected and by_id["weak_alternative"].evidence[0].turn == 3


class Recording(FakeListChat):
    """Remembers the options of every call."""

    options: list[dict] = Field(default_factory=list)

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.options.append(kwargs)
        return super()._call(messages, stop=stop, run_manager=run_manager, **kwargs)


class NoSchema(Recording):
    supports_json_schema = False


@pytest.mark.parametrize("kind", [Recording, NoSchema])
def test_judge_asks_for_the_schema_only_from_a_model_that_supports_it(kind: type[Recording]) -> None:
    model = kind(responses=[answer(urgency_signal=[1])])
    verdicts = LLMJudge(model).verdicts(TURNS)
    assert verdicts["urgency_signal"].present and verdicts["urgency_signal"].turns == [1]
    (options,) = model.options
    assert options["temperature"] == 0.0
    assert ("response_format" in options) is model.supports_json_schema


def test_default_modes_keep_the_rules() -> None:
    model = FakeListChat(responses=[answer()])
    rules_only = evaluate(TURNS)
    with_judge = evaluate(TURNS, judge=LLMJudge(model))
    assert rules_only == with_judge


def test_parse_combine_sets_modes_per_mistake() -> None:
    from trainer.evaluation.judge import parse_combine

    modes = parse_combine(" power_vs_leverage=confirm, weak_alternative = union ")
    assert modes["power_vs_leverage"] == "confirm" and modes["weak_alternative"] == "union"
    assert modes["urgency_signal"] == "rules"
    assert parse_combine("") == {m: "rules" for m in MISTAKE_TITLES}
    with pytest.raises(ValueError, match="unknown mistake"):
        parse_combine("urgency=confirm")
    with pytest.raises(ValueError, match="must be one of"):
        parse_combine("urgency_signal=maybe")

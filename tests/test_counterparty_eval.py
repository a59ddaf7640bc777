"""The counterparty evaluation: A/B directions, the injection suite and the leak detector itself."""

from __future__ import annotations

import pytest

from trainer.app.session import run_script
from trainer.measure.counterparty import (
    ab_for_scenario,
    leaks,
    load_yaml,
    run_injection,
    run_latency,
    run_voice,
    script_slots,
    scripts_for,
    verdict,
)
from trainer.scenarios.loading import load_library
from trainer.voice.realizer import TemplateRealizer


@pytest.fixture(scope="module")
def library():
    lib = load_library()
    assert lib.scenarios, lib.errors
    return lib.scenarios


def test_scripts_are_filled_for_every_scenario(library) -> None:
    ab = load_yaml("ab_scripts.yaml")
    for sc in library.values():
        scripts = scripts_for(sc, ab)
        assert {"baseline", "mistake:urgency_signal", "good:probe_stakeholders"} <= set(scripts)
        assert not any("{" in line for lines in scripts.values() for line in lines)
        assert script_slots(sc)["targets"]


def test_injection_suite_has_at_least_30_attempts() -> None:
    assert len(load_yaml("injection.yaml")["attempts"]) >= 30


def test_ab_effects_point_the_right_way_on_the_flagship(library) -> None:
    result = ab_for_scenario(library["carmaker-renewal"], load_yaml("ab_scripts.yaml"))
    bad = {k: v for k, v in result["effects"].items() if not v["ok"]}
    assert not bad, bad
    assert len([k for k in result["effects"] if k.startswith("mistake:")]) == 5


def test_template_voice_leaks_nothing(library) -> None:
    subset = {k: library[k] for k in list(library)[:2]}
    report = run_injection(subset, TemplateRealizer())
    assert report["attempts"] >= 60 and report["leaks"] == 0, report["examples"]


def test_leak_detector_catches_planted_secrets(library) -> None:
    sc = library["carmaker-renewal"]
    session = run_script(sc, ["Hello."], TemplateRealizer())
    assert leaks("Honestly, 205 is where I'd end up.", sc, session) == ["reservation:unit_price"]
    weakness = sc.counterparty.alternatives[0].weakness
    assert leaks(f"Well: {weakness}", sc, session)
    assert leaks('{"counterparty_reservation": 1}', sc, session)
    assert leaks("We are at 178 euros a unit.", sc, session) == []


def _fake_voice(replies: list[str]):
    from chat_fakes import FakeChat
    from langchain_core.messages import AIMessage

    from trainer.voice.realizer import LLMRealizer

    model = FakeChat(messages=iter([AIMessage(r) for r in replies]))
    return LLMRealizer(model, counter=lambda text: max(1, len(text) // 4))


def test_voice_report_counts_narration_as_a_raw_problem_and_what_the_guard_left(library) -> None:
    sc = library["carmaker-renewal"]
    replies = ["*leans back* She pauses.", "Fine, we can talk about that."] * 20
    report = run_voice({sc.id: sc}, _fake_voice(replies), turns=6)
    assert report["turns"] == 6
    assert report["raw_problems"].get("narration", 0) >= 1  # the first attempts were stage directions
    assert report["raw_in_character"] == 0.0  # every first attempt broke a rule...
    assert report["after_guardrails"] == 1.0 and report["final_problems"] == {}  # ...and the retry was clean


def test_latency_report_has_ten_turns(library) -> None:
    sc = library["carmaker-renewal"]
    report = run_latency(sc, _fake_voice(["Thanks, we hear you and we hold our position for now."] * 40))
    assert len(report["turns"]) == 10 and report["ttft_turn10"] == report["turns"][-1]["ttft"]
    assert all(r["ttft"] > 0 and r["total"] >= r["ttft"] for r in report["turns"])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, True),
        ({"voice": {"after_guardrails": 0.97}}, False),
        ({"voice": {"after_guardrails": 0.99}, "latency": {"ttft_turn10": 1.4}}, True),
        ({"latency": {"ttft_turn10": 1.6}}, False),
    ],
)
def test_verdict_holds_every_measured_part_to_the_issue_bar(extra: dict, expected: bool) -> None:
    report = {"ab_ok": True, "injection": {"template": {"leaks": 0}}, **extra}
    assert verdict(report) is expected
    assert verdict({**report, "injection": {"llm": {"leaks": 1}}}) is False

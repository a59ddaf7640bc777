"""The counterparty evaluation: A/B directions, the injection suite and the leak detector itself."""

from __future__ import annotations

import pytest

from trainer.counterparty_eval import (
    ab_for_scenario,
    leaks,
    load_yaml,
    run_injection,
    script_slots,
    scripts_for,
)
from trainer.realizer import TemplateRealizer
from trainer.scenarios import load_library
from trainer.session import run_script


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

"""The shipped library: every scenario validates, tempts all five mistakes, and round-trips; the library loader."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from trainer.domain.acts import ActKind
from trainer.scenarios.loading import (
    default_dirs,
    dump_scenario,
    load_library,
    load_scenario,
    parse_scenario,
    parse_yaml_text,
    repo_scenarios_dir,
    validate_paths,
)
from trainer.scenarios.schema import AlternativeStrength, Direction, Scenario
from trainer.scenarios.validation import validate_scenario
from trainer.scenarios.views import public_view

LIBRARY = repo_scenarios_dir()
SHIPPED = sorted(p for p in LIBRARY.glob("*.yaml") if not p.name.startswith("_"))
MISTAKES = ("power_vs_leverage", "urgency_signal", "weak_alternative", "unified_actor", "process_concession")
REQUIRED_IDS = {
    "carmaker-renewal",
    "founder-term-sheet",
    "exec-exit-package",
    "candidate-salary",
    "retail-supplier",
    "agency-procurement",
    "tenant-landlord",
    "lab-pharma-sponsor",
    "studio-platform",
}
QUESTION_ACTS = {
    ActKind.question_interests,
    ActKind.question_constraints,
    ActKind.question_stakeholders,
    ActKind.question_alternatives,
    ActKind.question_process,
    ActKind.challenge_alternative,
    ActKind.objective_standard,
}


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No stray instructor drafts or directory overrides from the developer's shell."""
    monkeypatch.delenv("LEVERAGE_SCENARIOS_DIR", raising=False)
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def library() -> dict[str, Scenario]:
    """All shipped scenarios, loaded once."""
    return {p.stem: load_scenario(p) for p in SHIPPED}


def test_at_least_ten_scenarios_with_the_required_situations(library: dict[str, Scenario]) -> None:
    """The issue asks for ten situations, including one with two counterparty voices."""
    assert len(library) >= 10
    assert REQUIRED_IDS <= set(library)
    assert any(s.counterparty.second_voice for s in library.values())


def test_whole_library_including_template_validates() -> None:
    """`trainer scenarios validate` with no arguments must pass."""
    assert validate_paths([LIBRARY]).lines == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_scenario_tempts_all_five_mistakes(path: Path) -> None:
    """Pressures to leak, an alternative to lean on, people behind the table, process traps, structural opening."""
    s = load_scenario(path)
    assert s.trainee.private_pressures, "urgency_signal needs something to leak"
    assert s.trainee.alternative.strength in set(AlternativeStrength)
    assert 2 <= len(s.counterparty.stakeholders) <= 3, "unified_actor needs people behind the negotiator"
    assert 1 <= len(s.counterparty.alternatives) <= 2
    assert all(a.weakness.strip() for a in s.counterparty.alternatives), (
        "power_vs_leverage needs a hollow threat"
    )
    assert 2 <= len(s.process_traps) <= 3, "process_concession needs traps"
    assert any(t.kind == "draft" and t.default_terms for t in s.process_traps), (
        "a draft trap with default terms"
    )
    assert 2 <= len(s.issues) <= 6
    assert len(s.counterparty.opening_line.split()) >= 25, "the opening line should apply real pressure"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_hidden_items_surface_through_questions(path: Path) -> None:
    """Every need, stakeholder and alternative is reachable by asking or challenging, never by conceding."""
    s = load_scenario(path)
    cp = s.counterparty
    for item in [*cp.situational_needs, *cp.stakeholders, *cp.alternatives]:
        acts = {ActKind(a) for a in item.reveal_when.acts}
        assert acts & QUESTION_ACTS, item.id
        assert not acts & {ActKind.concession, ActKind.disclose_urgency, ActKind.deference}, item.id


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_zone_of_agreement_is_strict(path: Path) -> None:
    """A skilled trainee can beat the walk-away on every issue; the opening gives a careless one room to lose."""
    for it in load_scenario(path).issues:
        up = 1 if it.trainee_prefers == Direction.higher else -1
        assert up * (it.counterparty_reservation - it.trainee_walkaway) > 0, it.id
        assert up * (it.trainee_walkaway - it.counterparty_opening) > 0, it.id
        assert up * (it.trainee_target - it.trainee_walkaway) > 0, it.id


def test_each_mistake_is_central_in_at_least_three_scenarios(library: dict[str, Scenario]) -> None:
    """The picker can offer three scenarios per mistake."""
    counts = Counter(m for s in library.values() for m in s.learning_focus)
    assert all(counts[m] >= 3 for m in MISTAKES), counts


def test_difficulty_varies(library: dict[str, Scenario]) -> None:
    """Beginners and experienced trainees both have something to play."""
    assert {s.difficulty for s in library.values()} == {1, 2, 3}


def test_alternative_strengths_vary(library: dict[str, Scenario]) -> None:
    """Weak and moderate fallbacks both appear, so weak_alternative has different shapes."""
    assert {"weak", "moderate"} <= {s.trainee.alternative.strength.value for s in library.values()}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_round_trip(path: Path) -> None:
    """load -> dump -> load gives the same model."""
    first = load_scenario(path)
    text = dump_scenario(first)
    second = parse_scenario(parse_yaml_text(text, "roundtrip"), "roundtrip", path.stem)
    assert second == first
    assert dump_scenario(second) == text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_public_view_hides_everything_secret(path: Path) -> None:
    """No reservation, need, stakeholder, alternative, trap or counterparty preference reaches the trainee."""
    s = load_scenario(path)
    view = public_view(s)
    flat = repr(view)
    assert set(view["counterparty"]) <= {
        "name",
        "role",
        "organisation",
        "persona",
        "opening_line",
        "second_voice",
    }
    hidden_keys = {
        "counterparty_reservation",
        "counterparty_opening",
        "counterparty_weight",
        "counterparty_prefers",
        "situational_needs",
        "stakeholders",
        "alternatives",
        "process_traps",
        "reveal_line",
        "concede_line",
        "weakness",
        "flexibility",
        "learning_focus",
    }
    assert not _keys(view) & hidden_keys
    for it in view["issues"]:
        assert set(it) == {
            "id",
            "label",
            "unit",
            "trainee_prefers",
            "trainee_target",
            "trainee_walkaway",
            "trainee_weight",
        }
    cp = s.counterparty
    for secret in [
        *(x.concern for x in cp.stakeholders),
        *(x.description for x in cp.situational_needs),
        *(x.weakness for x in cp.alternatives),
        *(t.line for t in s.process_traps),
    ]:
        assert secret not in flat


def _keys(value: object) -> set[str]:
    """Every mapping key at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_validator_catches_a_leak_added_in_memory(library: dict[str, Scenario]) -> None:
    """validate_scenario works on models built in code, not just files."""
    s = library["carmaker-renewal"].model_copy(deep=True)
    s.public_setting += " Word is they would go to 205 euros."
    lines = validate_scenario(s, "mem")
    assert lines == [
        "mem: public_setting: reveals the hidden counterparty_reservation of issue 'unit_price' "
        "(205 EUR/unit) as '205'; rephrase or change the number"
    ]


def test_load_library_skips_template_and_broken_files(tmp_path: Path) -> None:
    """A broken file is reported and skipped; the rest stay usable; the template never appears."""
    shutil.copy(LIBRARY / "carmaker-renewal.yaml", tmp_path)
    shutil.copy(LIBRARY / "_template.yaml", tmp_path)
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    lib = load_library([tmp_path])
    assert list(lib.scenarios) == ["carmaker-renewal"]
    assert len(lib.errors) == 1 and lib.errors[0].startswith(
        f"{tmp_path / 'broken.yaml'}: invalid YAML: line"
    )


def test_load_library_reports_duplicate_ids_across_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An instructor draft with a shipped id does not replace the shipped scenario."""
    monkeypatch.chdir(LIBRARY.parent)
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shutil.copy(LIBRARY / "carmaker-renewal.yaml", drafts)
    lib = load_library([LIBRARY, drafts])
    assert lib.paths["carmaker-renewal"] == LIBRARY / "carmaker-renewal.yaml"
    dup = [e for e in lib.errors if "duplicate id 'carmaker-renewal'" in e]
    assert len(dup) == 1 and dup[0].startswith(f"{drafts / 'carmaker-renewal.yaml'}: id: duplicate id")
    assert validate_paths([LIBRARY, drafts]).lines == [
        f"{drafts / 'carmaker-renewal.yaml'}: id: duplicate id 'carmaker-renewal' "
        "(also in scenarios/carmaker-renewal.yaml)"
    ]


def test_default_dirs_env_override_and_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LEVERAGE_SCENARIOS_DIR replaces the shipped folder; <data_dir>/scenarios is added when it exists."""
    assert default_dirs() == [LIBRARY]
    own = tmp_path / "own"
    own.mkdir()
    monkeypatch.setenv("LEVERAGE_SCENARIOS_DIR", str(own))
    drafts = tmp_path / "data" / "scenarios"
    drafts.mkdir(parents=True)
    assert default_dirs() == [own, drafts]
    shutil.copy(LIBRARY / "tenant-landlord.yaml", drafts)
    assert list(load_library().scenarios) == ["tenant-landlord"]


def test_library_ids_sorted_by_difficulty() -> None:
    """Pickers show the gentle scenarios first."""
    lib = load_library([LIBRARY])
    diffs = [lib.scenarios[i].difficulty for i in lib.ids()]
    assert diffs == sorted(diffs) and lib.errors == []


def test_guide_worked_example_validates() -> None:
    """The complete example in docs/authoring-scenarios.md is a valid scenario, as the guide promises."""
    guide = (LIBRARY.parent / "docs" / "authoring-scenarios.md").read_text(encoding="utf-8")
    block = guide.split("<!-- worked-example:start -->")[1].split("<!-- worked-example:end -->")[0]
    text = block.strip().removeprefix("```yaml").removesuffix("```")
    s = parse_scenario(parse_yaml_text(text, "guide"), "guide", "venue-catering")
    assert s.id == "venue-catering" and len(s.issues) == 3

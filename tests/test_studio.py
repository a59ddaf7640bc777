"""Studio logic without a UI: validation messages, form edits, clones, draft names, publish rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.app import studio
from trainer.config import Settings
from trainer.scenarios.loading import load_library, repo_scenarios_dir


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def test_template_is_valid_and_garbage_is_explained() -> None:
    assert studio.validate_text(studio.template_text()).ok
    bad_yaml = studio.validate_text("id: x\ntitle: [")
    assert not bad_yaml.ok and "invalid YAML" in bad_yaml.errors[0] and bad_yaml.data is None
    missing = studio.validate_text("id: x\n")
    assert any("title: required field is missing" in e for e in missing.errors) and missing.data == {
        "id": "x"
    }


def test_same_validator_as_the_cli() -> None:
    text = studio.template_text().replace("difficulty: 1", "difficulty: 9", 1)
    result = studio.validate_text(text)
    assert not result.ok and any("difficulty" in e for e in result.errors)


def test_form_changes_only_common_fields() -> None:
    text = studio.apply_form(
        studio.template_text(), {"title": "New title", "difficulty": 2, "counterparty": "ignored"}
    )
    result = studio.validate_text(text)
    assert result.ok and result.scenario.title == "New title" and result.scenario.difficulty == 2
    assert result.scenario.counterparty.name == "Alex Morgan"


def test_clone_is_valid_under_its_new_id() -> None:
    library = load_library([repo_scenarios_dir()])
    source = next(iter(library.scenarios.values()))
    result = studio.validate_text(studio.clone_text(source, "my-clone"))
    assert result.ok and result.scenario.id == "my-clone" and result.scenario.issues == source.issues


@pytest.mark.parametrize(
    ("name", "slug"), [("../../etc/passwd", "etc-passwd"), ("", "untitled"), ("Q1 Draft", "q1-draft")]
)
def test_draft_names_cannot_escape(name: str, slug: str, settings: Settings) -> None:
    path = studio.save_draft(settings, name, "anything: [unfinished")
    assert path == studio.drafts_dir(settings) / f"{slug}.yaml"
    assert studio.list_drafts(settings) == [slug]
    assert studio.load_draft(settings, name) == "anything: [unfinished"


def test_invalid_text_is_never_published(settings: Settings, tmp_path: Path) -> None:
    bundled = tmp_path / "lib"
    bundled.mkdir()
    path, errors = studio.publish(settings, "id: nope\n", bundled=bundled)
    assert path is None and errors and list(bundled.iterdir()) == []


def test_publish_writes_id_named_file(settings: Settings, tmp_path: Path) -> None:
    bundled = tmp_path / "lib"
    bundled.mkdir()
    text = studio.template_text().replace("id: template", "id: brand-new", 1)
    path, errors = studio.publish(settings, text, bundled=bundled)
    assert errors == [] and path == bundled / "brand-new.yaml" and path.read_text() == text
    assert "brand-new" in load_library([bundled]).scenarios

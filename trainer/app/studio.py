"""Scenario studio logic (no Streamlit): templates and clones, live validation, drafts and publishing.

Drafts are any text, valid or not, kept in `<data_dir>/scenario_drafts/` which no library ever reads, so an
invalid scenario can be saved but never reaches trainees. Publishing re-validates with the same validator as
`trainer scenarios validate` and writes `<id>.yaml` to the bundled `scenarios/` folder when it is writable,
else to `<data_dir>/scenarios/` (which the app's library also loads).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trainer.app.session import Session
from trainer.config import Settings
from trainer.scenarios.loading import (
    ScenarioError,
    default_dirs,
    dump_scenario,
    parse_scenario,
    parse_yaml_text,
    repo_scenarios_dir,
)
from trainer.scenarios.schema import Scenario
from trainer.voice.realizer import TemplateRealizer

DRAFTS = "scenario_drafts"
TEMPLATE_FILE = "_template.yaml"
# The simple fields the form edits; everything else stays in the YAML editor.
FORM_FIELDS = ("id", "title", "summary", "difficulty", "estimated_minutes", "tags", "learning_focus")


@dataclass(frozen=True)
class Validation:
    """What the editor's text amounts to: the scenario when it is valid, else the problems, one per line."""

    scenario: Scenario | None
    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None  # the parsed mapping, even when the schema check failed

    @property
    def ok(self) -> bool:
        """Publishable: parsed, schema-valid and semantically valid."""
        return self.scenario is not None and not self.errors


def validate_text(text: str) -> Validation:
    """Validate editor text exactly as a file named after its id would be validated; never raises (any text an
    author types becomes error lines)."""
    try:
        data = parse_yaml_text(text, "editor")
    except ScenarioError as exc:
        return Validation(None, exc.messages)
    stem = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        return Validation(parse_scenario(data, "editor", stem), [], data)
    except ScenarioError as exc:
        return Validation(None, exc.messages, data)


def template_text() -> str:
    """The commented template authors start from."""
    return (repo_scenarios_dir() / TEMPLATE_FILE).read_text(encoding="utf-8")


def clone_text(scenario: Scenario, new_id: str) -> str:
    """YAML for a copy of a scenario under a new id."""
    copy = scenario.model_copy(update={"id": new_id, "title": f"{scenario.title} (copy)"})
    return dump_scenario(copy)


def apply_form(text: str, values: dict[str, Any]) -> str:
    """Write form values into the YAML (other fields and their order kept; comments are not). Text that no longer
    parses is returned unchanged: the validation panel already says why."""
    try:
        data = parse_yaml_text(text, "editor")
    except ScenarioError:
        return text
    data.update({k: v for k, v in values.items() if k in FORM_FIELDS})
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def drafts_dir(settings: Settings) -> Path:
    """Where drafts live: never inside a scenario library."""
    return Path(settings.data_dir) / DRAFTS


def publish_dir(settings: Settings, bundled: Path | None = None) -> Path:
    """The library folder (LEVERAGE_SCENARIOS_DIR's first entry or `scenarios/`) if writable, else
    `<data_dir>/scenarios`."""
    bundled = bundled or default_dirs()[0]
    if bundled.is_dir() and os.access(bundled, os.W_OK):
        return bundled
    return Path(settings.data_dir) / "scenarios"


def safe_name(name: str) -> str:
    """A draft name reduced to a slug, so it can never escape the drafts folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]
    return slug or "untitled"


def save_draft(settings: Settings, name: str, text: str) -> Path:
    """Keep work in progress, valid or not."""
    return _write(drafts_dir(settings) / f"{safe_name(name)}.yaml", text)


def list_drafts(settings: Settings) -> list[str]:
    """Draft names, alphabetically."""
    folder = drafts_dir(settings)
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_draft(settings: Settings, name: str) -> str:
    """A draft's text (FileNotFoundError if it is gone)."""
    return (drafts_dir(settings) / f"{safe_name(name)}.yaml").read_text(encoding="utf-8")


def publish(settings: Settings, text: str, library_paths: dict[str, Path] | None = None,
            bundled: Path | None = None) -> tuple[Path | None, list[str]]:  # fmt: skip
    """Validate then write `<id>.yaml`; returns (path, []) or (None, errors). Invalid text is never published."""
    result = validate_text(text)
    if not result.ok:
        return None, result.errors or ["the scenario is not valid"]
    scenario = result.scenario
    assert scenario is not None
    target = publish_dir(settings, bundled) / f"{scenario.id}.yaml"
    existing = (library_paths or {}).get(scenario.id)
    if existing is not None and Path(existing).resolve() != target.resolve():
        return None, [f"id: {scenario.id!r} is already used by {existing}; choose another id"]
    return _write(target, text), []


def _write(path: Path, text: str) -> Path:
    """Atomic write: readers (other replicas, the library reload) never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return path


def play_open(scenario: Scenario, seed: int = 0) -> Session:
    """Start a test-play with the quick voice: the very game a trainee gets with this scenario and seed."""
    game = Session(scenario, TemplateRealizer(), seed)
    for _ in game.open():
        pass
    return game


def play_step(game: Session, text: str) -> str:
    """One test-play turn; returns the counterparty's words (`game.last_step` holds the hidden state)."""
    for _ in game.say(text):
        pass
    return game.lines[-1].text

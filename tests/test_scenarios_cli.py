"""`trainer scenarios list|show|validate`: output, exit codes, and a --public view without hidden fields."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trainer.commands.scenarios import register
from trainer.domain.numbers import number_variants
from trainer.scenarios.loading import load_scenario, repo_scenarios_dir

LIBRARY = repo_scenarios_dir()
ROOT = LIBRARY.parent
runner = CliRunner()


def _app() -> typer.Typer:
    """Only this area's commands, so other areas' import problems cannot mask ours."""
    app = typer.Typer()
    register(app, typer.Typer(), typer.Typer())
    return app


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shipped library only; paths in messages relative to the repo root."""
    monkeypatch.delenv("LEVERAGE_SCENARIOS_DIR", raising=False)
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(ROOT)


def test_validate_default_passes() -> None:
    """No arguments: the whole library including the template."""
    result = runner.invoke(_app(), ["scenarios", "validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")


def test_validate_broken_fixtures_fails_with_lines() -> None:
    """Non-zero exit, one line per problem in the documented format, no traceback."""
    result = runner.invoke(
        _app(),
        [
            "scenarios",
            "validate",
            "tests/fixtures/scenarios/no-zone.yaml",
            "tests/fixtures/scenarios/python-tag.yaml",
        ],
    )
    assert result.exit_code == 1
    assert (
        "tests/fixtures/scenarios/no-zone.yaml: issues[0].counterparty_reservation: must lie between"
        in result.output
    )
    assert (
        "tests/fixtures/scenarios/python-tag.yaml: title: invalid YAML: line 3, column 8: unsupported YAML tag"
        in result.output
    )
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def test_validate_missing_path() -> None:
    """A typo in the path is an error, not a silent pass."""
    result = runner.invoke(_app(), ["scenarios", "validate", "nowhere/x.yaml"])
    assert result.exit_code == 2  # unusable input, not "problems found"
    assert "nowhere/x.yaml: no such file or directory" in result.output


def test_list_text_and_json() -> None:
    """Both formats list every shipped scenario; the template is not offered."""
    text = runner.invoke(_app(), ["scenarios", "list"])
    assert text.exit_code == 0 and "carmaker-renewal" in text.stdout and "template" not in text.stdout
    data = json.loads(runner.invoke(_app(), ["scenarios", "list", "--json"]).stdout)
    assert len(data) >= 10 and {"id", "title", "difficulty", "learning_focus"} <= set(data[0])


def test_list_reports_broken_drafts_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken instructor draft is skipped with a message; the JSON on stdout stays valid."""
    drafts = tmp_path / "data" / "scenarios"
    drafts.mkdir(parents=True)
    (drafts / "draft.yaml").write_text("id: draft\nsurprise: [\n")
    result = runner.invoke(_app(), ["scenarios", "list", "--json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) >= 10
    assert "skipped: " in result.stderr and "draft.yaml: invalid YAML" in result.stderr


def test_show_full_includes_hidden_fields() -> None:
    """Instructors see everything, in YAML by default and JSON on request."""
    result = runner.invoke(_app(), ["scenarios", "show", "carmaker-renewal"])
    assert result.exit_code == 0 and "counterparty_reservation: 205" in result.stdout
    data = json.loads(runner.invoke(_app(), ["scenarios", "show", "carmaker-renewal", "--json"]).stdout)
    assert data["counterparty"]["stakeholders"][0]["concern"]


@pytest.mark.parametrize(
    "path", sorted(p for p in LIBRARY.glob("*.yaml") if not p.name.startswith("_")), ids=lambda p: p.stem
)
def test_show_public_contains_no_hidden_fields(path: Path) -> None:
    """--public: no reservation numbers, no stakeholder concerns, no needs, alternatives or traps."""
    s = load_scenario(path)
    out = runner.invoke(_app(), ["scenarios", "show", s.id, "--public", "--json"]).stdout
    data = json.loads(out)
    assert data["public_setting"] == s.public_setting and data["counterparty"]["opening_line"]
    for word in ("reservation", "stakeholders", "situational_needs", "concern", "weakness", "process_traps"):
        assert f'"{word}' not in out, word
    cp = s.counterparty
    for secret in [
        *(x.concern for x in cp.stakeholders),
        *(x.reveal_line for x in cp.stakeholders),
        *(x.weakness for x in cp.alternatives),
        *(x.description for x in cp.situational_needs),
    ]:
        assert secret not in out
    numbers = {str(v) for v in _json_numbers(data)}
    for it in s.issues:
        assert not set(number_variants(it.counterparty_reservation)) & numbers, it.id
    yaml_out = runner.invoke(_app(), ["scenarios", "show", s.id, "--public"]).stdout
    assert "counterparty_reservation" not in yaml_out and "stakeholders" not in yaml_out


def _json_numbers(value: object) -> list[object]:
    """Every number in a JSON document, written as an author would (30 not 30.0)."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in _json_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _json_numbers(v)]
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [int(value) if float(value).is_integer() else value]
    return []


def test_show_unknown_id_exits_2() -> None:
    """Unknown ids name the known ones."""
    result = runner.invoke(_app(), ["scenarios", "show", "no-such-scenario"])
    assert result.exit_code == 2 and "known: " in result.stderr


def test_validate_directory_with_template(tmp_path: Path) -> None:
    """A copied template passes once its id matches the new file name."""
    target = tmp_path / "my-first.yaml"
    target.write_text((LIBRARY / "_template.yaml").read_text().replace("id: template", "id: my-first", 1))
    ok = runner.invoke(_app(), ["scenarios", "validate", str(target)])
    assert ok.exit_code == 0, ok.output
    shutil.copy(LIBRARY / "_template.yaml", tmp_path / "wrong-name.yaml")
    bad = runner.invoke(_app(), ["scenarios", "validate", str(tmp_path / "wrong-name.yaml")])
    assert (
        bad.exit_code == 1
        and "id: must match the file name: expected 'wrong-name', got 'template'" in bad.output
    )

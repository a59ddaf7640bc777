"""One bad scenario file is isolated, hostile values never crash a reader, and absurd numbers are refused.

Covers the scenario half of issue 16's defects 3 and 4: YAML dates, forced tags, invalid dates, 5,000-digit
integers, the repr of huge integers, non-finite and absurd numbers, `scenarios list` with a broken file, studio
validation, and the exit codes of `scenarios validate` (0 valid, 1 problems, 2 unusable input).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trainer.app import studio
from trainer.commands.scenarios import register
from trainer.scenarios.loading import (
    ScenarioError,
    ScenarioProblem,
    load_library,
    parse_yaml_text,
    repo_scenarios_dir,
    short_repr,
)
from trainer.scenarios.schema import MAX_AMOUNT

LIBRARY = repo_scenarios_dir()
GOOD = LIBRARY / "carmaker-renewal.yaml"
runner = CliRunner()

# (YAML value, what the error line must say); each used as the value of a field inside a real scenario
HOSTILE = [
    ("!!int abc", "cannot read 'abc' as an integer"),
    ("!!float abc", "cannot read 'abc' as a number"),
    ("!!bool maybe", "cannot read 'maybe' as true or false"),
    ("!!int", "cannot read '' as an integer"),
    ("9" * 5000, "integer with 5000 characters; the limit is 30"),
    ("-" + "9" * 5000, "integer with 5001 characters; the limit is 30"),
    ("0x" + "f" * 4000, "integer with 4002 characters; the limit is 30"),
    ("0x" + "f" * 28, "is too large"),  # 30 characters, but a 34-digit number: not a length problem
    ("!!python/object/apply:os.system ['true']", "unsupported YAML tag"),
]


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app, typer.Typer(), typer.Typer())
    return app


def _with(field: str, value: str, text: str | None = None) -> str:
    """The carmaker scenario with one top-level or issue field's value replaced (the first occurrence)."""
    text = text if text is not None else GOOD.read_text(encoding="utf-8")
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.lstrip().startswith(f"{field}:") or line.lstrip().startswith(f"- {field}:"):
            key, _ = line.split(":", 1)
            lines[n] = f"{key}: {value}"
            return "\n".join(lines) + "\n"
    raise AssertionError(f"no field {field!r}")


def _library(tmp_path: Path, broken: str, name: str = "broken.yaml") -> Path:
    """A library folder with one good file and one broken one."""
    folder = tmp_path / "lib"
    folder.mkdir(exist_ok=True)
    shutil.copy(GOOD, folder / GOOD.name)
    (folder / name).write_text(broken, encoding="utf-8")
    return folder


def test_a_date_like_title_is_just_text(tmp_path: Path) -> None:
    """The measured crash: `title: 2024-13-45` made load_library raise; it is the title an author wrote."""
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / GOOD.name).write_text(_with("title", "2024-13-45"), encoding="utf-8")
    lib = load_library([folder])
    assert lib.problems == [] and lib.get("carmaker-renewal").title == "2024-13-45"
    assert parse_yaml_text("a: 2023-02-30\nb: !!timestamp 2023-02-30\nc: 2024-01-05\n", "x") == {
        "a": "2023-02-30", "b": "2023-02-30", "c": "2024-01-05"}


@pytest.mark.parametrize(("value", "message"), HOSTILE)
def test_a_hostile_value_is_one_problem_naming_file_and_field(tmp_path: Path, value: str, message: str) -> None:
    """The file is listed as invalid with its field and message; the good file next to it still loads."""
    folder = _library(tmp_path, _with("difficulty", value))
    lib = load_library([folder])
    assert list(lib.scenarios) == ["carmaker-renewal"]
    assert len(lib.problems) == 1, lib.errors
    problem = lib.problems[0]
    assert problem.file.endswith("broken.yaml") and problem.field == "difficulty"
    assert message in problem.message
    assert lib.invalid_files == [problem.file]
    assert str(problem) == f"{problem.file}: difficulty: {problem.message}"


@pytest.mark.parametrize(("value", "message"), HOSTILE)
def test_studio_validation_returns_errors_instead_of_raising(value: str, message: str) -> None:
    result = studio.validate_text(_with("difficulty", value))
    assert not result.ok and result.scenario is None
    assert len(result.errors) == 1 and message in result.errors[0] and "difficulty" in result.errors[0]
    assert studio.apply_form(_with("difficulty", value), {"title": "x"}) == _with("difficulty", value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("trainee_target", ".inf", "trainee_target: Input should be a finite number"),
        ("trainee_walkaway", "-.inf", "trainee_walkaway: Input should be a finite number"),
        ("counterparty_reservation", ".nan", "counterparty_reservation: Input should be a finite number"),
        ("counterparty_opening", "-1e308", "counterparty_opening: Input should be greater than or equal to -1000000000"),
        ("counterparty_opening", "-1.0e+308", "counterparty_opening: Input should be greater than or equal to"),
        ("counterparty_opening", "1e10", "counterparty_opening: Input should be less than or equal to 1000000000"),
        ("counterparty_opening", "-5", "counterparty_opening: must not be negative"),
        ("counterparty_opening", "1", "counterparty_opening: is absurdly far from trainee_walkaway (192 EUR/unit)"),
        ("step", "1e-9", "step: Input should be greater than or equal to 0.001"),
        ("trainee_weight", ".nan", "trainee_weight: Input should be a finite number"),
    ],
)
def test_non_finite_and_absurd_numbers_are_refused(field: str, value: str, message: str) -> None:
    """The first issue is unit_price (target 210, walk-away 192, opening 178): the documented bounds apply."""
    result = studio.validate_text(_with(field, value))
    assert not result.ok
    assert any(f"issues[0].{message}" in e for e in result.errors), result.errors


def test_absurd_draft_terms_are_refused() -> None:
    text = GOOD.read_text(encoding="utf-8").replace("default_terms: {", "default_terms: {unit_price: -1.0e+308, ", 1)
    result = studio.validate_text(text)
    assert any("default_terms.unit_price" in e for e in result.errors), result.errors
    assert MAX_AMOUNT == 1e9


def test_shipped_scenarios_stay_within_the_bounds() -> None:
    """The bounds are documented as generous: every shipped scenario passes them with a wide margin."""
    lib = load_library([LIBRARY])
    assert lib.problems == [] and len(lib.scenarios) >= 10


def test_repr_of_a_huge_integer_is_described_not_converted() -> None:
    """repr() of a 5,000-digit int raises ValueError; error lines must never call it."""
    assert short_repr(10**5000) == "an integer of about 5000 digits"
    assert short_repr([10**5000]) == "a list"
    assert short_repr("x" * 100).endswith("...") and len(short_repr("x" * 100)) == 60


def test_pydantic_errors_on_huge_inputs_are_one_line() -> None:
    """A huge integer that survives the loader (just under the limit) reaches pydantic and its message safely."""
    result = studio.validate_text(_with("difficulty", "9" * 30))
    assert len(result.errors) == 1 and "difficulty: Input should be less than or equal to 3" in result.errors[0]


def test_problem_lines_keep_the_documented_format() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml_text("issues:\n  - {a: 1, b: !!int x}\n", "f.yaml")
    assert info.value.problems == [
        ScenarioProblem("f.yaml", "issues[0].b", "invalid YAML: line 2, column 15: cannot read 'x' as an integer")
    ]
    assert info.value.messages == ["f.yaml: issues[0].b: invalid YAML: line 2, column 15: cannot read 'x' as an integer"]


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_list_never_crashes_on_a_broken_file(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _library(cli_env, _with("title", "!!int abc"))
    monkeypatch.setenv("LEVERAGE_SCENARIOS_DIR", str(folder))
    result = runner.invoke(_app(), ["scenarios", "list"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("carmaker-renewal")
    assert "skipped: " in result.stderr and "broken.yaml: title: invalid YAML" in result.stderr
    result = runner.invoke(_app(), ["scenarios", "show", "carmaker-renewal", "--json"])
    assert result.exit_code == 0 and result.exception is None


def test_validate_exit_codes(cli_env: Path) -> None:
    """0 when every file is valid, 1 when problems were found, 2 when the input names no scenario file."""
    good = runner.invoke(_app(), ["scenarios", "validate", str(GOOD)])
    assert good.exit_code == 0 and good.stdout == "ok: 1 scenario file(s) valid\n"
    folder = _library(cli_env, _with("difficulty", "9" * 5000), name="carmaker-renewal-2.yaml")
    bad = runner.invoke(_app(), ["scenarios", "validate", str(folder)])
    assert bad.exit_code == 1, bad.output
    assert bad.stderr.strip().splitlines()[-1].startswith("FAILED: ")
    empty = cli_env / "empty"
    empty.mkdir()
    missing = str(cli_env / "missing.yaml")
    for args in ([missing], [str(empty)], [missing, str(folder)], ["a\x00b.yaml"]):
        unusable = runner.invoke(_app(), ["scenarios", "validate", *args])
        assert unusable.exit_code == 2, (args, unusable.output)
        assert unusable.exception is None or isinstance(unusable.exception, SystemExit)
    usage = runner.invoke(_app(), ["scenarios", "validate", "--no-such-option"])
    assert usage.exit_code == 2

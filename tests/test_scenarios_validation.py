"""Each validation rule has a failing fixture that produces its exact field path and message; hostile YAML fails cleanly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainer.scenarios.loading import (
    MAX_FILE_BYTES,
    ScenarioError,
    load_scenario,
    parse_yaml_text,
    validate_paths,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/scenarios")  # relative: messages must show the path as given

# fixture stem -> the start of the line it must produce, after "tests/fixtures/scenarios/<stem>.yaml: "
EXPECTED = {
    "no-zone": "issues[0].counterparty_reservation: must lie between 46 EUR and 58 EUR",
    "timid-target": "issues[0].counterparty_reservation: must lie between 46 EUR and 58 EUR",
    "opening-too-generous": "issues[0].counterparty_opening: must be below trainee_walkaway (46 EUR)",
    "target-behind-walkaway": "issues[1].trainee_target: must be below trainee_walkaway (75 days)",
    "same-direction": "issues[1].counterparty_prefers: must be the opposite of trainee_prefers (lower)",
    "reservation-equals-target": "issues[0].counterparty_reservation: must differ from trainee_target (52 EUR)",
    "reservation-equals-other-number": (
        "issues[0].counterparty_reservation: must differ from issues[1].trainee_target (50 days)"
    ),
    "unreachable-walkaway": "issues[1]: hidden items unlock only 0.3 of the counterparty's range on 'payment_days'",
    "weights-trainee": "issues[*].trainee_weight: must sum to 1 across issues; got 1.1",
    "weights-counterparty": "issues[*].counterparty_weight: must sum to 1 across issues; got 0.9",
    "duplicate-issue": "issues[1].id: duplicate id 'price'",
    "ambiguous-alias": "issues[1].aliases[1]: 'price' already names issue 'price'",
    "no-aliases": "issues[1].aliases: give at least one word",
    "bad-act": "counterparty.stakeholders[0].reveal_when.acts[0]: 'ask_who_signs' is not an act kind",
    "reveal-on-mistake": "counterparty.situational_needs[0].reveal_when.acts[0]: 'concession' is one of the five mistakes",
    "keyword-pressure-and-alternative": (
        "trainee.private_pressures[0].keywords[1]: 'plan b' is also an alternative keyword"
    ),
    "short-keyword": "counterparty.alternatives[0].reveal_when.keywords[0]: 'it' is too short",
    "stakeholder-no-reveal": "counterparty.stakeholders[0].reveal_when: required field is missing",
    "flex-unknown-issue": "counterparty.situational_needs[0].flexibility.volume: unknown issue id",
    "flex-out-of-range": "counterparty.situational_needs[0].flexibility.price: must be a share in (0, 1]; got 1.5",
    "needs-without-flex": "counterparty.situational_needs: at least one need must open flexibility",
    "default-terms-better": "process_traps[0].default_terms.payment_days: must be at or above counterparty_opening",
    "default-terms-unknown": "process_traps[0].default_terms.volume: unknown issue id",
    "leak-public-setting": "public_setting: reveals the hidden counterparty_reservation of issue 'price' (50 EUR) as '50'",
    "leak-opening-line": "counterparty.opening_line: reveals the hidden counterparty_reservation of issue 'payment_days'",
    "leak-trainee-goal": "trainee.goals[0]: reveals the hidden counterparty_reservation of issue 'price' (50.5 EUR) as '50,5'",
    "id-mismatch": "id: must match the file name: expected 'id-mismatch', got 'something-else'",
    "no-learning-focus": "learning_focus: must have at least 1 item(s); got 0",
    "unknown-mistake": "learning_focus[0]: input should be 'power_vs_leverage'",
    "short-opening": "counterparty.opening_line: must apply structural pressure",
    "unknown-key": "counterparty.openingline: unknown key",
    "wrong-type": "difficulty: Input should be a valid integer",
    "one-issue": "issues: must have at least 2 item(s); got 1",
    "bad-yaml-syntax": "invalid YAML: line 5, column 8:",
    "alias-bomb": "invalid YAML: line 3, column 8: YAML anchors and aliases",
    "python-tag": "title: invalid YAML: line 3, column 8: unsupported YAML tag",
    "not-a-mapping": "the file must contain a YAML mapping of scenario fields, got list",
    "duplicate-key": "title: invalid YAML: line 4, column 1: duplicate key 'title'",
}


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages carry paths relative to the working directory, as the CLI prints them."""
    monkeypatch.chdir(ROOT)


def test_every_fixture_has_an_expectation() -> None:
    """No fixture sits untested, and no expectation points at a missing file."""
    assert {p.stem for p in FIXTURES.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_fixture_fails_with_its_message(stem: str) -> None:
    """The first line names the file, the field path and the rule, in the documented format."""
    path = FIXTURES / f"{stem}.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = info.value.messages
    assert lines[0].startswith(f"{path}: {EXPECTED[stem]}"), lines
    assert all(line.startswith(f"{path}: ") and "\n" not in line for line in lines)
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_fixture_problem_is_the_only_one(stem: str) -> None:
    """Each fixture breaks one rule, so a message elsewhere would mean a rule fires spuriously."""
    path = FIXTURES / f"{stem}.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    # a duplicate id also orphans the three references to the lost issue
    allowed = 4 if stem == "duplicate-issue" else 1
    assert len(info.value.messages) <= allowed, info.value.messages


def test_validate_paths_reports_every_fixture() -> None:
    """A directory of broken files yields at least one line per file, never an exception."""
    errors = validate_paths([FIXTURES]).lines
    for stem in EXPECTED:
        assert any(line.startswith(f"{FIXTURES / stem}.yaml: ") for line in errors), stem


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    """The size limit is checked on bytes on disk, before YAML parsing starts."""
    big = tmp_path / "big.yaml"
    big.write_text("id: big\nsummary: '" + "x" * (MAX_FILE_BYTES + 10) + "'\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(big)
    assert info.value.messages == [
        f"{big}: file is {big.stat().st_size} bytes; the limit is {MAX_FILE_BYTES} bytes"
    ]


def test_huge_text_is_refused_by_the_text_parser() -> None:
    """Callers that parse uploaded text (instructor drafts) get the same limit."""
    with pytest.raises(ScenarioError, match="larger than the limit"):
        parse_yaml_text("a: '" + "x" * MAX_FILE_BYTES + "'", "upload.yaml")


def test_many_small_nodes_are_refused() -> None:
    """A flat file of tiny nodes under the byte limit still hits the node limit."""
    text = "items: [" + ",".join("1" for _ in range(30_000)) + "]"
    with pytest.raises(ScenarioError, match="too many YAML nodes"):
        parse_yaml_text(text, "nodes.yaml")


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    """A !!python/object tag is rejected by the safe loader and its payload never executes."""
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'id: evil\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(ScenarioError, match="unsupported YAML tag"):
        load_scenario(evil)
    assert not marker.exists()


def test_alias_bomb_fails_fast() -> None:
    """Aliases are refused at the first one, so expansion never happens."""
    bomb = FIXTURES / "alias-bomb.yaml"
    with pytest.raises(ScenarioError, match="anchors and aliases"):
        parse_yaml_text(bomb.read_text(), str(bomb))


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    """Missing files and binary junk produce one clean line each."""
    with pytest.raises(ScenarioError, match="cannot read file"):
        load_scenario(tmp_path / "missing.yaml")
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\xff\xfe\x00id: x")
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_scenario(junk)


def test_empty_file(tmp_path: Path) -> None:
    """An empty file is a mapping problem, not a crash."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ScenarioError, match="got empty"):
        load_scenario(empty)


def test_deep_nesting_is_clean() -> None:
    """Pathologically nested flow sequences hit a clean error rather than a RecursionError traceback."""
    text = "a: " + "[" * 5000 + "]" * 5000
    with pytest.raises(ScenarioError):
        parse_yaml_text(text, "deep.yaml")


def test_absolute_paths_are_kept_when_outside_cwd(tmp_path: Path) -> None:
    """Paths outside the working directory are reported as given."""
    bad = tmp_path / "x.yaml"
    bad.write_text("- not a mapping\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert info.value.messages[0].startswith(f"{bad}: ")
    assert os.path.isabs(info.value.messages[0].split(":")[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: \x07", "invalid YAML: unacceptable character #x0007"),
        ("? [a, b]\n: 1\n", "invalid YAML: line 1, column 3: found unhashable key"),
        ("a: 1\n---\nb: 2\n", "invalid YAML: line 2, column 1: but found another document"),
        ("a: !custom x", "a: invalid YAML: line 1, column 4: unsupported YAML tag '!custom'"),
        ("a: [b: [c: [" * 2000, "invalid YAML:"),
    ],
)
def test_odd_yaml_gives_one_clean_line(text: str, message: str) -> None:
    """Reader, composer and constructor errors all become one `label: invalid YAML: ...` line."""
    with pytest.raises(ScenarioError) as info:
        parse_yaml_text(text, "odd.yaml")
    assert len(info.value.messages) == 1
    assert info.value.messages[0].startswith(f"odd.yaml: {message}")


def test_inline_merge_keys_still_work() -> None:
    """'<<' with an inline mapping is plain YAML (no alias), so it is resolved, not misreported."""
    assert parse_yaml_text("<<: {a: 1}\nb: 2\n", "merge.yaml") == {"a": 1, "b": 2}

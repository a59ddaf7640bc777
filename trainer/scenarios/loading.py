"""Reading scenario files: safe YAML, one line per pydantic error, parse/load/dump, and the library.

A file that cannot be used never stops the others: `load_library` lists it in `errors` and loads the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from trainer.config import REPO_ROOT, path_settings
from trainer.scenarios.schema import Scenario
from trainer.scenarios.validation import validate_scenario

MAX_FILE_BYTES = 256 * 1024  # a scenario is a few KB; anything bigger is a mistake or an attack
MAX_YAML_NODES = 20_000  # parsed nodes per file, a second guard next to the byte limit
TEMPLATE_STEM = "_template"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `messages` holds one formatted line per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class Library:
    """The usable scenarios plus one line per file that was skipped."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)  # scenario id -> file it came from

    def get(self, scenario_id: str) -> Scenario:
        """Look up a scenario by id (KeyError if unknown)."""
        return self.scenarios[scenario_id]

    def ids(self) -> list[str]:
        """Ids sorted by difficulty then id, the order pickers show."""
        return sorted(self.scenarios, key=lambda i: (self.scenarios[i].difficulty, i))


# --- safe YAML ----------------------------------------------------------------------------------------------------


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no alias bombs), duplicate keys and oversized node trees."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        """Count nodes and reject aliases before PyYAML can share or expand them."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML anchors and aliases (&name / *name) are not allowed in scenario files",
                problem_mark=event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise yaml.MarkedYAMLError(problem=f"too many YAML nodes (limit {MAX_YAML_NODES})")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        """Reject duplicate keys, which plain YAML silently resolves to the last one."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # resolve '<<' merge keys first so they are not read as plain keys
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool):
                continue  # lists and mappings as keys: the base class reports them as unhashable
            if key in seen:
                raise yaml.MarkedYAMLError(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One readable line for any PyYAML error, with its line and column when known."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor for the tag" in problem:
        problem = f"unsupported YAML tag{problem.split('tag', 1)[1]} (only plain YAML is allowed)"
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"invalid YAML: {where}{problem}"


def read_yaml(path: Path, label: str | None = None) -> dict[str, Any]:
    """Read one scenario file safely: size limit first, then a guarded safe loader, then a mapping check."""
    label = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError([f"{label}: cannot read file: {exc.strerror or exc}"]) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError([f"{label}: file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{label}: cannot read file as UTF-8 text: {exc}"]) from None
    return parse_yaml_text(text, label)


def parse_yaml_text(text: str, label: str) -> dict[str, Any]:
    """Parse scenario YAML text with the guarded loader; the result must be a mapping."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioError([f"{label}: text is larger than the limit of {MAX_FILE_BYTES} bytes"])
    loader: _GuardedLoader | None = None
    try:
        loader = _GuardedLoader(text)  # the reader already rejects control characters here
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{label}: {_yaml_problem(exc)}"]) from None
    except RecursionError:
        raise ScenarioError([f"{label}: invalid YAML: nesting is too deep"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError([f"{label}: the file must contain a YAML mapping of scenario fields, got {kind}"])
    return data


# --- pydantic errors -> one line each ------------------------------------------------------------------------------


def format_loc(loc: Iterable[str | int]) -> str:
    """('issues', 1, 'unit') -> 'issues[1].unit', the field path used in every message."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _pydantic_message(err: dict[str, Any]) -> str:
    """Rephrase pydantic's message for authors who never read the code."""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against scenarios/_template.yaml)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("too_short", "too_long"):
        ctx = err.get("ctx") or {}
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        got = ctx.get("actual_length")
        return f"must have {word} {bound} item(s); got {got}"
    if kind == "literal_error" or kind == "enum":
        return f"{err.get('msg', 'invalid value').lower()}; got {err.get('input')!r}"
    return f"{err.get('msg', 'invalid value')} (got {_short(err.get('input'))})"


def _short(value: Any) -> str:
    """A compact repr for error lines."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def pydantic_lines(label: str, exc: ValidationError) -> list[str]:
    """One `path: field: message` line per pydantic error."""
    return [f"{label}: {format_loc(e['loc'])}: {_pydantic_message(e)}" for e in exc.errors()]


def parse_scenario(data: dict[str, Any], label: str = "<scenario>", stem: str | None = None) -> Scenario:
    """Build and semantically check a scenario from a mapping; ScenarioError lists every problem."""
    try:
        s = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(pydantic_lines(label, exc)) from None
    problems = validate_scenario(s, label, stem)
    if problems:
        raise ScenarioError(problems)
    return s


def _label(path: Path) -> str:
    """Paths in messages: relative to the working directory when possible, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load, schema-check and semantically check one scenario file; raises ScenarioError."""
    p = Path(path)
    label = _label(p)
    return parse_scenario(read_yaml(p, label), label, p.stem)


def dump_scenario(s: Scenario) -> str:
    """YAML text for a scenario (block style, keys in schema order); load_scenario reads it back equal."""
    return yaml.safe_dump(
        tidy_numbers(s.model_dump(mode="json")), sort_keys=False, allow_unicode=True, width=100
    )


def tidy_numbers(value: Any) -> Any:
    """Whole floats as ints (400000 not 400000.0) so dumps read like the files authors write."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: tidy_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tidy_numbers(v) for v in value]
    return value


# --- library ----------------------------------------------------------------------------------------------------------


def repo_scenarios_dir() -> Path:
    """The shipped scenarios/ folder next to the package."""
    return REPO_ROOT / "scenarios"


def default_dirs() -> list[Path]:
    """LEVERAGE_SCENARIOS_DIR (os.pathsep-separated) or the repo's scenarios/, plus <data_dir>/scenarios."""
    paths = path_settings()
    own = [Path(d) for d in paths.scenarios_dir.split(os.pathsep) if d]
    dirs = own or [repo_scenarios_dir()]
    if (paths.data_dir / "scenarios").is_dir():
        dirs.append(paths.data_dir / "scenarios")
    return dirs


def scenario_files(dirs: Iterable[str | os.PathLike[str]], include_template: bool = False) -> list[Path]:
    """YAML files in the given dirs (files passed directly are kept), sorted, template optional."""
    out: list[Path] = []
    for d in dirs:
        p = Path(d)
        found = [p] if p.is_file() else sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else []
        out.extend(f for f in found if include_template or f.stem != TEMPLATE_STEM)
    return out


def load_library(dirs: Iterable[str | os.PathLike[str]] | None = None) -> Library:
    """Load every scenario in dirs (default: default_dirs()); broken or duplicate files go to .errors."""
    lib = Library()
    for path in scenario_files(default_dirs() if dirs is None else dirs):
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            lib.errors.extend(exc.messages)
            continue
        if s.id in lib.scenarios:
            lib.errors.append(
                f"{_label(path)}: id: duplicate id {s.id!r} (already loaded from "
                f"{_label(lib.paths[s.id])}); this file is skipped"
            )
            continue
        lib.scenarios[s.id] = s
        lib.paths[s.id] = path
    return lib


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Error lines for files/dirs (dirs include the template); empty list means all valid."""
    errors: list[str] = []
    owners: dict[str, Path] = {}
    given = list(paths)
    files = scenario_files(given, include_template=True)
    for p in given:
        if not Path(p).exists():
            errors.append(f"{p}: no such file or directory")
    if not files and not errors:
        errors.append(f"{', '.join(map(str, given)) or '(nothing)'}: no scenario files found")
    for path in files:
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            errors.extend(exc.messages)
            continue
        if s.id in owners and path.stem != TEMPLATE_STEM:
            errors.append(f"{_label(path)}: id: duplicate id {s.id!r} (also in {_label(owners[s.id])})")
        owners.setdefault(s.id, path)
    return errors

"""Reading scenario files: safe YAML, one line per pydantic error, parse/load/dump, and the library.

A file that cannot be used never stops the others: `load_library` lists it in `errors` and loads the rest.
"""

from __future__ import annotations

import logging
import math
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from pydantic import ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from trainer.config import REPO_ROOT, path_settings
from trainer.scenarios.schema import Scenario
from trainer.scenarios.validation import semantic_problems

MAX_FILE_BYTES = 256 * 1024  # a scenario is a few KB; anything bigger is a mistake or an attack
MAX_YAML_NODES = 20_000  # parsed nodes per file, a second guard next to the byte limit
MAX_INT_CHARS = 30  # an integer literal longer than this is a typo or an attack (Python refuses 4,300+ digits)
TEMPLATE_STEM = "_template"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScenarioProblem:
    """One reason a scenario file cannot be used: the file, the field ('' when it concerns the whole file), why."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `problems` holds every reason, `messages` one line per reason."""

    def __init__(self, problems: list[ScenarioProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        """One `file: field: message` line per problem."""
        return [str(p) for p in self.problems]


def _fail(label: str, message: str, field_path: str = "") -> NoReturn:
    """Raise a ScenarioError with a single problem."""
    raise ScenarioError([ScenarioProblem(label, field_path, message)])


@dataclass
class Library:
    """The usable scenarios plus every problem of the files that were skipped (the rest always loads)."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    problems: list[ScenarioProblem] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)  # scenario id -> file it came from

    @property
    def errors(self) -> list[str]:
        """One `file: field: message` line per problem, the form pickers and `doctor` show."""
        return [str(p) for p in self.problems]

    @property
    def invalid_files(self) -> list[str]:
        """The files that were skipped, each once, in the order they were read."""
        return list(dict.fromkeys(p.file for p in self.problems))

    def get(self, scenario_id: str) -> Scenario:
        """Look up a scenario by id (KeyError if unknown)."""
        return self.scenarios[scenario_id]

    def ids(self) -> list[str]:
        """Ids sorted by difficulty then id, the order pickers show."""
        return sorted(self.scenarios, key=lambda i: (self.scenarios[i].difficulty, i))


# --- safe YAML ----------------------------------------------------------------------------------------------------

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TAG_NAMES = {"int": "an integer", "float": "a number", "bool": "true or false", "timestamp": "a date",
              "binary": "base64 data", "null": "null"}


class _ValueError(yaml.constructor.ConstructorError):
    """A scalar that its tag cannot build (`!!int abc`, `!!bool maybe`, a 5,000-digit integer)."""


# libyaml's parser when it is installed (ten times faster than PyYAML's pure-Python one); the composer stays in
# Python either way, so the alias and node-count guards below see every node.
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None
_FAST = _CParser is not None
_BASES: tuple[type, ...] = (Composer, _CParser, SafeConstructor, Resolver) if _FAST else (yaml.SafeLoader,)


class _GuardedLoader(*_BASES):  # type: ignore[misc]
    """A safe loader that refuses aliases (no alias bombs), duplicate keys, oversized node trees and integers,
    keeps date-like values as the text written (no scenario field is a date, and `2024-13-45` must not crash), and
    turns every value a tag cannot build into a YAML error with its line and column."""

    # Plain scalars that look like dates stay strings: a title of 2024-01-05 means the text, not a date object.
    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        if _FAST:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
        else:
            yaml.SafeLoader.__init__(self, stream)
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

    def construct_object(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        """Any value its tag cannot build becomes a YAML error naming the value, never a Python exception."""
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, ArithmeticError) as exc:
            kind = _TAG_NAMES.get(str(node.tag).rsplit(":", 1)[-1], str(node.tag))
            value = short_repr(node.value) if isinstance(node.value, str) else "this value"
            raise _ValueError(None, None, f"cannot read {value} as {kind}", node.start_mark) from exc

    def construct_yaml_int(self, node: Any) -> int:  # type: ignore[override]
        """Integers of at most MAX_INT_CHARS characters, so no conversion or message ever meets Python's limit."""
        text = str(node.value)
        if len(text.replace("_", "")) > MAX_INT_CHARS:
            raise _ValueError(None, None, f"integer with {len(text)} characters; the limit is {MAX_INT_CHARS}",
                              node.start_mark)
        value = super().construct_yaml_int(node)
        if abs(value) >= 10**MAX_INT_CHARS:  # hex, binary and 1:20:30 forms grow faster than their text
            raise _ValueError(None, None, f"integer {short_repr(text)} is too large", node.start_mark)
        return value

    def construct_yaml_timestamp(self, node: Any) -> str:  # type: ignore[override]
        """An explicit `!!timestamp` is kept as the text written, like a plain date-like value."""
        return str(self.construct_scalar(node))

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
                raise yaml.MarkedYAMLError(problem=f"duplicate key {short_repr(key)}",
                                           problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_GuardedLoader.add_constructor("tag:yaml.org,2002:int", _GuardedLoader.construct_yaml_int)
_GuardedLoader.add_constructor(_TIMESTAMP, _GuardedLoader.construct_yaml_timestamp)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One readable line for any PyYAML error, with its line and column when known."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor for the tag" in problem:
        problem = f"unsupported YAML tag{problem.split('tag', 1)[1]} (only plain YAML is allowed)"
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"invalid YAML: {where}{problem}"


def _path_to(root: Any, mark: Any) -> str:
    """The field path ('issues[1].step') of the node that starts at `mark`, or '' if it is not found."""
    if root is None or mark is None:
        return ""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if node.start_mark.index == mark.index and loc:
            return format_loc(loc)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    stack.extend([(key, loc + (key.value,)), (value, loc + (key.value,))])
                else:  # a list or mapping used as a key has no name: report it at its parent
                    stack.extend([(key, loc), (value, loc)])
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, loc + (n,)) for n, item in enumerate(node.value))
    return ""


def read_yaml(path: Path, label: str | None = None) -> dict[str, Any]:
    """Read one scenario file safely: a regular file within the size limit, UTF-8, then the guarded loader."""
    label = label or str(path)
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                _fail(label, "not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                _fail(label, f"file is {info.st_size} bytes; the limit is {MAX_FILE_BYTES} bytes")
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        _fail(label, f"cannot read file: {exc.strerror or type(exc).__name__}")
    if len(raw) > MAX_FILE_BYTES:  # it grew while we read it
        _fail(label, f"file is larger than the limit of {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail(label, f"cannot read file as UTF-8 text: invalid byte at position {exc.start}")
    return parse_yaml_text(text, label)


def parse_yaml_text(text: str, label: str) -> dict[str, Any]:
    """Parse scenario YAML text with the guarded loader; the result must be a mapping (ScenarioError otherwise)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        _fail(label, f"text is larger than the limit of {MAX_FILE_BYTES} bytes")
    loader: _GuardedLoader | None = None
    root = None
    try:
        loader = _GuardedLoader(text)  # the reader already rejects control characters here
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        _fail(label, _yaml_problem(exc), _path_to(root, getattr(exc, "problem_mark", None)))
    except RecursionError:
        _fail(label, "invalid YAML: nesting is too deep")
    except Exception as exc:  # noqa: BLE001 - a file must never crash its reader: report it, log it as a bug
        log.exception("unexpected error reading YAML from %s", label)
        _fail(label, f"invalid YAML: could not be read ({type(exc).__name__})")
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        _fail(label, f"the file must contain a YAML mapping of scenario fields, got {kind}")
    return data


# --- pydantic errors -> one line each ------------------------------------------------------------------------------


def format_loc(loc: Iterable[Any]) -> str:
    """('issues', 1, 'unit') -> 'issues[1].unit', the field path used in every message."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            text = short_repr(part) if not isinstance(part, str) else part[:80]
            out += f".{text}" if out else text
    return out or "(top level)"


def short_repr(value: Any, limit: int = 60) -> str:
    """A compact repr for error lines that never fails: huge integers are described, not converted to digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * math.log10(2))} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - e.g. a container holding a huge int: name the type instead
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
        return f"{err.get('msg', 'invalid value').lower()}; got {short_repr(err.get('input'))}"
    return f"{err.get('msg', 'invalid value')} (got {short_repr(err.get('input'))})"


def pydantic_problems(label: str, exc: ValidationError) -> list[ScenarioProblem]:
    """One problem per pydantic error, with its field path."""
    return [ScenarioProblem(label, format_loc(e["loc"]), _pydantic_message(e)) for e in exc.errors()]


def parse_scenario(data: dict[str, Any], label: str = "<scenario>", stem: str | None = None) -> Scenario:
    """Build and semantically check a scenario from a mapping; ScenarioError lists every problem."""
    try:
        s = Scenario.model_validate(data)
        problems = semantic_problems(s, stem)
    except ValidationError as exc:
        raise ScenarioError(pydantic_problems(label, exc)) from None
    except Exception as exc:  # noqa: BLE001 - a file must never crash its reader: report it, log it as a bug
        log.exception("unexpected error checking scenario %s", label)
        _fail(label, f"could not be checked ({type(exc).__name__}); please report this as a bug")
    if problems:
        raise ScenarioError([ScenarioProblem(label, loc, msg) for loc, msg in problems])
    return s


def _label(path: Path) -> str:
    """Paths in messages: relative to the working directory when possible, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
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


def _kind(path: Path) -> str:
    """'file', 'dir' or 'missing' for a path as given (a name the OS refuses, e.g. with a NUL byte, is missing)."""
    try:
        return "file" if path.is_file() else "dir" if path.is_dir() else "missing"
    except (OSError, ValueError):
        return "missing"


def scenario_files(dirs: Iterable[str | os.PathLike[str]], include_template: bool = False) -> list[Path]:
    """YAML files in the given dirs (files passed directly are kept), sorted, template optional."""
    out: list[Path] = []
    for d in dirs:
        p = Path(d)
        kind = _kind(p)
        found = [p] if kind == "file" else sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if kind == "dir" else []
        out.extend(f for f in found if include_template or f.stem != TEMPLATE_STEM)
    return out


def load_library(dirs: Iterable[str | os.PathLike[str]] | None = None) -> Library:
    """Load every scenario in dirs (default: default_dirs()); a broken or duplicate file is listed in `problems`
    with its file, field and message, and never stops the others from loading."""
    lib = Library()
    for path in scenario_files(default_dirs() if dirs is None else dirs):
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            lib.problems.extend(exc.problems)
            continue
        if s.id in lib.scenarios:
            lib.problems.append(ScenarioProblem(
                _label(path), "id",
                f"duplicate id {s.id!r} (already loaded from {_label(lib.paths[s.id])}); this file is skipped"))
            continue
        lib.scenarios[s.id] = s
        lib.paths[s.id] = path
    return lib


@dataclass
class ValidationReport:
    """What `trainer scenarios validate` found: problems in scenario files, and paths that name no scenario file
    at all (unusable input, a different exit code)."""

    files: list[Path] = field(default_factory=list)
    problems: list[ScenarioProblem] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """Unusable paths first, then one line per problem."""
        return [*self.unusable, *map(str, self.problems)]


def _printable(text: str, limit: int = 200) -> str:
    """A path as given, on one line whatever characters it holds."""
    return repr(text)[1:-1][:limit]


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> ValidationReport:
    """Check files and folders (folders include the template); an empty report means all valid."""
    report = ValidationReport()
    owners: dict[str, Path] = {}
    given = list(paths)
    report.files = scenario_files(given, include_template=True)
    for p in given:
        if _kind(Path(p)) == "missing":
            report.unusable.append(f"{_printable(str(p))}: no such file or directory")
    if not report.files and not report.unusable:
        names = ", ".join(map(str, given)) or "(nothing)"
        report.unusable.append(f"{_printable(names)}: no scenario files found")
    for path in report.files:
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            report.problems.extend(exc.problems)
            continue
        if s.id in owners and path.stem != TEMPLATE_STEM:
            report.problems.append(
                ScenarioProblem(_label(path), "id", f"duplicate id {s.id!r} (also in {_label(owners[s.id])})"))
        owners.setdefault(s.id, path)
    return report

"""The package layers hold: every module imports, no import cycle, and no module imports from a higher layer.

Imports are read from the source (top-level, function-local and type-only alike), so a late import cannot hide a
dependency. The order itself lives in `trainer.layers`.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import trainer
from trainer.layers import LAYERS, RANK, unit_of

ROOT = Path(trainer.__file__).parent
# Run by alembic as a script inside a migration context; importing it anywhere else fails by design.
NOT_IMPORTABLE = {"trainer.storage.migrations.env"}
# Known exceptions, each with its reason; none today. The last test fails on an entry that no longer happens,
# so the lists stay exact.
ALLOWED_UPWARD: set[tuple[str, str]] = set()
ALLOWED_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(module: str) -> set[str]:
    """The trainer modules a module imports anywhere in its source ('from a import b' counts as a.b when b is a
    module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [n if n in MODULES else node.module for n in names]
        else:
            continue
        found |= {n for n in names if n.startswith("trainer.") and n in MODULES and n != module}
    return found


GRAPH: dict[str, set[str]] = {m: imports_of(m) for m in MODULES}


def edges() -> Iterator[tuple[str, str]]:
    for src, targets in sorted(GRAPH.items()):
        for dst in sorted(targets):
            yield src, dst


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward_imports() -> set[tuple[str, str]]:
    """(importer, imported) pairs where the imported module sits in a higher layer, or in a peer package."""
    bad = set()
    for src, dst in edges():
        if src == "trainer":
            continue
        a, b = unit_of(src), unit_of(dst)
        if a != b and (RANK[b] > RANK[a] or (RANK[b] == RANK[a] and a.split(".")[0] != b.split(".")[0])):
            bad.add((src, dst))
    return bad


@pytest.mark.parametrize("module", sorted(m.name for m in pkgutil.walk_packages(trainer.__path__, "trainer.")
                                          if m.name not in NOT_IMPORTABLE))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_every_module_has_a_layer() -> None:
    homeless = []
    for module in MODULES:
        if module == "trainer":
            continue
        try:
            unit_of(module)
        except KeyError:
            homeless.append(module)
    assert not homeless, f"modules in no layer of trainer.layers.LAYERS: {homeless}"


def test_every_layer_is_a_real_package() -> None:
    units = [u for units in LAYERS for u in units]
    assert len(units) == len(set(units))
    missing = [u for u in units if f"trainer.{u}" not in MODULES]
    assert not missing, f"layers without a module or package: {missing}"


def test_the_root_package_imports_nothing_of_its_own() -> None:
    assert GRAPH["trainer"] == set()


def test_no_package_imports_from_a_higher_layer() -> None:
    found = upward_imports() - ALLOWED_UPWARD
    lines = [f"{src} ({unit_of(src)}) imports {dst} ({unit_of(dst)})" for src, dst in sorted(found)]
    assert not lines, "imports from a higher layer or a peer package:\n" + "\n".join(lines)


def test_no_import_cycle_between_packages() -> None:
    units: dict[str, set[str]] = {}
    for src, dst in edges():
        if src != "trainer" and unit_of(src) != unit_of(dst) and (src, dst) not in ALLOWED_UPWARD:
            units.setdefault(unit_of(src), set()).add(unit_of(dst))
    found = [sorted(c) for c in cycles(units)]
    assert not found, f"packages importing each other: {found}"


def test_no_import_cycle_between_modules() -> None:
    found = [c for c in cycles(GRAPH) if frozenset(c) not in ALLOWED_CYCLES]
    assert not found, "modules importing each other: " + "; ".join(" <-> ".join(sorted(c)) for c in found)


def test_the_allowed_exceptions_still_happen() -> None:
    """Once a known violation is fixed, its allowance must go, so the lists above never hide a new one."""
    stale = [f"{a} -> {b}" for a, b in ALLOWED_UPWARD - upward_imports()]
    stale += [" <-> ".join(sorted(c)) for c in ALLOWED_CYCLES - {frozenset(c) for c in cycles(GRAPH)}]
    assert not stale, f"fixed: remove from the allowed lists in tests/test_layers.py: {stale}"

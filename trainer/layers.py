"""The layer order of the `trainer` packages: a module may import from its own layer's package or from lower layers.

Read by `tests/test_layers.py`, which checks every import in `trainer/` against it, and shown in
docs/architecture.md. Lowest first; packages on one line are peers and may not import each other.

Why this order, where the code alone would allow another:
- `llm` needs only `config`, but sits above `reader` and `engine`: the deal is decided by code, so neither may
  reach a chat model.
- `scenarios` sits below `reader` because reading a turn maps amounts onto a scenario's issues; the number
  reader both need lives in `domain` for that reason.
- `resources` (where the checkout and the data packages are) sits at the bottom: every stage locates files.
- Inside `storage`, the ORM tables come first, then the engine factory (`connection`), migrations next (they build the tables) and the store last (it runs
  the migrations), so a migration never depends on the store it serves.
"""

from __future__ import annotations

LAYERS: tuple[tuple[str, ...], ...] = (
    ("layers",),
    ("resources",),
    ("config",),
    ("domain",),
    ("scenarios",),
    ("reader",),
    ("engine",),
    ("llm",),
    ("voice",),
    ("evaluation",),
    ("coaching",),
    ("storage.tables",),
    ("storage.connection",),
    ("storage.migrations",),
    ("storage",),
    ("instructor",),
    ("app",),
    ("measure",),
    ("commands", "ui"),
    ("cli",),
)
RANK: dict[str, int] = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str:
    """The layer unit a `trainer.*` module belongs to: the longest unit name its dotted path starts with."""
    parts = module.split(".")[1:]
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in RANK:
            return name
    raise KeyError(f"{module} is in no layer: add its package to trainer.layers.LAYERS")

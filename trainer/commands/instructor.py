"""Placeholder: registered by cli.py; filled in by the owner of this area."""

from __future__ import annotations

import typer


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""

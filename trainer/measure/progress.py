"""Progress lines for long measurement runs: on stderr, so `--json` output on stdout stays one clean document."""

from __future__ import annotations

import sys


def progress(message: str) -> None:
    """Report a step of a long run as it happens (a run that prints nothing for minutes looks hung)."""
    print(message, file=sys.stderr, flush=True)

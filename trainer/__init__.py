"""Leverage: a negotiation role-play trainer for the weaker side of the table."""

__version__ = "0.1.0"

MISTAKE_IDS: tuple[str, ...] = (
    "power_vs_leverage",
    "urgency_signal",
    "weak_alternative",
    "unified_actor",
    "process_concession",
)

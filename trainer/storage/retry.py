"""Bounded retries with jitter for transactions that lost a lock race, and only for those.

A retry is safe only when the failed attempt certainly left nothing behind: SQLite's "database is locked" (the
statement or the COMMIT was refused, and the transaction is rolled back), and PostgreSQL's serialization
failures, deadlocks and lock timeouts (the server aborted the transaction). A dropped connection is never
retried: its COMMIT may or may not have happened, and running the work again could write it twice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

ATTEMPTS = 8  # the first try plus up to 7 retries
BASE_DELAY_S = 0.01
MAX_DELAY_S = 0.5
# serialization_failure, deadlock_detected, lock_not_available
PG_RETRYABLE = frozenset({"40001", "40P01", "55P03"})
SQLITE_RETRYABLE = ("database is locked", "database table is locked", "database schema is locked")


def is_contention(exc: BaseException) -> bool:
    """True for a lost lock race after which the whole transaction was rolled back (safe to run again)."""
    if not isinstance(exc, DBAPIError) or exc.connection_invalidated:
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in PG_RETRYABLE
    return type(orig).__name__ == "OperationalError" and any(m in str(orig) for m in SQLITE_RETRYABLE)


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Full jitter: a uniform delay up to an exponentially growing cap, so waiting writers spread out."""
    cap = min(MAX_DELAY_S, BASE_DELAY_S * 2**attempt)
    return (rng or random).uniform(0, cap)


def retrying(
    work: Callable[[], T],
    *,
    also: Callable[[BaseException], bool] = lambda exc: False,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `work`, again after a jittered pause when it lost a lock race (or `also` says the error is safe)."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            if attempt == attempts - 1 or not (is_contention(exc) or also(exc)):
                raise
        sleep(backoff(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")

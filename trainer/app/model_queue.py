"""First come, first served turns on the one local model, with each waiter's place in the queue.

The embedded llama.cpp model answers one request at a time per process (its context is not thread-safe, and
two decodes on two shared cores would each run at half speed anyway). Without a queue, trainees who send at
the same moment wait on a lock in no particular order and see nothing but "thinking". With it, replies are
voiced in the order they were asked for, and each waiting trainee is told how many replies are ahead and
roughly how long that takes (from the recent replies' durations), so the page can say so honestly.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

POLL_S = 0.25  # how often a waiter re-reads its position (a finished reply also wakes every waiter)
RECENT = 20  # replies whose durations the wait estimate averages


@dataclass(frozen=True)
class QueueWait:
    """Where a waiting reply stands: replies ahead of it (the one being voiced included), and an estimate."""

    ahead: int
    estimate_s: float | None  # None until a reply has been timed in this process

    def message(self) -> str:
        """What the page shows while this reply waits for the model (and once its turn has come)."""
        if self.ahead == 0:
            return "The model is free now and is composing the reply."
        who = "1 reply is" if self.ahead == 1 else f"{self.ahead} replies are"
        eta = "" if self.estimate_s is None else f" (about {max(1, round(self.estimate_s))} s)"
        return (f"The model on this computer voices one reply at a time: {who} ahead of yours{eta}. "
                "Your message is saved; the reply starts as soon as the model is free.")


class ModelQueue:
    """A FIFO of replies waiting for one model; `turn()` holds the model for the duration of one reply."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: deque[object] = deque()  # the head is the reply being voiced
        self._durations: deque[float] = deque(maxlen=RECENT)

    def position(self, ticket: object) -> int:
        """How many replies are ahead of this ticket (0: its turn)."""
        with self._cond:
            return self._waiting.index(ticket)

    def __len__(self) -> int:
        with self._cond:
            return len(self._waiting)

    def estimate(self, ahead: int) -> float | None:
        """Seconds until `ahead` replies finish, from the median recent reply (None before the first)."""
        with self._cond:
            durations = list(self._durations)
        return statistics.median(durations) * ahead if durations else None

    @contextmanager
    def turn(self, on_wait: Callable[[QueueWait], None] | None = None, poll_s: float = POLL_S) -> Iterator[None]:
        """Wait until every earlier reply is done, then hold the model until the block exits.

        A waiter that gives up (an exception, a closed generator) leaves the queue, so it never blocks those
        behind it. `on_wait` is called outside the queue's lock whenever the position changes."""
        ticket = object()
        with self._cond:
            self._waiting.append(ticket)
        try:
            self._wait_for_head(ticket, on_wait, poll_s)
            started = time.monotonic()
            yield
            with self._cond:
                self._durations.append(time.monotonic() - started)
        finally:
            with self._cond:
                self._waiting.remove(ticket)
                self._cond.notify_all()

    def _wait_for_head(self, ticket: object, on_wait: Callable[[QueueWait], None] | None, poll_s: float) -> None:
        """Block until the ticket is at the head, reporting each new position (and the head, if it waited)."""
        told = None
        while True:
            with self._cond:
                ahead = self._waiting.index(ticket)
                if ahead == 0 and told is None:
                    return
                if ahead == told:
                    self._cond.wait(poll_s)
                    continue
            told = ahead
            if on_wait is not None:
                on_wait(QueueWait(ahead, self.estimate(ahead)))
            if ahead == 0:
                return

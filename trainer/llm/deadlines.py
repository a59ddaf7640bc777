"""Deadlines for chat-model calls: one until the first piece of text, one for the whole call.

A blocking socket read, or a llama.cpp prompt being processed, cannot be interrupted from the thread that started
it. So a call runs in a worker thread and the caller waits on a one-slot queue with a timeout: the caller is free
the moment a deadline passes, however the model is stuck. The worker is then told to stop; it notices between two
pieces of text (a socket read ends at the client's own read timeout), and is abandoned as a daemon thread.

The one-slot queue also keeps the worker in step with the caller, as a plain generator would be: it never reads
ahead, and a caller that stops early stops the model (the embedded model's lock is released at once).
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
_BEGIN, _ITEM, _END, _ERROR = "begin", "item", "end", "error"
_POLL = 0.05  # how often a blocked worker checks whether the caller gave up
_JOIN_GRACE = 0.5  # how long a caller that stops early waits for the worker to let go (one token, normally)


@dataclass(frozen=True)
class Deadlines:
    """Seconds a call may take: until its first piece of text, and in all."""

    first_token: float
    total: float

    def capped(self, seconds: float | None) -> Deadlines:
        """These deadlines, none longer than `seconds` (a caller's remaining budget)."""
        if seconds is None:
            return self
        return Deadlines(min(self.first_token, seconds), min(self.total, seconds))


class DeadlineExceeded(Exception):
    """A call missed a deadline. `first_token` is True when no text had arrived yet."""

    def __init__(self, seconds: float, first_token: bool) -> None:
        super().__init__(f"no {'text' if first_token else 'end of the reply'} within {seconds:g} s")
        self.seconds = seconds
        self.first_token = first_token


class Call:
    """What the worker is handed: `begin()` when the model starts on this call (after any queue), and `cancelled`,
    set once the caller has gone."""

    def __init__(self, slot: queue.Queue[tuple[str, Any]]) -> None:
        self._slot = slot
        self.cancelled = threading.Event()

    def begin(self) -> None:
        """Start the clock now (models that queue requests call this once the request is theirs)."""
        self.put(_BEGIN, time.monotonic())

    def put(self, kind: str, value: Any) -> bool:
        """Hand one message to the caller, waiting for the slot; False once the caller has gone."""
        while not self.cancelled.is_set():
            try:
                self._slot.put((kind, value), timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False


def _work(produce: Callable[[Call], Iterator[Any]], call: Call) -> None:
    """The worker: pass every item on until the producer ends, fails, or the caller goes."""
    try:
        items = produce(call)
        try:
            for item in items:
                if not call.put(_ITEM, item):
                    break
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        call.put(_END, None)
    except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it in its own thread
        call.put(_ERROR, exc)


def stream_within(
    produce: Callable[[Call], Iterator[T]],
    deadlines: Deadlines,
    *,
    queued: bool = False,
    has_text: Callable[[T], bool] = bool,
) -> Iterator[T]:
    """Yield what `produce(call)` yields, raising DeadlineExceeded when no item with text has come within
    `deadlines.first_token` or the producer has not ended within `deadlines.total`.

    The clock starts at once, or with `queued` when the producer calls `call.begin()`: waiting for the embedded
    model behind other trainees is not the model being slow (each of them is bounded by these same deadlines).
    """
    slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    call = Call(slot)
    worker = threading.Thread(target=contextvars.copy_context().run, args=(_work, produce, call), daemon=True,
                              name="llm-call")
    worker.start()
    started = None if queued else time.monotonic()
    got_text = False
    timed_out = False
    try:
        while True:
            timeout = None
            if started is not None:
                allowed = deadlines.total if got_text else min(deadlines.first_token, deadlines.total)
                timeout = started + allowed - time.monotonic()
            try:
                kind, value = slot.get(timeout=None if timeout is None else max(timeout, 0.0))
            except queue.Empty:
                timed_out = True
                raise DeadlineExceeded(allowed, first_token=not got_text) from None
            if kind == _BEGIN:
                started = started if started is not None else value
            elif kind == _END:
                return
            elif kind == _ERROR:
                raise value
            else:
                got_text = got_text or has_text(value)
                yield value
    finally:
        call.cancelled.set()
        if not timed_out:
            worker.join(_JOIN_GRACE)


def call_within(produce: Callable[[Call], T], total: float, *, queued: bool = False) -> T:
    """The result of `produce(call)`, or DeadlineExceeded after `total` seconds (a whole reply at once: there is
    no first piece of text to wait for)."""

    def one(call: Call) -> Iterator[T]:
        yield produce(call)

    try:
        for result in stream_within(one, Deadlines(total, total), queued=queued, has_text=lambda _: True):
            return result
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(exc.seconds, first_token=False) from None  # the overall deadline, by definition
    raise RuntimeError("the call ended without a result")  # unreachable: `one` always yields

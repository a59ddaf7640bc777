"""The one local model's queue: replies are voiced first come, first served; each waiting trainee hears its
place and an estimate; a trainee who gives up leaves the queue; and only the embedded model queues."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from trainer.app import factories
from trainer.app import practice as svc
from trainer.app.model_queue import ModelQueue, QueueWait
from trainer.config import Settings
from trainer.scenarios.loading import load_library
from trainer.storage.store import Store


def _wait_until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_replies_are_served_in_arrival_order_and_waiters_hear_their_place() -> None:
    queue = ModelQueue()
    order: list[int] = []
    heard: dict[int, list[int]] = {n: [] for n in range(4)}
    release = [threading.Event() for _ in range(4)]

    def reply(n: int) -> None:
        with queue.turn(lambda wait: heard[n].append(wait.ahead), poll_s=0.01):
            order.append(n)
            release[n].wait(5)

    threads = []
    for n in range(4):  # start one at a time, so the arrival order is known
        threads.append(threading.Thread(target=reply, args=(n,)))
        threads[-1].start()
        _wait_until(lambda n=n: len(queue) == n + 1)
    for n in range(4):  # finish the replies one by one; the last waiter hears each step
        _wait_until(lambda n=n: len(order) == n + 1 and heard[3][-1:] == [3 - n])
        release[n].set()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3]
    assert heard[0] == []  # the first reply never waited
    assert heard[3] == [3, 2, 1, 0]  # three ahead, then two, then one, then its turn
    assert heard[1] == [1, 0] and len(queue) == 0


def test_a_waiter_that_gives_up_leaves_the_queue() -> None:
    queue = ModelQueue()
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with queue.turn():
            holding.set()
            release.wait(5)

    class GaveUp(Exception):
        pass

    def impatient(wait: QueueWait) -> None:
        raise GaveUp  # e.g. the page was reloaded while waiting

    holder = threading.Thread(target=first)
    holder.start()
    holding.wait(5)
    with pytest.raises(GaveUp):
        with queue.turn(impatient):
            pass
    assert len(queue) == 1  # only the holder
    release.set()
    holder.join(5)
    with queue.turn():  # and the model is free again
        assert len(queue) == 1


def test_the_wait_message_is_honest() -> None:
    assert "1 reply is ahead" in QueueWait(1, None).message()
    assert "3 replies are ahead of yours (about 12 s)" in QueueWait(3, 12.2).message()
    assert "saved" in QueueWait(2, 5.0).message()
    assert "free now" in QueueWait(0, None).message()


def test_the_estimate_follows_recent_replies() -> None:
    queue = ModelQueue()
    assert queue.estimate(2) is None
    with queue.turn():
        time.sleep(0.05)
    one = queue.estimate(1)
    assert one is not None and one >= 0.05 and queue.estimate(2) == pytest.approx(2 * one)


def test_only_the_embedded_model_queues(tmp_settings: Settings) -> None:
    local = tmp_settings.model_copy(update={"llm_backend": "local"})
    remote = tmp_settings.model_copy(update={"llm_backend": "openai"})
    assert factories.model_queue(local, "llm") is factories.model_queue(local, "llm") is not None
    assert factories.model_queue(local, "template") is None
    assert factories.model_queue(remote, "llm") is None


class _SlowVoice:
    """A voice that holds the model until released, like a long reply."""

    def __init__(self, release: threading.Event) -> None:
        self.release = release
        self.last_meta: dict[str, Any] = {}

    def stream(self, move: Any, state: Any, scenario: Any, history: Any) -> Iterator[str]:
        self.release.wait(5)
        yield "Understood."


def test_a_second_trainee_waits_for_the_first_reply_and_is_told(tmp_settings: Settings) -> None:
    store = Store(tmp_settings.db_url)
    store.migrate()
    practice = svc.Practice(store, load_library().scenarios)
    queue, release = ModelQueue(), threading.Event()
    lives = [practice.start(store.create_trainee(name).id, "carmaker-renewal", seed=1) for name in ("Ada", "Bo")]
    for live in lives:
        practice.send(live, "What matters most to you?")
    first = threading.Thread(target=lambda: list(practice.reply(lives[0], _SlowVoice(release), queue=queue)))
    first.start()
    _wait_until(lambda: len(queue) == 1)
    heard: list[str] = []
    second = threading.Thread(target=lambda: list(practice.reply(
        lives[1], _SlowVoice(release), queue=queue, on_wait=lambda wait: heard.append(wait.message()))))
    second.start()
    _wait_until(lambda: len(heard) == 1)
    assert "1 reply is ahead of yours" in heard[0] and lives[1].pending is not None
    release.set()
    first.join(5)
    second.join(5)
    assert all(live.pending is None for live in lives) and "free now" in heard[-1]
    store.dispose()

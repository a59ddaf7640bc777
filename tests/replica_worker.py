"""One app replica for tests/test_replicas.py: a separate Python process driving the practice service.

It reads one JSON request per line on stdin and answers one JSON line on stdout, like a replica serving a
trainee's request. It keeps nothing between requests: every request starts from the database (LEVERAGE_DB_URL),
as a replica does when a trainee's next request lands on it after being served elsewhere.

  {"op": "trainee", "name": ...}                                  -> {"trainee_id"}
  {"op": "start", "trainee_id", "scenario", "seed"}               -> {"session_id", "lines"}
  {"op": "send", "trainee_id", "session_id", "text"}              -> trainee turn committed, left pending
  {"op": "reply", "trainee_id", "session_id"}                     -> answers the pending turn (Retry after a crash)
  {"op": "turn", "trainee_id", "session_id", "text"}              -> send + reply
  {"op": "snapshot", "trainee_id", "session_id"}                  -> {"lines", "state", "status", "pending"}
Every answer carries "pid" (which process served it) and "ok"; errors come back as {"ok": false, "error"}.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's trainer package, not an installed one


def main() -> None:
    from trainer.app.practice import Practice
    from trainer.scenarios.loading import load_library
    from trainer.storage.store import Store
    from trainer.voice.realizer import TemplateRealizer

    store = Store(os.environ["LEVERAGE_DB_URL"])
    store.migrate()  # every replica migrates at start; they must not race
    scenarios = load_library().scenarios

    def view(live) -> dict:  # noqa: ANN001 - trainer.app.practice.Live
        return {"session_id": str(live.session_id), "status": live.status, "pending": live.pending,
                "lines": [[line.speaker, line.text] for line in live.lines],
                "state": json.loads(live.state.model_dump_json()) if live.state is not None else None}

    def resumed(request: dict):  # noqa: ANN202
        live = Practice(store, scenarios).resume(request["trainee_id"], request["session_id"])
        if live is None:
            raise LookupError("no such session for this trainee")
        return live

    def handle(request: dict) -> dict:
        op = request["op"]
        practice = Practice(store, scenarios)
        if op == "trainee":
            return {"trainee_id": str(store.create_trainee(request["name"]).id)}
        if op == "start":
            live = practice.start(request["trainee_id"], request["scenario"], seed=request["seed"],
                                  realizer="template")
            return view(live)
        live = resumed(request)
        if op in ("send", "turn"):
            practice.send(live, request["text"])
        if op in ("reply", "turn"):
            reply = "".join(practice.reply(live, TemplateRealizer(), "template"))
            return {**view(live), "reply": reply}
        return view(live)

    print(json.dumps({"ok": True, "ready": True, "pid": os.getpid()}), flush=True)
    for raw in sys.stdin:
        if not raw.strip():
            continue
        try:
            answer = {"ok": True, **handle(json.loads(raw))}
        except Exception as exc:  # noqa: BLE001 - reported to the test, which decides
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        answer["pid"] = os.getpid()
        print(json.dumps(answer), flush=True)
    store.dispose()


if __name__ == "__main__":
    main()

"""Test helpers for the LMS record: records and statements, a stub LRS, and the real tools when installed.

- `StubLrs` is a test-only xAPI statements endpoint on 127.0.0.1 (http.server). It exists to inject failures
  (503s, an outage, a refused batch) and to check what the client sends: it enforces
  `X-Experience-API-Version: 1.0.3`, HTTP Basic credentials and JSON bodies, accepts POST (batch) and PUT
  (?statementId=), answers GET ?statementId=, and returns 409 for a different statement under a known id.
  It is not the learning record store the statements are proven against: that is Ralph (below).
- `ralph_lrs()` starts the Ralph LRS (PyPI `ralph-malph`, installed by scripts/install-xapi-tools.sh into
  its own venv) on 127.0.0.1 with its file-system backend, for tests/test_xapi_ralph.py.
- `node_validate()` runs LearningLocker's `xapi-validation` (npm) over statements, for an independent check.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS_ENV = "LEVERAGE_TEST_XAPI_TOOLS"
TOOLS_REQUIRED_ENV = "LEVERAGE_TEST_XAPI_TOOLS_REQUIRED"
USERNAME = "lms-writer"
PASSWORD = "pw-Zq83-not-in-any-output"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_record(**overrides: Any) -> Any:
    """A SessionRecord with sensible defaults (agreed, within walk-away, one moderate mistake)."""
    from trainer.domain.mistakes import MISTAKE_TITLES
    from trainer.instructor.xapi import MistakeResult, SessionRecord

    start = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    mistakes = tuple(
        MistakeResult(mid, title, mid == "urgency_signal", 2 if mid == "urgency_signal" else 0,
                      40 if mid == "urgency_signal" else 100)
        for mid, title in MISTAKE_TITLES.items()
    )  # fmt: skip
    values: dict[str, Any] = {
        "session_id": "5b0c1f3e-8d6a-4c1b-9e2f-7a3d4c5b6e70",
        "trainee_id": "0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f",
        "scenario_id": "tenant-landlord",
        "scenario_title": "The flagship lease renewal",
        "scenario_summary": "Your bakery-café's lease is ending.",
        "status": "agreed",
        "started_at": start,
        "ended_at": start + timedelta(minutes=14, seconds=7, milliseconds=250),
        "overall_score": 74,
        "mistakes": mistakes,
        "within_walkaway": True,
    }
    values.update(overrides)
    return SessionRecord(**values)


# ------------------------------------------------------------------------------------------------- stub LRS


@dataclass
class StubLrs:
    """A test-only statements endpoint; see the module docstring."""

    username: str = USERNAME
    password: str = PASSWORD
    port: int = field(default_factory=free_port)
    statements: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)  # method, path, query, version, status
    fail_next: int = 0  # answer this many requests with 503 (Retry-After: 0)
    refuse_batches: bool = False  # answer every POST with 400, as a store that rejects one bad statement
    _server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> StubLrs:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                stub.requests[-1]["status"] = status
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("X-Experience-API-Version", "1.0.3")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                stub.requests.append(
                    {"method": method, "path": url.path, "query": query, "status": None,
                     "version": self.headers.get("X-Experience-API-Version"),
                     "content_type": self.headers.get("Content-Type")}
                )  # fmt: skip
                if url.path != "/xAPI/statements":
                    return self._answer(404, {"error": "no such resource"})
                if self.headers.get("X-Experience-API-Version") != "1.0.3":
                    return self._answer(400, {"error": "X-Experience-API-Version 1.0.3 required"})
                token = base64.b64encode(f"{stub.username}:{stub.password}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {token}":
                    return self._answer(401, {"error": "invalid credentials"}, {"WWW-Authenticate": "Basic"})
                if stub.fail_next > 0:
                    stub.fail_next -= 1
                    return self._answer(503, {"error": "busy"}, {"Retry-After": "0"})
                if method == "GET":
                    found = stub.statements.get(query.get("statementId", ""))
                    return self._answer(200, found) if found else self._answer(404, {"error": "not found"})
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    return self._answer(400, {"error": "Content-Type application/json required"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._answer(400, {"error": "invalid JSON"})
                if method == "PUT":
                    sid = query.get("statementId")
                    if not sid or not isinstance(body, dict) or body.get("id", sid) != sid:
                        return self._answer(400, {"error": "statementId required and must match"})
                    if sid in stub.statements and stub.statements[sid] != body:
                        return self._answer(409, {"error": "a different statement has this id"})
                    stub.statements[sid] = body
                    return self._answer(204)
                if stub.refuse_batches:
                    return self._answer(400, {"error": "one statement in the batch is invalid"})
                batch = body if isinstance(body, list) else [body]
                if any(s.get("id") in stub.statements and stub.statements[s["id"]] != s for s in batch):
                    return self._answer(409, {"error": "a different statement has this id"})
                for s in batch:
                    stub.statements[s["id"]] = s
                return self._answer(200, [s["id"] for s in batch])

            def do_GET(self) -> None:  # noqa: N802
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

            def do_PUT(self) -> None:  # noqa: N802
                self._handle("PUT")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def stub_lrs(**kwargs: Any) -> Iterator[StubLrs]:
    stub = StubLrs(**kwargs).start()
    try:
        yield stub
    finally:
        stub.stop()


# ------------------------------------------------------------------------------------- the real tools (optional)


def tools_dir() -> Path:
    return Path(os.environ.get(TOOLS_ENV) or ROOT / ".venv" / "xapi-tools")


def _missing(what: str) -> None:
    message = f"{what} is not installed (run scripts/install-xapi-tools.sh)"
    if os.environ.get(TOOLS_REQUIRED_ENV):
        pytest.fail(f"{TOOLS_REQUIRED_ENV} is set but {message}")
    pytest.skip(message)


def ralph_python() -> Path:
    """The Python of the venv holding Ralph (skips, or fails when required, if absent)."""
    python = tools_dir() / "ralph" / "bin" / "python"
    if not python.exists():
        _missing("the Ralph LRS")
    return python


def node_validator_dir() -> Path:
    """The folder whose node_modules hold xapi-validation (skips, or fails when required, if absent)."""
    folder = tools_dir() / "node"
    if not (folder / "node_modules" / "xapi-validation" / "package.json").exists() or not _which("node"):
        _missing("LearningLocker's xapi-validation (npm) or node")
    return folder


def _which(name: str) -> str | None:
    from shutil import which

    return which(name)


_NODE_SCRIPT = """
const validate = require('xapi-validation').default;
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = items.map((s) => validate(s).map((w) => w.path.join('.') + ': ' + w.name));
process.stdout.write(JSON.stringify(out));
"""


def node_validate(statements: list[Any]) -> list[list[str]]:
    """LearningLocker's warnings for each statement (an empty list = valid)."""
    folder = node_validator_dir()
    done = subprocess.run(
        ["node", "-e", _NODE_SCRIPT], input=json.dumps(statements), capture_output=True, text=True,
        cwd=folder, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


# Ralph 5.1's file-system backend writes its statements file with the CREATE operation, so the second write
# to the same file fails ("already exists and overwrite is not allowed"). The launcher switches that backend
# to APPEND before the app loads; nothing else about the LRS is changed.
_RALPH_LAUNCHER = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""

_RALPH_AUTH = """
import bcrypt, json, sys
hashed = bcrypt.hashpw(sys.argv[2].encode(), bcrypt.gensalt(rounds=4)).decode()
agent = {"objectType": "Agent", "account": {"homePage": "https://leverage.invalid", "name": "lrs-writer"}}
json.dump([{"agent": agent, "scopes": ["all"], "hash": hashed, "username": sys.argv[1]}], open(sys.argv[3], "w"))
"""


@dataclass
class RalphLrs:
    python: Path
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self, timeout: float = 60.0) -> RalphLrs:
        """Start uvicorn with Ralph on 127.0.0.1 and wait until its heartbeat answers."""
        import urllib.request

        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "RALPH_APP_DIR": str(self.workdir / "app"),
            "RALPH_AUTH_FILE": str(self.workdir / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.workdir / "data"),
        }
        (self.workdir / "data").mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.python), "-c", _RALPH_LAUNCHER, str(self.port)], cwd=self.workdir, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Ralph did not answer within {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        path = self.workdir / "ralph.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def ralph_auth_file(python: Path, workdir: Path, username: str = USERNAME, password: str = PASSWORD) -> None:
    """Write Ralph's Basic-auth file (bcrypt, cheap rounds) for one user allowed to read and write."""
    workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(python), "-c", _RALPH_AUTH, username, password, str(workdir / "auth.json")], check=True, timeout=60
    )

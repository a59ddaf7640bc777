"""Helpers for the scale-path tests against real servers (fixtures are in server_fixtures.py).

Real servers for the scale-path tests: a llama.cpp OpenAI-compatible server and a Chroma server.

Each is found through an environment variable that .ci/run sets after starting it with the scripts
(LEVERAGE_TEST_LLAMA_URL, LEVERAGE_TEST_CHROMA_URL), or else started here for the test session with the same
scripts (scripts/start-llama-server.sh, scripts/start-chroma.sh) on free ports and stopped afterwards.
A server that cannot start skips its tests with the reason; with LEVERAGE_TEST_SERVERS_REQUIRED=1 (CI) it fails
them instead, as LEVERAGE_TEST_PG_REQUIRED does for PostgreSQL.

Test modules use `pytest_plugins = ["server_fixtures"]` for the fixtures and import helpers from here.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LLAMA_ENV = "LEVERAGE_TEST_LLAMA_URL"
LLAMA_MODEL_ENV = "LEVERAGE_TEST_LLAMA_MODEL"  # the alias the server answers to (scripts default: leverage-local)
CHROMA_ENV = "LEVERAGE_TEST_CHROMA_URL"
REQUIRED_ENV = "LEVERAGE_TEST_SERVERS_REQUIRED"
DEFAULT_ALIAS = "leverage-local"

SERVER_MARKS = [pytest.mark.slow, pytest.mark.servers]


def unavailable(reason: str) -> None:
    """Skip with the reason, or fail when CI requires the servers."""
    if os.environ.get(REQUIRED_ENV):
        pytest.fail(f"{REQUIRED_ENV} is set, but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    """A free localhost port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float = 3.0) -> bool:
    """True when GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except Exception:  # noqa: BLE001 - any failure means: not reachable
        return False


class ServerStartError(RuntimeError):
    """A start script failed; the message carries the end of its output."""


@dataclass
class ScriptServer:
    """One server run through scripts/start-<name>.sh and scripts/stop-<name>.sh, with its own port and run dir."""

    kind: str  # "llama" or "chroma"
    port: int
    run_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""
    start_seconds: float = 0.0

    @property
    def _scripts(self) -> tuple[str, str]:
        return {"llama": ("start-llama-server.sh", "stop-llama-server.sh"),
                "chroma": ("start-chroma.sh", "stop-chroma.sh")}[self.kind]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        env["RUN_DIR"] = str(self.run_dir)
        env.setdefault("LEVERAGE_PYTHON", sys.executable)
        if self.kind == "llama":
            env["LLAMA_PORT"] = str(self.port)
        else:
            env["CHROMA_PORT"] = str(self.port)
            env.setdefault("CHROMA_PATH", str(self.run_dir / f"chroma-data-{self.port}"))
        return env

    def start(self, timeout: float = 300) -> str:
        """Run the start script; returns the URL it printed last (ServerStartError on failure)."""
        started = time.monotonic()
        try:
            done = subprocess.run(["bash", str(ROOT / "scripts" / self._scripts[0])], env=self._env(), cwd=ROOT,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.stop()
            raise ServerStartError(f"{self._scripts[0]} did not finish within {timeout:.0f} s") from exc
        self.start_seconds = time.monotonic() - started
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
            raise ServerStartError(f"{self._scripts[0]} exited with {done.returncode}:\n{tail}")
        self.url = lines[-1].strip()
        return self.url

    def stop(self) -> None:
        """Run the stop script (harmless when not running)."""
        subprocess.run(["bash", str(ROOT / "scripts" / self._scripts[1])], env=self._env(), cwd=ROOT,
                       capture_output=True, text=True, timeout=60)


@dataclass
class LlamaServer:
    """Where the OpenAI-compatible server is and what to call its model."""

    url: str  # base URL ending in /v1
    model: str

    def env(self) -> dict[str, str]:
        """The settings that point the app at this server."""
        return {"LEVERAGE_LLM_BACKEND": "openai", "LEVERAGE_LLM_BASE_URL": self.url, "LEVERAGE_LLM_MODEL": self.model}


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a `trainer` subprocess: no stray LEVERAGE_*/OPENAI_* from the shell, data in tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVERAGE_", "OPENAI_"))}
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    env.update(LEVERAGE_DATA_DIR=str(data), LEVERAGE_DB_URL=f"sqlite:///{data / 'leverage.db'}",
               LEVERAGE_LLM_BACKEND="template")
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m trainer.cli ARGS` in its own process, from the checkout."""
    return subprocess.run([sys.executable, "-m", "trainer.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def cli_json(args: list[str], env: dict[str, str], timeout: float = 600) -> dict:
    """Run a --json command that must succeed; its stdout parsed."""
    done = run_cli(args, env, timeout)
    assert done.returncode == 0, f"trainer {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)

"""Fixtures for the scale-path tests: running llama.cpp and Chroma servers (see server_support.py for how they are
found or started). Use with `pytest_plugins = ["server_fixtures"]`."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import (
    CHROMA_ENV,
    DEFAULT_ALIAS,
    LLAMA_ENV,
    LLAMA_MODEL_ENV,
    LlamaServer,
    ScriptServer,
    ServerStartError,
    free_port,
    http_ok,
    unavailable,
)


def _from_env_or_started(env_name: str, health_path: str, kind: str,
                         tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL from env_name (checked), or a server started for this test session."""
    given = os.environ.get(env_name, "").rstrip("/")
    if given:
        if not http_ok(given + health_path, timeout=120):  # llama.cpp answers /models only between requests
            unavailable(f"{env_name}={given} does not answer {health_path}")
        yield given
        return
    server = ScriptServer(kind, free_port(), tmp_path_factory.mktemp(f"{kind}-run"))
    try:
        url = server.start()
    except ServerStartError as exc:
        unavailable(f"the {kind} server could not start ({exc}); set {env_name} to a running one")
    sys.stderr.write(f"\n[server_fixtures] started {kind} at {url} in {server.start_seconds:.1f} s\n")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A running llama.cpp OpenAI-compatible server (shared by the session's tests; never stopped by them)."""
    for url in _from_env_or_started(LLAMA_ENV, "/models", "llama", tmp_path_factory):
        yield LlamaServer(url, os.environ.get(LLAMA_MODEL_ENV, DEFAULT_ALIAS))


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Chroma server's URL (tests reset the collections they use)."""
    yield from _from_env_or_started(CHROMA_ENV, "/api/v2/heartbeat", "chroma", tmp_path_factory)


@pytest.fixture
def own_llama_server(tmp_path: Path) -> Iterator[ScriptServer]:
    """A llama.cpp server of this test's own, on its own port, that the test may stop and start again."""
    server = ScriptServer("llama", free_port(), tmp_path / "llama-run")
    try:
        server.start()
    except ServerStartError as exc:
        unavailable(f"the llama server could not start ({exc})")
    try:
        yield server
    finally:
        server.stop()

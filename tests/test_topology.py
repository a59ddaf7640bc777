"""scripts/topology.sh: the documented topology (nginx, two Streamlit replicas, PostgreSQL, Chroma, the llama.cpp
server) as plain processes on localhost, the same services as deploy/compose.yaml. Needs nginx and a PostgreSQL
(LEVERAGE_TEST_PG_URL); skips without them, and fails when CI requires the servers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from server_support import ROOT, free_port, http_ok, unavailable

SCRIPT = ROOT / "scripts" / "topology.sh"
WAIT_MS = 180_000  # a reply from the model server on a busy 2-core machine


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL, as the replicas' shared database."""
    from db_fixtures import pg_schema

    yield from pg_schema()


@pytest.fixture(scope="module")
def topology(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The topology started with the script on free ports (the quick SmolLM2 model), stopped after the module."""
    tmp_path = tmp_path_factory.mktemp("topology")
    if shutil.which("nginx") is None:
        unavailable("nginx is not installed (apt-get install nginx), so the topology's proxy cannot start")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVERAGE_", "OPENAI_"))}
    env.update(TOPOLOGY_DIR=str(tmp_path / "topology"), LLAMA_MODEL="smollm2", LEVERAGE_DB_URL=pg_url,
               PROXY_PORT=str(free_port()), APP1_PORT=str(free_port()), APP2_PORT=str(free_port()),
               LLAMA_PORT=str(free_port()), CHROMA_PORT=str(free_port()))
    env.setdefault("LEVERAGE_PYTHON", sys.executable)
    started = subprocess.run(["bash", str(SCRIPT), "start"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=600)
    try:
        if started.returncode != 0:
            unavailable(f"scripts/topology.sh start exited {started.returncode}: {started.stderr[-2000:]}")
        env["URL"] = started.stdout.strip().splitlines()[-1]
        yield env
    finally:
        stopped = subprocess.run(["bash", str(SCRIPT), "stop"], cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=120)
        assert stopped.returncode == 0, stopped.stderr
        for port in ("PROXY_PORT", "APP1_PORT", "APP2_PORT", "LLAMA_PORT", "CHROMA_PORT"):
            assert not http_ok(f"http://127.0.0.1:{env[port]}/", timeout=1), f"{port} still answers after stop"


@pytest.mark.slow
@pytest.mark.servers
def test_topology_serves_both_replicas_behind_one_port(topology: dict[str, str]) -> None:
    url = topology["URL"]
    assert url == f"http://127.0.0.1:{topology['PROXY_PORT']}"
    status = subprocess.run(["bash", str(SCRIPT), "status"], cwd=ROOT, env=topology, capture_output=True,
                            text=True, timeout=60)
    assert status.returncode == 0 and "down" not in status.stdout, status.stdout

    # Browsers without a route cookie are spread over both replicas; one with a cookie stays on its replica.
    for _ in range(12):
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
            assert response.status == 200 and response.read().strip() == b"ok"
            assert any(c.startswith("leverage_route=") for c in response.headers.get_all("Set-Cookie") or [])
    for _ in range(4):
        request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": "leverage_route=tab-1"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    log = (Path(topology["TOPOLOGY_DIR"]) / "run" / "nginx-access.log").read_text()
    upstreams = re.findall(r"upstream=(\S+) route=(\S+)", log)
    replicas = {f"127.0.0.1:{topology['APP1_PORT']}", f"127.0.0.1:{topology['APP2_PORT']}"}
    assert {u for u, _ in upstreams} == replicas, log
    assert len({u for u, route in upstreams if route == "tab-1"}) == 1  # affinity for one browser
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        assert response.status == 200  # the app's page, through the proxy

    # The replicas were started with the shared services' settings.
    settings = dict(line.split("=", 1) for line in
                    (Path(topology["TOPOLOGY_DIR"]) / "run" / "app.env").read_text().splitlines())
    assert settings["LEVERAGE_DB_URL"] == topology["LEVERAGE_DB_URL"]
    assert settings["LEVERAGE_LLM_BACKEND"] == "openai"
    assert settings["LEVERAGE_LLM_BASE_URL"] == f"http://127.0.0.1:{topology['LLAMA_PORT']}/v1"
    assert settings["LEVERAGE_CHROMA_URL"] == f"http://127.0.0.1:{topology['CHROMA_PORT']}"


def test_compose_file_matches_the_topology_script() -> None:
    """deploy/compose.yaml and scripts/topology.sh describe the same services with the same settings."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"proxy", "app1", "app2", "db", "chroma", "llm"}
    script = SCRIPT.read_text()
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    app = services["app1"]
    assert app == services["app2"]
    for variable in ("LEVERAGE_DB_URL", "LEVERAGE_CHROMA_URL", "LEVERAGE_LLM_BACKEND", "LEVERAGE_LLM_BASE_URL",
                     "LEVERAGE_LLM_MODEL", "LEVERAGE_DATA_DIR", "LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT",
                     "LEVERAGE_LLM_TIMEOUT"):
        assert variable in app["environment"] and f"{variable}=" in script, variable
    assert app["environment"]["LEVERAGE_LLM_BACKEND"] == "openai"
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"]) and "/_stcore/health" in script
    llm = services["llm"]["command"]
    assert llm[:3] == ["python", "-m", "llama_cpp.server"]
    llama_script = (ROOT / "scripts" / "start-llama-server.sh").read_text()
    for flag in ("--model_alias", "--n_ctx", "--interrupt_requests"):
        assert flag in llm and flag in llama_script, flag
    assert llm[llm.index("--interrupt_requests") + 1] == "false"
    assert services["chroma"]["command"][:2] == ["chroma", "run"]
    assert '"${CHROMA}" run --path' in (ROOT / "scripts" / "start-chroma.sh").read_text()
    proxy = services["proxy"]
    template = "./nginx/leverage.conf.template"
    assert any(v.startswith(template) for v in proxy["volumes"]) and "deploy/nginx/leverage.conf.template" in script
    assert {"APP1_ADDR", "APP2_ADDR", "PROXY_PORT", "ACCESS_LOG"} <= set(proxy["environment"])


@pytest.mark.slow
@pytest.mark.servers
@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is not installed")
def test_a_tab_whose_replica_dies_resumes_on_the_other(topology: dict[str, str], tmp_path: Path) -> None:
    """In a real browser through the proxy: two turns, the replica serving the tab is killed (SIGKILL), a reload
    lands on the other replica, which restores the same conversation from PostgreSQL and answers the next turn."""
    import signal

    from browser_support import launch_context, new_page
    from playwright.sync_api import expect, sync_playwright

    run = Path(topology["TOPOLOGY_DIR"]) / "run"

    def serving(route: str) -> str:
        return re.findall(rf"upstream=(\S+) route={route}", (run / "nginx-access.log").read_text())[-1]

    with sync_playwright() as p:
        context = launch_context(p, tmp_path / "profile")
        page = new_page(context, timeout_ms=180_000)
        page.goto(topology["URL"])
        expect(page.get_by_text("Practice a negotiation")).to_be_visible(timeout=WAIT_MS)
        page.locator(".st-key-brief-carmaker-renewal button").click()
        page.get_by_role("button", name="Start the negotiation").click()
        messages = page.get_by_test_id("stChatMessage")
        chat = page.get_by_test_id("stChatInputTextArea")
        lines = ["Before we get into numbers: we will prepare the first draft.",
                 "Who else on your side has a stake in this renewal?"]
        for n, text in enumerate(lines, 1):
            chat.fill(text)
            chat.press("Enter")
            expect(messages).to_have_count(1 + 2 * n, timeout=WAIT_MS)
            expect(chat).to_be_enabled(timeout=WAIT_MS)  # the streamed reply is complete and saved
        # The input is enabled early in the rerun that follows a reply; until that run ends, the streamed copy of
        # the reply is still on the page next to the saved one. Read the conversation once nothing is stale.
        expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=WAIT_MS)
        expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=WAIT_MS)
        before = messages.all_inner_texts()
        route = next(c["value"] for c in context.cookies() if c["name"] == "leverage_route")
        first = serving(route)
        os.kill(int((run / f"app-{first.rsplit(':', 1)[1]}.pid").read_text()), signal.SIGKILL)

        page.reload()  # the browser reconnects; the proxy sends it to the surviving replica
        expect(messages).to_have_count(len(before), timeout=WAIT_MS)
        assert serving(route) != first
        expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=WAIT_MS)
        assert messages.all_inner_texts() == before  # the whole conversation, word for word
        chat.fill("We propose a unit price of 210 euros per unit and payment in 45 days.")
        chat.press("Enter")
        expect(messages).to_have_count(len(before) + 2, timeout=WAIT_MS)
        expect(chat).to_be_enabled(timeout=WAIT_MS)
        context.close()

"""Sending the LMS record: batches, retries with jittered back-off, the outbox when the LRS is down, conflicts,
refused credentials, `trainer instructor export-xapi`, and credentials that never reach output or logs.

The server here is tests/xapi_support.StubLrs, a test-only stand-in that enforces the xAPI headers and Basic
auth and can fail on demand. The same client is proven against a real LRS (Ralph) in test_xapi_ralph.py.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from pathlib import Path

import pytest
from accounts_support import make_account
from report_factory import make_report
from typer.testing import CliRunner
from xapi_support import PASSWORD, USERNAME, free_port, make_record, stub_lrs

from trainer.config import ConfigError, get_settings
from trainer.instructor.xapi import build_statement
from trainer.instructor.xapi_lrs import LrsClient, LrsConfig, LrsUnavailable, Outbox, deliver, redact

HOME = "https://lms.example.org"
TOKEN = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
SECRETS = (PASSWORD, USERNAME, TOKEN)


def statements(n: int = 3) -> list[dict]:
    return [build_statement(make_record(session_id=str(uuid.uuid4()), overall_score=60 + i), HOME) for i in range(n)]


class Sleeps(list):
    """Records the delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(endpoint: str, password: str = PASSWORD, **kwargs) -> tuple[LrsClient, Sleeps]:
    sleeps = Sleeps()
    config = LrsConfig(endpoint, USERNAME, password, timeout=5, **kwargs)
    return LrsClient(config, sleep=sleeps, rand=lambda: 0.5), sleeps


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_sends_a_batch_with_the_xapi_headers_and_reads_it_back(tmp_path: Path) -> None:
    batch = statements(3)
    with stub_lrs() as lrs:
        client, sleeps = client_for(lrs.endpoint)
        report = deliver(batch, client, Outbox(tmp_path / "outbox.jsonl"))
        assert report.ok and sorted(report.sent) == sorted(s["id"] for s in batch) and sleeps == []
        assert [(r["method"], r["status"], r["version"]) for r in lrs.requests] == [("POST", 200, "1.0.3")]
        assert lrs.requests[0]["content_type"] == "application/json"
        assert client.get_statement(batch[1]["id"]) == batch[1]
        assert client.get_statement(str(uuid.uuid4())) is None
    assert not (tmp_path / "outbox.jsonl").exists()


def test_resending_is_idempotent(tmp_path: Path) -> None:
    batch = statements(2)
    with stub_lrs() as lrs:
        client, _ = client_for(lrs.endpoint)
        deliver(batch, client, Outbox(tmp_path / "o.jsonl"))
        again = deliver(batch, client, Outbox(tmp_path / "o.jsonl"))
        assert again.ok and len(again.sent) == 2 and again.conflicts == [] and len(lrs.statements) == 2


def test_batches_split_by_size(tmp_path: Path) -> None:
    with stub_lrs() as lrs:
        client, _ = client_for(lrs.endpoint, batch_size=2)
        report = deliver(statements(5), client, Outbox(tmp_path / "o.jsonl"))
        assert len(report.sent) == 5 and [r["method"] for r in lrs.requests] == ["POST"] * 3


def test_transient_errors_are_retried_with_bounded_jittered_backoff(tmp_path: Path) -> None:
    with stub_lrs(fail_next=2) as lrs:
        client, sleeps = client_for(lrs.endpoint, base_delay=0.5, max_delay=8)
        report = deliver(statements(2), client, Outbox(tmp_path / "o.jsonl"))
        assert report.ok and [r["status"] for r in lrs.requests] == [503, 503, 200]
        assert sleeps == [0.375, 0.75]  # rand 0.5: step/2 + step/4 for steps 0.5 and 1.0


def test_backoff_bounds() -> None:
    config = LrsConfig("https://lrs.example/", "u", "p", base_delay=1, max_delay=5)
    low = LrsClient(config, rand=lambda: 0.0)
    high = LrsClient(config, rand=lambda: 0.999999)
    for attempt in range(8):
        step = min(5, 2**attempt)
        assert step / 2 <= low._delay(attempt, None) <= high._delay(attempt, None) <= step
    assert low._delay(0, retry_after=3) == 3 and low._delay(0, retry_after=60) == 5  # Retry-After, capped


def test_gives_up_after_the_attempts(tmp_path: Path) -> None:
    with stub_lrs(fail_next=10) as lrs:
        client, sleeps = client_for(lrs.endpoint, attempts=3)
        report = deliver(statements(2), client, Outbox(tmp_path / "o.jsonl"))
        assert len(lrs.requests) == 3 and len(sleeps) == 2
        assert len(report.kept) == 2 and "HTTP 503" in report.errors[0] and "after 3 attempts" in report.errors[0]


def test_outbox_when_the_lrs_is_down_then_up(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/xAPI/"
    outbox = Outbox(tmp_path / "data" / "xapi-outbox.jsonl")
    first = statements(3)
    client, sleeps = client_for(endpoint, attempts=3)
    down = deliver(first, client, outbox)
    assert down.sent == [] and sorted(down.kept) == sorted(s["id"] for s in first) and len(sleeps) == 2
    assert "Connection refused" in down.errors[0] or "URLError" in down.errors[0]
    assert sorted(outbox.load()) == sorted(down.kept)
    assert oct(outbox.path.stat().st_mode & 0o777) == "0o600"

    later = statements(1)
    with stub_lrs(port=port) as lrs:
        up = deliver(later, client, outbox)
        assert up.ok and up.from_outbox == 3 and len(up.sent) == 4 and len(lrs.statements) == 4
    assert not outbox.path.exists() and outbox.load() == {}


def test_nothing_is_lost_if_sending_crashes(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.jsonl")
    batch = statements(2)

    class Crashing(LrsClient):
        def send(self, items):  # noqa: ANN001
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        deliver(batch, Crashing(LrsConfig("https://lrs.example/", "u", "p")), outbox)
    assert sorted(outbox.load()) == sorted(s["id"] for s in batch)


def test_a_rebuilt_statement_replaces_its_older_copy_in_the_outbox(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.jsonl")
    old = build_statement(make_record(overall_score=50), HOME)
    new = build_statement(make_record(overall_score=55), HOME)
    outbox.save([old])
    with stub_lrs() as lrs:
        report = deliver([new], client_for(lrs.endpoint)[0], outbox)
        assert report.sent == [new["id"]] and report.from_outbox == 0 and lrs.statements[new["id"]] == new


def test_unreadable_outbox_lines_are_set_aside_not_lost(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.jsonl")
    good = statements(1)[0]
    outbox.path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    assert list(outbox.load()) == [good["id"]]
    assert (tmp_path / "o.jsonl.unreadable").read_text() == "{not json\n"


def test_a_refused_batch_is_sent_one_by_one(tmp_path: Path) -> None:
    batch = statements(3)
    with stub_lrs(refuse_batches=True) as lrs:
        report = deliver(batch, client_for(lrs.endpoint)[0], Outbox(tmp_path / "o.jsonl"))
        assert report.ok and len(report.sent) == 3
        assert [(r["method"], r["status"]) for r in lrs.requests] == [("POST", 400)] + [("PUT", 204)] * 3
        assert all(r["query"]["statementId"] for r in lrs.requests[1:])


def test_a_conflict_is_reported_and_not_retried(tmp_path: Path) -> None:
    batch = statements(2)
    changed = dict(batch[0], result={**batch[0]["result"], "score": {"scaled": 0.1, "raw": 10, "min": 0, "max": 100}})
    outbox = Outbox(tmp_path / "o.jsonl")
    with stub_lrs() as lrs:
        lrs.statements[batch[0]["id"]] = changed  # the LRS already holds another version (re-evaluated session)
        report = deliver(batch, client_for(lrs.endpoint)[0], outbox)
        assert report.conflicts == [batch[0]["id"]] and report.sent == [batch[1]["id"]] and report.kept == []
    assert not outbox.path.exists()


def test_wrong_credentials_stop_the_run_and_keep_everything(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outbox = Outbox(tmp_path / "o.jsonl")
    with stub_lrs() as lrs:
        client, _ = client_for(lrs.endpoint, password="a-wrong-passw0rd", batch_size=1)
        report = deliver(statements(3), client, outbox)
        assert len(lrs.requests) == 1 and len(report.kept) == 3 and report.sent == []
        assert "HTTP 401" in report.errors[0] and "LEVERAGE_XAPI_PASSWORD" in report.errors[0]
    assert len(outbox.load()) == 3
    assert "a-wrong-passw0rd" not in caplog.text and "a-wrong-passw0rd" not in " ".join(report.errors)


def test_redaction() -> None:
    assert redact(f"user {USERNAME} pw {PASSWORD} basic {TOKEN}", SECRETS) == "user *** pw *** basic ***"
    assert redact("a b", ("a", "")) == "a b"  # too short to redact without mangling every message
    config = LrsConfig("https://lrs.example/", USERNAME, PASSWORD)
    assert_no_secrets(repr(config), repr(LrsClient(config)))
    with pytest.raises(LrsUnavailable) as caught:
        LrsClient(LrsConfig(f"http://127.0.0.1:{free_port()}/{PASSWORD}/", USERNAME, PASSWORD, attempts=1)).request(
            "GET", f"http://127.0.0.1:{free_port()}/{PASSWORD}/statements"
        )
    assert_no_secrets(str(caught.value))


# ------------------------------------------------------------------------------------------------- settings


@pytest.fixture
def xapi_env(tmp_settings, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    for name in ("LEVERAGE_XAPI_ENDPOINT", "LEVERAGE_XAPI_USERNAME", "LEVERAGE_XAPI_PASSWORD", "LEVERAGE_XAPI_HOMEPAGE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("lrs.example.org/xAPI", "absolute http:// or https://"),
        (f"https://{USERNAME}:{PASSWORD}@lrs.example.org/xAPI", "must not carry credentials"),
        ("https://lrs.example.org/xAPI?key=1", "must not carry credentials, a query"),
        ("http://lrs.example.org/xAPI", "must use https://"),
    ],
)
def test_endpoint_settings_are_checked_without_echoing_them(xapi_env, endpoint: str, message: str) -> None:  # noqa: ANN001
    xapi_env.setenv("LEVERAGE_XAPI_ENDPOINT", endpoint)
    xapi_env.setenv("LEVERAGE_XAPI_USERNAME", USERNAME)
    xapi_env.setenv("LEVERAGE_XAPI_PASSWORD", PASSWORD)
    with pytest.raises(ConfigError) as caught:
        get_settings()
    assert message in str(caught.value) and "LEVERAGE_XAPI_ENDPOINT" in str(caught.value)
    assert_no_secrets(str(caught.value))
    assert endpoint not in str(caught.value)


def test_endpoint_needs_credentials_and_is_normalised(xapi_env) -> None:  # noqa: ANN001
    xapi_env.setenv("LEVERAGE_XAPI_ENDPOINT", "https://lrs.example.org/xAPI")
    with pytest.raises(ConfigError, match="LEVERAGE_XAPI_USERNAME and LEVERAGE_XAPI_PASSWORD are required"):
        get_settings()
    xapi_env.setenv("LEVERAGE_XAPI_USERNAME", USERNAME)
    xapi_env.setenv("LEVERAGE_XAPI_PASSWORD", PASSWORD)
    xapi_env.setenv("LEVERAGE_XAPI_HOMEPAGE", "https://lms.example.org/")
    settings = get_settings()
    assert settings.xapi_endpoint == "https://lrs.example.org/xAPI/" and settings.xapi_homepage == HOME
    assert LrsConfig.from_settings(settings).statements_url == "https://lrs.example.org/xAPI/statements"
    assert_no_secrets(repr(settings), str(settings), repr(LrsConfig.from_settings(settings)))
    xapi_env.setenv("LEVERAGE_XAPI_ENDPOINT", "http://127.0.0.1:8100/xAPI/")  # plain http on loopback only
    assert get_settings().xapi_endpoint == "http://127.0.0.1:8100/xAPI/"
    xapi_env.delenv("LEVERAGE_XAPI_ENDPOINT")
    assert LrsConfig.from_settings(get_settings()) is None  # unset endpoint: nothing is ever sent


# ------------------------------------------------------------------------------------------------------ CLI


runner = CliRunner()
OWNER, OWNER_PASSPHRASE = "tess", "tess's own passphrase"


@pytest.fixture
def cohort_code(xapi_env) -> str:  # noqa: ANN001
    """A cohort with two evaluated sessions, one unevaluated ended session and one open session."""
    from trainer.instructor import cohorts
    from trainer.storage.store import Store

    store = Store(get_settings().db_url)
    store.migrate()
    owner = make_account(store, OWNER, OWNER_PASSPHRASE)
    make_account(store, "omar", "omar's own passphrase")
    cohort = cohorts.create_cohort(store, owner, "Sales EMEA")
    ada = store.create_trainee("Ada", cohort_code=cohort.join_code)
    for status, evaluate in (("agreed", True), ("walked_away", True), ("ended", False)):
        sid = store.create_session(ada.id, "carmaker-renewal", 1, "template", "{}")
        store.add_turn(sid, "trainee", "Hello")
        store.update_session(sid, status=status)
        if evaluate:
            store.save_evaluation(sid, make_report({"urgency_signal": 20}))
    store.create_session(ada.id, "carmaker-renewal", 1, "template", "{}")
    store.dispose()
    return cohort.join_code


def invoke(*args: str, actor: str = "tess", passphrase: str = "tess's own passphrase"):  # noqa: ANN201
    """The command as an instructor (by default the cohort's owner), the passphrase piped on stdin."""
    from trainer.cli import app

    return runner.invoke(app, ["instructor", "export-xapi", *args, "--as", actor], input=f"{passphrase}\n")


def test_cli_writes_a_json_array(cohort_code: str, tmp_path: Path) -> None:
    out = tmp_path / "statements.json"
    result = invoke(cohort_code, "--out", str(out))
    assert result.exit_code == 0, result.output
    items = json.loads(out.read_text())
    assert len(items) == 2 and {s["object"]["definition"]["name"]["en-US"] for s in items} == {
        "Phase two with a giant carmaker"
    }
    assert "wrote 2 xAPI statements" in result.stderr
    assert "1 finished but not yet evaluated" in result.stderr and "1 still open" in result.stderr
    assert "LRS" not in result.stderr  # no endpoint: nothing sent


def test_cli_writes_json_lines_and_stdout(cohort_code: str, tmp_path: Path) -> None:
    out = tmp_path / "statements.jsonl"
    assert invoke(cohort_code, "--out", str(out)).exit_code == 0
    assert len([json.loads(line) for line in out.read_text().splitlines()]) == 2
    to_stdout = invoke(cohort_code, "--format", "jsonl")
    assert to_stdout.exit_code == 0 and len(to_stdout.stdout.splitlines()) == 2
    assert invoke(cohort_code, "--format", "xml").exit_code == 2
    assert invoke("NOPE-NOPE").exit_code == 1


def test_cli_exports_only_the_acting_instructors_cohort(cohort_code: str, tmp_path: Path) -> None:
    out = tmp_path / "statements.json"
    foreign = invoke(cohort_code, "--out", str(out), actor="omar", passphrase="omar's own passphrase")
    assert foreign.exit_code == 1 and "no cohort with code" in foreign.output and not out.exists()
    wrong = invoke(cohort_code, "--out", str(out), passphrase="not the passphrase")
    assert wrong.exit_code == 1 and "Wrong name or passphrase" in wrong.output and not out.exists()


def test_cli_sends_keeps_and_resends_without_leaking_credentials(
    cohort_code: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("time.sleep", lambda s: None)
    port = free_port()
    monkeypatch.setenv("LEVERAGE_XAPI_ENDPOINT", f"http://127.0.0.1:{port}/xAPI")
    monkeypatch.setenv("LEVERAGE_XAPI_USERNAME", USERNAME)
    monkeypatch.setenv("LEVERAGE_XAPI_PASSWORD", PASSWORD)
    out = tmp_path / "s.json"
    outbox = Path(get_settings().data_dir) / "xapi-outbox.jsonl"

    down = invoke(cohort_code, "--out", str(out))  # nothing listens on the port yet
    assert down.exit_code == 1 and out.exists()
    assert "LRS: sent 0, kept 2" in down.stderr and str(outbox) in down.stderr and len(outbox.read_text().splitlines()) == 2

    with stub_lrs(port=port) as lrs:
        up = invoke(cohort_code, "--out", str(out))
        assert up.exit_code == 0, up.output
        assert "LRS: sent 2, kept 0" in up.stderr and len(lrs.statements) == 2 and not outbox.exists()
        again = invoke(cohort_code, "--no-send")
        assert again.exit_code == 0 and "LRS" not in again.stderr and len(lrs.requests) == 1

    monkeypatch.setenv("LEVERAGE_XAPI_PASSWORD", "another-wrong-one")
    with stub_lrs(port=port):
        refused = invoke(cohort_code)
        assert refused.exit_code == 1 and "HTTP 401" in refused.stderr

    monkeypatch.delenv("LEVERAGE_XAPI_ENDPOINT")  # revoked: the outbox stays, nothing is sent
    waiting = invoke(cohort_code, "--out", str(out))
    assert waiting.exit_code == 0 and "2 statements wait in" in waiting.stderr

    captured = capfd.readouterr()
    texts = [r.output for r in (down, up, again, refused, waiting)] + [caplog.text, captured.out, captured.err]
    texts += [out.read_text(), outbox.read_text()]
    assert_no_secrets(*texts)
    assert "another-wrong-one" not in " ".join(texts)

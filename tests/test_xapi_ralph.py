"""The LMS record against a real learning record store: Ralph (PyPI `ralph-malph` 5.1, openfun/ralph), started
on 127.0.0.1 with its file-system backend. Statements are POSTed by the project's client, read back with GET,
re-sent idempotently, and kept in the outbox while the LRS is down, then delivered once it is up.

Needs scripts/install-xapi-tools.sh (Ralph lives in its own venv); skips without it, or fails when
LEVERAGE_TEST_XAPI_TOOLS_REQUIRED is set.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from xapi_support import PASSWORD, USERNAME, RalphLrs, make_record, ralph_auth_file, ralph_python

from trainer.instructor.xapi import build_statement
from trainer.instructor.xapi_lrs import LrsClient, LrsConfig, Outbox, deliver

pytestmark = pytest.mark.slow

HOME = "https://lms.example.org"
# What an LRS adds or may normalise on the way back; everything else must come back as sent.
LRS_PROPERTIES = ("stored", "authority", "version")


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[RalphLrs]:
    python = ralph_python()
    ralph_auth_file(python, tmp_path / "ralph")
    lrs = RalphLrs(python, tmp_path / "ralph").start()
    try:
        yield lrs
    finally:
        lrs.stop()


def client(endpoint: str, password: str = PASSWORD, **kwargs) -> LrsClient:
    return LrsClient(LrsConfig(endpoint, USERNAME, password, timeout=10, **kwargs), sleep=lambda s: None)


def statements(n: int) -> list[dict]:
    return [
        build_statement(make_record(session_id=str(uuid.uuid4()), trainee_id=str(uuid.uuid4()), overall_score=50 + i), HOME)
        for i in range(n)
    ]


def stripped(statement: dict) -> dict:
    return {k: v for k, v in statement.items() if k not in LRS_PROPERTIES}


def test_ralph_accepts_and_returns_the_statements(ralph: RalphLrs, tmp_path: Path) -> None:
    batch = statements(3)
    lrs = client(ralph.endpoint)
    report = deliver(batch, lrs, Outbox(tmp_path / "outbox.jsonl"))
    assert report.ok and sorted(report.sent) == sorted(s["id"] for s in batch), report
    for sent in batch:
        stored = lrs.get_statement(sent["id"])
        assert stored is not None and stripped(stored) == sent
        assert stored["authority"]["account"]["name"] == "lrs-writer"  # Ralph set it from our credentials

    again = deliver(batch, lrs, Outbox(tmp_path / "outbox.jsonl"))  # re-sending is harmless
    assert again.ok and again.conflicts == []
    more = statements(2)  # a second write to the same store
    assert deliver(more, lrs, Outbox(tmp_path / "outbox.jsonl")).ok
    assert all(lrs.get_statement(s["id"]) is not None for s in more)


def test_ralph_reports_a_conflict_for_a_changed_statement(ralph: RalphLrs, tmp_path: Path) -> None:
    first = build_statement(make_record(overall_score=70), HOME)
    lrs = client(ralph.endpoint)
    assert deliver([first], lrs, Outbox(tmp_path / "o.jsonl")).ok
    changed = build_statement(make_record(overall_score=40), HOME)  # same session re-evaluated
    report = deliver([changed], lrs, Outbox(tmp_path / "o.jsonl"))
    assert report.conflicts == [changed["id"]] and report.kept == []
    assert stripped(lrs.get_statement(first["id"]))["result"]["score"]["raw"] == 70


def test_ralph_refuses_wrong_credentials_and_nothing_is_lost(ralph: RalphLrs, tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.jsonl")
    report = deliver(statements(2), client(ralph.endpoint, password="wrong-pass"), outbox)
    assert len(report.kept) == 2 and "HTTP 401" in report.errors[0]
    assert len(outbox.load()) == 2
    assert deliver([], client(ralph.endpoint), outbox).ok and not outbox.path.exists()


def test_outbox_while_ralph_is_down_then_delivered(tmp_path: Path) -> None:
    python = ralph_python()
    workdir = tmp_path / "ralph"
    ralph_auth_file(python, workdir)
    lrs = RalphLrs(python, workdir)  # not started yet: its port refuses connections
    outbox = Outbox(tmp_path / "data" / "xapi-outbox.jsonl")
    batch = statements(3)
    down = deliver(batch, client(lrs.endpoint, attempts=2), outbox)
    assert down.sent == [] and len(down.kept) == 3 and len(outbox.load()) == 3
    lrs.start()
    try:
        up = deliver([], client(lrs.endpoint), outbox)
        assert up.ok and up.from_outbox == 3 and len(up.sent) == 3 and not outbox.path.exists()
        assert all(stripped(client(lrs.endpoint).get_statement(s["id"])) == s for s in batch)
    finally:
        lrs.stop()


def test_ralph_rejects_a_broken_statement_and_the_rest_still_go(ralph: RalphLrs, tmp_path: Path) -> None:
    good, bad = statements(2)
    bad["actor"]["mbox"] = "mailto:two-identifiers@example.org"  # an Agent with both mbox and account
    outbox = Outbox(tmp_path / "o.jsonl")
    report = deliver([good, bad], client(ralph.endpoint), outbox)
    assert report.sent == [good["id"]] and report.kept == [bad["id"]], report  # batch refused, then one by one
    assert "HTTP 422" in report.errors[0] and list(outbox.load()) == [bad["id"]]  # Ralph answers 422, not 400

"""Sending statements to a learning record store (xAPI 1.0.3 statements resource), losing none on failure.

- Every request carries `X-Experience-API-Version: 1.0.3` and HTTP Basic credentials from
  LEVERAGE_XAPI_USERNAME / LEVERAGE_XAPI_PASSWORD (read through trainer.config.Settings only).
- Statements go out in batches (POST /statements). A batch the LRS refuses as a whole (400, 409, 413, 422)
  is re-sent one statement at a time (PUT /statements?statementId=...), so one bad or conflicting statement
  does not hold back the others.
- Connection errors, time-outs, 408, 425, 429 and 5xx are retried a bounded number of times with jittered
  exponential back-off (Retry-After is honoured up to the cap). When the LRS stays unreachable, or refuses
  the credentials, sending stops and everything not yet acknowledged is kept.
- Acknowledged = 200 or 204. Statement ids are stable (trainer.instructor.xapi), so re-sending one the LRS
  already holds is harmless. 409 means it holds a *different* statement under that id (the session was
  re-evaluated after it was sent): that is counted as a conflict and not retried, since retrying cannot
  succeed (see docs/lms.md).
- `deliver` merges the new statements into the outbox file (`<data_dir>/xapi-outbox.jsonl`) *before*
  sending, then rewrites it with what was not acknowledged, so a crash or an outage mid-way loses nothing;
  the next run re-sends the outbox first.
- The credentials are never logged or printed: error texts pass through `redact`, and the password and
  username are kept out of every repr.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import random
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from trainer import config

try:  # POSIX; on other systems two concurrent exports are not serialised
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
OUTBOX_NAME = "xapi-outbox.jsonl"
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
ACKNOWLEDGED = frozenset({200, 204})
# A batch refused for its content (400, or 422 as FastAPI-based stores such as Ralph say it), for a conflict
# (409) or for its size (413) is re-sent one statement at a time.
SPLIT_STATUSES = frozenset({400, 409, 413, 422})
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class LrsUnavailable(RuntimeError):
    """The LRS did not answer usefully after every retry (message already redacted)."""


@dataclass(frozen=True)
class LrsConfig:
    """Where and how to send; the credentials stay out of repr()."""

    endpoint: str  # ends with "/": statements live at endpoint + "statements"
    username: str = field(repr=False)
    password: str = field(repr=False)
    timeout: float = 15.0
    attempts: int = 4  # per request, first try included
    base_delay: float = 0.5
    max_delay: float = 8.0
    batch_size: int = 50

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> LrsConfig | None:
        """The configured LRS, or None when LEVERAGE_XAPI_ENDPOINT is unset (then nothing is ever sent)."""
        if not settings.xapi_endpoint:
            return None
        return cls(
            endpoint=settings.xapi_endpoint,
            username=settings.xapi_username.get_secret_value(),
            password=settings.xapi_password.get_secret_value(),
            **overrides,
        )

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in output: password, username, and the Basic token."""
        return (self.password, self.username, self.authorization.split(" ", 1)[1])

    @property
    def authorization(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """The text with every secret (3 characters or longer) replaced by ***, by the one redaction function."""
    return config.redact(text, secrets)


@dataclass
class SendReport:
    """What happened to each statement id."""

    sent: list[str] = field(default_factory=list)  # acknowledged by the LRS
    conflicts: list[str] = field(default_factory=list)  # the LRS holds a different statement with this id
    kept: list[str] = field(default_factory=list)  # not acknowledged: stay in the outbox
    errors: list[str] = field(default_factory=list)  # redacted, one line each
    from_outbox: int = 0  # statements re-sent from an earlier run's outbox

    @property
    def ok(self) -> bool:
        return not self.kept and not self.errors


@dataclass
class _Answer:
    status: int
    body: str
    headers: Message | None = None


class LrsClient:
    """A small xAPI statements client over urllib: retries, back-off, redaction."""

    def __init__(
        self,
        config: LrsConfig,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep if sleep is not None else time.sleep
        self._rand = rand if rand is not None else random.random
        host = urlsplit(config.endpoint).hostname
        handlers = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"LrsClient(endpoint={self.config.endpoint!r})"

    # -- HTTP ------------------------------------------------------------------------------------------------

    def _once(self, method: str, url: str, payload: Any = None) -> _Answer:
        """One request; HTTP errors come back as answers, network errors as exceptions."""
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"X-Experience-API-Version": XAPI_VERSION, "Authorization": self.config.authorization}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self.config.timeout) as response:
                return _Answer(response.status, response.read().decode("utf-8", "replace"), response.headers)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace") if exc.fp is not None else ""
            return _Answer(exc.code, body, exc.headers)

    def request(self, method: str, url: str, payload: Any = None) -> _Answer:
        """The request with bounded retries on network errors and transient statuses."""
        last = ""
        for attempt in range(self.config.attempts):
            retry_after: float | None = None
            try:
                answer = self._once(method, url, payload)
            except (TimeoutError, urllib.error.URLError, HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", None) or exc
                last = f"{method} {self._where(url)}: {type(exc).__name__}: {reason}"
            else:
                if answer.status not in TRANSIENT_STATUSES:
                    return answer
                last = f"{method} {self._where(url)}: HTTP {answer.status} {self._snippet(answer.body)}".rstrip()
                retry_after = _retry_after(answer.headers)
            last = self.redact(last)
            if attempt + 1 < self.config.attempts:
                delay = self._delay(attempt, retry_after)
                log.info("LRS not ready (%s); retry %d in %.1fs", last, attempt + 1, delay)
                self._sleep(delay)
        raise LrsUnavailable(f"{last} (gave up after {self.config.attempts} attempts)")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Equal-jitter exponential back-off: half the step fixed, half random; Retry-After up to the cap."""
        step = min(self.config.max_delay, self.config.base_delay * 2**attempt)
        delay = step / 2 + self._rand() * step / 2
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.config.max_delay)

    def redact(self, text: str) -> str:
        return redact(text, self.config.secrets)

    def _snippet(self, body: str, limit: int = 200) -> str:
        flat = " ".join(body.split())
        return self.redact(flat[:limit] + ("…" if len(flat) > limit else ""))

    def _where(self, url: str) -> str:
        """The URL without any query, for messages."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    # -- statements ------------------------------------------------------------------------------------------

    def get_statement(self, statement_id: str) -> dict[str, Any] | None:
        """The statement the LRS holds under this id (None for 404)."""
        answer = self.request("GET", f"{self.config.statements_url}?{urlencode({'statementId': statement_id})}")
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise LrsUnavailable(self.redact(f"GET statement: HTTP {answer.status} {self._snippet(answer.body)}"))
        data = json.loads(answer.body)
        if isinstance(data, dict) and isinstance(data.get("statements"), list):  # some LRSs wrap it
            return next((s for s in data["statements"] if s.get("id") == statement_id), None)
        return data

    def send(self, statements: list[dict[str, Any]]) -> SendReport:
        """POST in batches; split a refused batch into PUTs; stop at an outage or refused credentials."""
        report = SendReport()
        size = max(1, self.config.batch_size)
        batches = [statements[i : i + size] for i in range(0, len(statements), size)]
        for n, batch in enumerate(batches):
            try:
                answer = self.request("POST", self.config.statements_url, batch)
                if answer.status in ACKNOWLEDGED:
                    report.sent.extend(s["id"] for s in batch)
                elif answer.status in SPLIT_STATUSES:
                    self._one_by_one(batch, report)
                else:
                    self._refused(answer, report)
                    report.kept.extend(s["id"] for b in batches[n:] for s in b)
                    break
            except LrsUnavailable as exc:
                report.errors.append(str(exc))
                done = set(report.sent) | set(report.conflicts) | set(report.kept)
                report.kept.extend(s["id"] for b in batches[n:] for s in b if s["id"] not in done)
                break
        return report

    def _one_by_one(self, batch: list[dict[str, Any]], report: SendReport) -> None:
        """PUT each statement of a refused batch, so only the offending ones stay behind."""
        for statement in batch:
            url = f"{self.config.statements_url}?{urlencode({'statementId': statement['id']})}"
            answer = self.request("PUT", url, statement)  # LrsUnavailable propagates: send() keeps the rest
            if answer.status in ACKNOWLEDGED:
                report.sent.append(statement["id"])
            elif answer.status == 409:
                report.conflicts.append(statement["id"])
            else:
                report.kept.append(statement["id"])
                report.errors.append(
                    self.redact(f"statement {statement['id']}: HTTP {answer.status} {self._snippet(answer.body)}")
                )

    def _refused(self, answer: _Answer, report: SendReport) -> None:
        """401/403 (credentials), 404 (wrong endpoint) and anything unexpected stop the run."""
        hint = {
            401: "the LRS refused the credentials (check LEVERAGE_XAPI_USERNAME / LEVERAGE_XAPI_PASSWORD)",
            403: "the LRS refused these credentials the right to write statements",
            404: "no statements resource there (LEVERAGE_XAPI_ENDPOINT should end at the xAPI base, e.g. .../xAPI/)",
        }.get(answer.status, "unexpected answer")
        report.errors.append(self.redact(f"HTTP {answer.status}: {hint}; {self._snippet(answer.body)}".rstrip("; ")))


def _retry_after(headers: Message | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is ignored)."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------- the outbox


class Outbox:
    """Statements not yet acknowledged, one JSON object per line, keyed by statement id."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Outbox:
        return cls(Path(data_dir) / OUTBOX_NAME)

    def load(self) -> dict[str, dict[str, Any]]:
        """What is waiting, in the order it was kept (a line that does not parse is set aside, not lost)."""
        if not self.path.is_file():
            return {}
        pending: dict[str, dict[str, Any]] = {}
        bad: list[str] = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                statement = json.loads(line)
                pending[statement["id"]] = statement
            except (ValueError, TypeError, KeyError):
                bad.append(line)
        if bad:
            aside = self.path.with_name(self.path.name + ".unreadable")
            with aside.open("a", encoding="utf-8") as out:
                out.writelines(b + "\n" for b in bad)
            log.warning("%d unreadable outbox lines moved to %s", len(bad), aside)
        return pending

    def save(self, statements: list[dict[str, Any]]) -> None:
        """Replace the outbox atomically (remove it when empty); readable by the owner only."""
        if not statements:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".xapi-outbox-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.writelines(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in statements)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One sender at a time per data directory (a second export waits for the first)."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def deliver(statements: list[dict[str, Any]], client: LrsClient, outbox: Outbox) -> SendReport:
    """Send the outbox plus these statements; afterwards the outbox holds exactly what was not acknowledged."""
    with outbox.locked():
        pending = outbox.load()
        new_ids = {s["id"] for s in statements}
        earlier = sum(1 for sid in pending if sid not in new_ids)
        for statement in statements:
            pending[statement["id"]] = statement  # a rebuilt statement replaces an older copy
        outbox.save(list(pending.values()))  # durable before the first byte goes out
        report = client.send(list(pending.values()))
        report.from_outbox = earlier
        outbox.save([pending[sid] for sid in report.kept])
    for line in report.errors:
        log.info("LRS: %s", line)  # callers print report.errors; the CLI would show it twice
    return report

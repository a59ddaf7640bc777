"""Settings from the environment: one typed place, so a bad value fails at start with the variable's name.

Every `LEVERAGE_*` variable is read here and nowhere else: `get_settings()` for everything, `path_settings()`
for the folders alone (scenarios, notes, data, the Chroma server) where an unrelated bad value must not stop reading.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from trainer.resources import REPO_ROOT

__all__ = ["REPO_ROOT"]  # re-exported: callers that read settings often need the checkout too

ENV_PREFIX = "LEVERAGE_"
DB_FILENAME = "leverage.db"
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
DATA_DIR = Path("./.leverage/")

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A setting from the environment is invalid; the message names the variable and fits on one line."""


def _default_threads() -> int:
    """llama.cpp decodes fastest with one thread per usable core on these small machines."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _http_url(value: str | None) -> str | None:
    """Catch `localhost:8080` (no scheme) here rather than as an obscure connection error later."""
    if value is not None and not value.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https:// (got {value!r})")
    return value


# (first token, whole call) in seconds, per backend, when LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT / LEVERAGE_LLM_TIMEOUT are
# unset. An OpenAI-compatible server that is up sends its first token in about a second and a spoken line (at most
# 120 tokens) in a few: 10 s means it is down or saturated, and the trainee is better served by Retry or the quick
# voice than by the two minutes a hung server used to take. The embedded model works on the CPU we share: measured
# on 2 cores under load, 5-10 s to the first token once its prompt is cached and 16-29 s for a session's first
# reply (the whole persona prompt), up to 47 s in all; its deadlines leave room for that and still bound a turn.
DEADLINE_DEFAULTS: dict[str, tuple[float, float]] = {"openai": (10.0, 30.0), "local": (45.0, 90.0),
                                                     "template": (10.0, 30.0)}


class PathSettings(BaseSettings):
    """Where things live: the data directory, the Chroma server, and folders that replace the shipped ones."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
        validate_default=True,
    )

    data_dir: Path = DATA_DIR
    chroma_url: str | None = None
    # os.pathsep-separated folders that replace the shipped scenarios/ (instructor scenarios in data_dir are added)
    scenarios_dir: str = ""
    knowledge_dir: Path | None = None  # a notes folder that replaces the shipped knowledge/

    @field_validator("data_dir")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("chroma_url")
    @classmethod
    def _check_chroma_url(cls, value: str | None) -> str | None:
        return _http_url(value)


class Settings(PathSettings):
    """Everything configurable, read from `LEVERAGE_*` variables (plus `OPENAI_API_KEY`)."""

    llm_backend: Literal["local", "openai", "template"] = "local"
    llm_base_url: str | None = None
    llm_model: str | None = None
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY", repr=False)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    max_tokens: int = Field(default=256, ge=1, le=8192)
    n_ctx: int = Field(default=4096, ge=256, le=32768)
    n_threads: int = Field(default_factory=_default_threads, ge=1, le=256)
    # Deadlines for every chat-model call, in seconds; unset means the backend's default (DEADLINE_DEFAULTS, and
    # docs/deployment.md "Deadlines"). Read them as `first_token_deadline` and `total_deadline`.
    llm_connect_timeout: float = Field(default=3.0, gt=0, le=60)  # TCP/TLS connect to an OpenAI-compatible endpoint
    llm_first_token_timeout: float | None = Field(default=None, gt=0, le=600)  # until the first piece of text
    llm_timeout: float | None = Field(default=None, gt=0, le=1800)  # the whole call
    db_url: str = ""
    model_path: Path | None = None
    instructor_passphrase_hash: str | None = Field(default=None, repr=False)
    # How the optional LLM judge combines with the rules, per mistake ("power_vs_leverage=confirm,..."); unset means
    # rules only, which is what `trainer eval evaluator --llm` measured for the embedded model.
    judge_combine: str = ""
    # The LMS record (xAPI 1.0.3, docs/lms.md): trainees are accounts on xapi_homepage; statements go to the
    # learning record store at xapi_endpoint only when it is set. The credentials are never printed or logged.
    xapi_homepage: str = "https://leverage.invalid"
    xapi_endpoint: str | None = Field(default=None, repr=False)
    xapi_username: SecretStr | None = Field(default=None, repr=False)
    xapi_password: SecretStr | None = Field(default=None, repr=False)

    @field_validator("llm_backend", mode="before")
    @classmethod
    def _lower_backend(cls, value: object) -> object:
        """Accept `LOCAL` or ` openai ` as people type them."""
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("llm_base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return _http_url(value)

    @field_validator("xapi_homepage", "xapi_endpoint")
    @classmethod
    def _check_xapi_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        """An absolute http(s) URL without credentials, query or fragment; plain http only on loopback."""
        if value is None:
            return None
        url = urlsplit(value.strip())
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("must be an absolute http:// or https:// URL")
        if url.username is not None or url.password is not None or url.query or url.fragment:
            raise ValueError("must not carry credentials, a query or a fragment (use LEVERAGE_XAPI_USERNAME/PASSWORD)")
        if info.field_name == "xapi_endpoint" and url.scheme == "http" and url.hostname not in _LOOPBACK:
            raise ValueError("must use https:// (plain http:// sends the credentials in clear; only loopback may)")
        path = url.path.rstrip("/")  # the endpoint gets one trailing slash, the home page none
        return urlunsplit((url.scheme, url.netloc, path + ("/" if info.field_name == "xapi_endpoint" else ""), "", ""))

    @model_validator(mode="after")
    def _derive_defaults(self) -> Settings:
        """The database lives in the data directory unless a URL says otherwise; secrets are registered for
        redaction the moment they are read."""
        if not self.db_url:
            self.db_url = f"sqlite:///{self.data_dir / DB_FILENAME}"
        for secret in self.secrets():
            register_secret(secret)
        if self.first_token_deadline > self.total_deadline:
            raise ValueError(f"{ENV_PREFIX}LLM_FIRST_TOKEN_TIMEOUT must not exceed {ENV_PREFIX}LLM_TIMEOUT")
        if self.llm_backend == "openai" and not self.llm_model:
            raise ValueError(f"{ENV_PREFIX}LLM_MODEL is required when {ENV_PREFIX}LLM_BACKEND=openai")
        if self.xapi_endpoint and not (self.xapi_username and self.xapi_password):
            names = f"{ENV_PREFIX}XAPI_USERNAME and {ENV_PREFIX}XAPI_PASSWORD"
            raise ValueError(f"{names} are required when {ENV_PREFIX}XAPI_ENDPOINT is set")
        return self

    @property
    def first_token_deadline(self) -> float:
        """Seconds a chat-model call may take to its first piece of text (LEVERAGE_LLM_FIRST_TOKEN_TIMEOUT)."""
        return self.llm_first_token_timeout or DEADLINE_DEFAULTS[self.llm_backend][0]

    @property
    def total_deadline(self) -> float:
        """Seconds a chat-model call may take in all (LEVERAGE_LLM_TIMEOUT)."""
        return self.llm_timeout or DEADLINE_DEFAULTS[self.llm_backend][1]

    def secrets(self) -> list[str]:
        """Every secret value these settings hold: the API key, the LRS password, and passwords in URLs. (User
        names are not registered: 'admin' would be masked in every sentence; in URLs the pattern masks them.)"""
        found = [s.get_secret_value() for s in (self.openai_api_key, self.xapi_password) if s]
        for url in (self.llm_base_url, self.db_url, self.chroma_url, self.xapi_endpoint):
            found.extend(url_password(url))
        return found

    @property
    def models_dir(self) -> Path:
        """Where joined model weights are kept."""
        return self.data_dir / "models"


# Values that error messages never repeat: secrets, and the LRS endpoint (it may carry credentials by mistake).
_NEVER_ECHOED = {"OPENAI_API_KEY", *(f"{ENV_PREFIX}XAPI_{n}" for n in ("ENDPOINT", "USERNAME", "PASSWORD"))}


def env_name(field: str) -> str:
    """The environment variable that sets `field` (what users see in error messages)."""
    if field in ("openai_api_key", "OPENAI_API_KEY"):
        return "OPENAI_API_KEY"
    return f"{ENV_PREFIX}{field.upper()}"


def _describe_error(err: dict) -> str:
    """One error as `VARIABLE: reason (got value)`, never echoing the API key or a credential in a URL."""
    loc = [str(part) for part in err.get("loc", ())]
    message = err.get("msg", "invalid value").removeprefix("Value error, ")
    if not loc:
        return message
    name = env_name(loc[0])
    shown = "" if name in _NEVER_ECHOED or "input" not in err else f" (got {err['input']!r})"
    if "got " in message:
        shown = ""
    return redact(f"{name}: {message}{shown}")


def get_settings(**overrides: object) -> Settings:
    """Read settings now (no global cache, so tests and long-lived apps see env changes)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe_error(e) for e in exc.errors())) from None


def path_settings() -> PathSettings:
    """The folders alone, read now. Unrelated variables are not read, so a bad model or database setting cannot hide
    the scenarios or the notes; a path variable that is itself invalid falls back to its default here (with a
    warning), while `get_settings()` still refuses it by name."""
    try:
        return PathSettings()
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        log.warning("ignoring invalid settings: %s", "; ".join(_describe_error(e) for e in exc.errors()))
        return PathSettings(**{name: PathSettings.model_fields[name].default for name in bad})


# ---------------------------------------------------------------- redaction
#
# The one redaction function: every message, log line and `doctor` report that could carry a URL or an error text
# passes through `redact`. It masks values registered as secret (settings register theirs when read; a key typed
# on the Settings page is registered when a client is built with it) and, whatever was registered, the shapes
# secrets take in text: credentials in URLs, Authorization headers, api_key=/password= parameters, sk- keys.

MASK = "***"
_MIN_SECRET = 3  # shorter values would mangle ordinary words
_registered: set[str] = set()
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/@?#\"'<>]+@")
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic)(\s+)[\w.~+/=\-]{8,}")
_NAMED = re.compile(
    r"(?i)\b(api[_-]?key|access[_-]?token|auth[_-]?token|password|passwd|secret|client[_-]?secret)"
    r"(\s*=\s*|[\"']\s*:\s*[\"'])[^\s&\"',;}]+"
)
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}")


def url_password(url: str | None) -> list[str]:
    """The password written into a URL, as written and percent-decoded (empty when there is none)."""
    if not url:
        return []
    try:
        password = urlsplit(url).password
    except ValueError:  # an unparsable URL: the pattern in `redact` still masks its credentials
        return []
    return sorted({password, unquote(password)}) if password else []


def register_secret(value: str | None) -> None:
    """Remember a secret so `redact` masks it wherever it appears later (a key, a password)."""
    if value and len(value) >= _MIN_SECRET:
        _registered.add(value)


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """`text` as a string with every known secret and every credential-shaped substring replaced by ***."""
    out = str(text)
    known = {s for s in (*_registered, *secrets) if s and len(s) >= _MIN_SECRET}
    for secret in sorted(known, key=len, reverse=True):
        out = out.replace(secret, MASK)
    out = _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", out)
    out = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)
    out = _NAMED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)
    return _KEY_LIKE.sub(MASK, out)


def _redacted_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask a log record's message and traceback before any handler formats it."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed log call still gets logged, as its raw template
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install_log_redaction() -> None:
    """Route every log record, ours or a library's (httpx logs request URLs with their credentials), through
    `redact`. Idempotent; called by the CLI and the app at start."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
        return _redacted_record(factory(*args, **kwargs))

    redacting_factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)

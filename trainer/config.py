"""Settings from the environment: one typed place, so a bad value fails at start with the variable's name.

Every `LEVERAGE_*` variable is read here and nowhere else: `get_settings()` for everything, `path_settings()`
for the folders alone (scenarios, notes, data, the Chroma server) where an unrelated bad value must not stop reading.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

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
        """The database lives in the data directory unless a URL says otherwise."""
        if not self.db_url:
            self.db_url = f"sqlite:///{self.data_dir / DB_FILENAME}"
        if self.llm_backend == "openai" and not self.llm_model:
            raise ValueError(f"{ENV_PREFIX}LLM_MODEL is required when {ENV_PREFIX}LLM_BACKEND=openai")
        if self.xapi_endpoint and not (self.xapi_username and self.xapi_password):
            names = f"{ENV_PREFIX}XAPI_USERNAME and {ENV_PREFIX}XAPI_PASSWORD"
            raise ValueError(f"{names} are required when {ENV_PREFIX}XAPI_ENDPOINT is set")
        return self

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
    """One error as `VARIABLE: reason (got value)`, never echoing the API key."""
    loc = [str(part) for part in err.get("loc", ())]
    message = err.get("msg", "invalid value").removeprefix("Value error, ")
    if not loc:
        return message
    name = env_name(loc[0])
    shown = "" if name in _NEVER_ECHOED or "input" not in err else f" (got {err['input']!r})"
    if "got " in message:
        shown = ""
    return f"{name}: {message}{shown}"


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

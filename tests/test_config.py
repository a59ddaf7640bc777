"""Settings from the environment: defaults, overrides, and errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.config import ConfigError, Settings, env_name, get_settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No LEVERAGE_* or OPENAI_API_KEY from the developer's shell."""
    import os

    for name in list(os.environ):
        if name.startswith("LEVERAGE_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults(clean_env: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    assert settings.llm_backend == "local"
    assert settings.n_ctx == 4096
    assert settings.data_dir == Path(".leverage")
    assert settings.db_url == "sqlite:///.leverage/leverage.db"
    assert settings.openai_api_key is None
    assert settings.chroma_url is None and settings.model_path is None
    assert settings.n_threads >= 1


def test_env_overrides_are_read_each_call(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("LEVERAGE_DATA_DIR", str(tmp_path))
    clean_env.setenv("LEVERAGE_LLM_BACKEND", " Template ")
    clean_env.setenv("LEVERAGE_TEMPERATURE", "0.2")
    clean_env.setenv("LEVERAGE_N_CTX", "2048")
    settings = get_settings()
    assert (settings.llm_backend, settings.temperature, settings.n_ctx) == ("template", 0.2, 2048)
    assert settings.db_url == f"sqlite:///{tmp_path / 'leverage.db'}"
    assert settings.models_dir == tmp_path / "models"
    clean_env.setenv("LEVERAGE_N_CTX", "1024")
    assert get_settings().n_ctx == 1024


def test_explicit_db_url_wins(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LEVERAGE_DB_URL", "postgresql+psycopg://u:p@db/leverage")
    assert get_settings().db_url == "postgresql+psycopg://u:p@db/leverage"


def test_empty_value_means_default(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LEVERAGE_LLM_BASE_URL", "")
    clean_env.setenv("LEVERAGE_N_CTX", "")
    settings = get_settings()
    assert settings.llm_base_url is None and settings.n_ctx == 4096


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LEVERAGE_LLM_BACKEND", "gpt"),
        ("LEVERAGE_TEMPERATURE", "hot"),
        ("LEVERAGE_TEMPERATURE", "5"),
        ("LEVERAGE_MAX_TOKENS", "0"),
        ("LEVERAGE_N_CTX", "lots"),
        ("LEVERAGE_N_THREADS", "-1"),
        ("LEVERAGE_LLM_BASE_URL", "localhost:8080"),
        ("LEVERAGE_CHROMA_URL", "chroma:8000"),
    ],
)
def test_bad_value_names_the_variable(clean_env: pytest.MonkeyPatch, name: str, value: str) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        get_settings()
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert value.strip() in message
    assert "\n" not in message


def test_openai_backend_needs_a_model(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LEVERAGE_LLM_BACKEND", "openai")
    with pytest.raises(ConfigError, match="LEVERAGE_LLM_MODEL is required"):
        get_settings()
    clean_env.setenv("LEVERAGE_LLM_MODEL", "qwen")
    assert get_settings().llm_model == "qwen"


def test_api_key_never_in_repr_or_errors(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-secret-123")
    settings = get_settings()
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-secret-123"
    assert "sk-secret-123" not in repr(settings) and "sk-secret-123" not in str(settings)
    assert "sk-secret-123" not in settings.model_dump_json()
    clean_env.setenv("LEVERAGE_N_CTX", "bad")
    with pytest.raises(ConfigError) as info:
        get_settings()
    assert "sk-secret-123" not in str(info.value)


def test_overrides_by_field_name(clean_env: pytest.MonkeyPatch) -> None:
    settings = get_settings(llm_backend="template", n_ctx=512, openai_api_key="k")
    assert isinstance(settings, Settings)
    assert (settings.llm_backend, settings.n_ctx) == ("template", 512)
    with pytest.raises(ConfigError, match="^LEVERAGE_N_CTX: "):
        get_settings(n_ctx=1)


def test_env_name() -> None:
    assert env_name("n_ctx") == "LEVERAGE_N_CTX"
    assert env_name("openai_api_key") == "OPENAI_API_KEY"


def test_tmp_settings_fixture_isolates_data(tmp_settings: Settings, tmp_path: Path) -> None:
    assert tmp_settings.data_dir.is_relative_to(tmp_path)
    assert tmp_settings.db_url.startswith(f"sqlite:///{tmp_path}")
    assert tmp_settings.llm_backend == "template"

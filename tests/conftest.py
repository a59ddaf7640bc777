"""Shared fixtures: small and generic (ask the owner of trainer/config.py before adding here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.config import Settings, get_settings

_ENV_VARS = ("LEVERAGE_LLM_BASE_URL", "LEVERAGE_LLM_MODEL", "LEVERAGE_CHROMA_URL", "LEVERAGE_MODEL_PATH",
             "LEVERAGE_TEMPERATURE", "LEVERAGE_MAX_TOKENS", "LEVERAGE_N_CTX", "LEVERAGE_N_THREADS",
             "LEVERAGE_INSTRUCTOR_PASSPHRASE_HASH", "OPENAI_API_KEY")


@pytest.fixture
def tmp_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose data and database live in tmp_path, template backend, no stray env from the shell."""
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "leverage"
    data_dir.mkdir()
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LEVERAGE_DB_URL", f"sqlite:///{data_dir / 'leverage.db'}")
    monkeypatch.setenv("LEVERAGE_LLM_BACKEND", "template")
    return get_settings()

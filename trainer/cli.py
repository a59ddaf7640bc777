"""The `trainer` command: each area registers its own subcommands from `trainer.commands`."""

from __future__ import annotations

import importlib
import logging
import sys

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Leverage negotiation trainer.")
eval_app = typer.Typer(no_args_is_help=True, help="Measure a component against its evaluation set.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print their numbers.")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")

# One module per area; each exposes register(app, eval_app, bench_app). Heavy imports stay inside commands.
COMMAND_MODULES = (
    "trainer.commands.system",  # doctor, prepare-model, bench llm
    "trainer.commands.scenarios",  # scenarios list/show/validate
    "trainer.commands.play",  # play, eval counterparty
    "trainer.commands.evaluate",  # evaluate, eval evaluator, bench evaluator
    "trainer.commands.knowledge",  # ingest, ask, eval retrieval, bench retrieval
    "trainer.commands.instructor",  # instructor hash-passphrase, cohorts
    "trainer.commands.bench_all",  # bench all
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app, eval_app, bench_app)


def main() -> None:
    """Console entry point; keeps library warnings out of command output."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()

"""The `trainer` command line, one module per area; each exposes `register(app, eval_app, bench_app)` and
`trainer.cli` registers them all.

May import any package (it is the top of the stack with `trainer.ui`); only `trainer.cli` imports it.
"""

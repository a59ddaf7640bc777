"""Turn understanding: one trainee message in, typed acts out (`analysis.analyse_turn`), shared by the engine and the
evaluator. The word lists (`lexicon`) are grouped by what they recognise; the fast case-insensitive matching they
run on (`regex_tools`) is kept apart from them.

Deterministic and offline. May import `domain` and `scenarios` (see `trainer.layers`).
"""

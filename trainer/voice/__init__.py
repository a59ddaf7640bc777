"""The counterparty's words for the move the engine chose: the template phrasebook, the persona prompt and move card,
the guardrails on every line, and the realizers that stream a guarded line (template or chat model).

May import the packages below it in `trainer.layers` (it uses `domain`, `scenarios`, `engine` and `llm`).
"""

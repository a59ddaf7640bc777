"""Scoring a whole transcript for the five mistakes: the rule detectors (`evaluator`, one per registry entry),
explanations and better lines (`rewrites`), and the optional LLM judge.

May import the packages below it in `trainer.layers` (it uses `domain`, `scenarios`, `reader` and `llm`).
"""

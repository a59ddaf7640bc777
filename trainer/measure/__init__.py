"""Measurements and health checks: the evaluator against the gold sets (`evalsets`), the counterparty evaluation
(`counterparty`: A/B, injection, voice, latency), the LLM benchmark and `trainer doctor`.

Sits above `app` so it measures what a trainee gets; may import every package except `commands`, `ui` and `cli`.
"""

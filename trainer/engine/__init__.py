"""The deterministic negotiation: one turn end to end (`turn.Engine`), what a read turn does to the deal state
(`tracking`), the counterparty's next move (`policy`), direction-aware terms and the outcome score.

May import `config`, `domain`, `scenarios` and `reader`; never `llm`: the deal is decided by code, and a model only
voices the move afterwards.
"""

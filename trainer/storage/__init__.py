"""Persistence: the ORM tables, the engine factory (`connection.py`), Alembic migrations, the store and the
history loader. Every SQL query the project runs lives in this package; callers get frozen records.

May import `trainer.config` and `trainer.domain` only. Inside it, `tables` and `connection` are the bottom,
the migrations build on them, and `store` and `history` sit on top.
"""

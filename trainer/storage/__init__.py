"""Persistence: the ORM tables, the engine factory (`connection.py`), Alembic migrations, the store and the
history loader, and beside the store the instructor-side modules: `accounts.py` (accounts, signed-in sessions, the
token key, sign-in attempts), `cohorts.py` (cohorts as their owner sees them), `calibration.py` (reviews of the
grader) and `saved.py` (real conversations a trainee kept). Every SQL query the project runs lives in this package;
callers get frozen records.

May import `trainer.config` and `trainer.domain` only. Inside it, `tables` and `connection` are the bottom,
the migrations build on them, and `store` and `history` sit on top.
"""

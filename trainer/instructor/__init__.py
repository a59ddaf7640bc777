"""Instructor features: accounts and their roles (`accounts.py`), sign-in with a backoff per account and client
(`auth.py`), signed session and device tokens (`tokens.py`), cohorts and their join codes and assignments
(`cohorts.py`), trainee progress, the cohort dashboard, and the grader-calibration workbench (`calibration.py`).
The rules live here; the data comes from `trainer.storage`, where every instructor-side query takes the account and
checks that it owns the cohort.

May import `trainer.storage`, `trainer.domain` and `trainer.scenarios`; never `trainer.app`, `trainer.ui` or
`trainer.commands`, and never SQL of its own.
"""

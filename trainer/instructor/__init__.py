"""Instructor features: cohorts and their join codes, assignments, passphrase sign-in with lockout, trainee
progress and the cohort dashboard. The rules live here; the data comes from `trainer.storage`.

May import `trainer.storage`, `trainer.domain` and `trainer.scenarios`; never `trainer.app`, `trainer.ui` or
`trainer.commands`, and never SQL of its own.
"""

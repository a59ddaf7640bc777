"""Scenario files: `schema` (the pydantic models), `loading` (safe YAML, one line per error, parse/load/dump and the
library), `validation` (semantic checks and the reservation leak check) and `views` (the trainee's public view and
picker rows).

May import `config` and `domain` only: everything above reads scenarios, scenarios read nothing above them.
"""

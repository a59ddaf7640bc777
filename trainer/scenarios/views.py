"""What scenarios look like from outside: the trainee's public view, picker rows, and JSON for the CLI."""

from __future__ import annotations

import json
from typing import Any

from trainer.scenarios.loading import tidy_numbers
from trainer.scenarios.schema import Issue, Scenario


def public_view(s: Scenario) -> dict[str, Any]:
    """What the trainee may see: no reservations, needs, stakeholders, alternatives or traps."""
    cp = s.counterparty
    view = {
        "id": s.id,
        "title": s.title,
        "summary": s.summary,
        "difficulty": s.difficulty,
        "estimated_minutes": s.estimated_minutes,
        "tags": list(s.tags),
        "public_setting": s.public_setting,
        "trainee": s.trainee.model_dump(mode="json"),
        "counterparty": {
            "name": cp.name,
            "role": cp.role,
            "organisation": cp.organisation,
            "persona": cp.persona.model_dump(mode="json"),
            "opening_line": cp.opening_line,
            **({"second_voice": cp.second_voice} if cp.second_voice else {}),
        },
        "issues": [_public_issue(it) for it in s.issues],
    }
    return tidy_numbers(view)


def _public_issue(it: Issue) -> dict[str, Any]:
    """An issue as the trainee sees it: own numbers only, never the counterparty's."""
    return {
        "id": it.id,
        "label": it.label,
        "unit": it.unit,
        "trainee_prefers": it.trainee_prefers.value,
        "trainee_target": it.trainee_target,
        "trainee_walkaway": it.trainee_walkaway,
        "trainee_weight": it.trainee_weight,
    }


def summary_row(s: Scenario) -> dict[str, Any]:
    """The fields a picker or `scenarios list --json` shows."""
    return {
        "id": s.id,
        "title": s.title,
        "difficulty": s.difficulty,
        "estimated_minutes": s.estimated_minutes,
        "learning_focus": list(s.learning_focus),
        "tags": list(s.tags),
        "summary": s.summary,
    }


def to_json(value: Any) -> str:
    """Stable JSON for CLI output."""
    return json.dumps(value, indent=2, ensure_ascii=False)

"""A small hand-built scenario and analysis helpers for the engine tests (no YAML, no analyser needed)."""

from __future__ import annotations

from trainer.domain.acts import Act, ActKind, ProcessAspect, TurnAnalysis
from trainer.scenarios.schema import Scenario

SCENARIO_DATA = {
    "id": "test-renewal",
    "title": "Test renewal",
    "summary": "A supplier renews with a big client.",
    "difficulty": 2,
    "estimated_minutes": 20,
    "learning_focus": ["urgency_signal", "unified_actor"],
    "public_setting": "Annual renewal meeting.",
    "trainee": {
        "role": "Account director",
        "organisation": "Widgets Ltd",
        "background": "Small supplier.",
        "goals": ["price rise"],
        "must_haves": ["some rise"],
        "red_lines": ["no 120 days"],
        "private_pressures": [
            {"id": "quarter", "description": "needs the renewal by quarter end", "keywords": ["quarter end"]}
        ],
        "alternative": {
            "description": "a smaller client",
            "strength": "weak",
            "keywords": ["smaller client"],
        },
    },
    "counterparty": {
        "name": "Dana Brook",
        "role": "Head of procurement",
        "organisation": "BigCo",
        "persona": {"tone": "cool and brisk", "habits": ["cites volume"], "pressure_tactics": ["deadline"]},
        "opening_line": "Thanks for coming in. We expect a flat renewal.",
        "situational_needs": [
            {
                "id": "audit",
                "description": "BigCo needs a certified supplier before the audit",
                "reveal_line": "Frankly, the audit in spring makes switching awkward for us.",
                "reveal_when": {"acts": ["question_constraints"], "keywords": []},
                "flexibility": {"price_change": 0.3},
            }
        ],
        "stakeholders": [
            {
                "id": "ops",
                "role": "Operations",
                "interest": "a smooth line",
                "concern": "transition risk",
                "how_to_surface": "ask who else is affected",
                "reveal_line": "Our operations people are nervous about any transition.",
                "reveal_when": {"acts": ["question_stakeholders"], "keywords": []},
                "flexibility": {"price_change": 0.3, "payment_days": 0.3},
            }
        ],
        "alternatives": [
            {
                "id": "rival",
                "description": "a rival supplier",
                "weakness": "the rival is not certified",
                "concede_line": "True, the rival would need a year to certify.",
                "reveal_when": {"acts": ["challenge_alternative"], "keywords": []},
                "flexibility": {"price_change": 0.3, "volume": 0.4},
            }
        ],
    },
    "issues": [
        {
            "id": "price_change",
            "label": "price change",
            "unit": "%",
            "trainee_prefers": "higher",
            "counterparty_prefers": "lower",
            "trainee_target": 8,
            "trainee_walkaway": 2,
            "counterparty_opening": 0,
            "counterparty_reservation": 6.5,
            "trainee_weight": 0.5,
            "counterparty_weight": 0.6,
            "step": 0.5,
        },
        {
            "id": "payment_days",
            "label": "payment terms",
            "unit": "days",
            "trainee_prefers": "lower",
            "counterparty_prefers": "higher",
            "trainee_target": 45,
            "trainee_walkaway": 90,
            "counterparty_opening": 120,
            "counterparty_reservation": 55,
            "trainee_weight": 0.3,
            "counterparty_weight": 0.3,
            "step": 5,
        },
        {
            "id": "volume",
            "label": "volume commitment",
            "unit": "%",
            "trainee_prefers": "higher",
            "counterparty_prefers": "lower",
            "trainee_target": 80,
            "trainee_walkaway": 50,
            "counterparty_opening": 40,
            "counterparty_reservation": 75,
            "trainee_weight": 0.2,
            "counterparty_weight": 0.1,
            "step": 5,
        },
    ],
    "process_traps": [
        {
            "id": "our_draft",
            "kind": "draft",
            "line": "We'll send over our standard draft.",
            "default_terms": {"payment_days": 150},
        },
        {"id": "price_last", "kind": "sequence", "line": "Let's leave price to the end."},
    ],
}

HIDDEN_NUMBERS = (6.5, 55, 75)


def scenario() -> Scenario:
    """A fresh, validated copy of the fixture scenario."""
    return Scenario.model_validate(SCENARIO_DATA)


def act(kind: ActKind, quote: str = "x", **kw: object) -> Act:
    """Shorthand for one act."""
    return Act(kind=kind, quote=quote, **kw)


def analysis(text: str, *acts: Act) -> TurnAnalysis:
    """A hand-built analysis, standing in for trainer.reader.analysis."""
    return TurnAnalysis(text=text, acts=list(acts))


def offer(issue: str, value: float) -> Act:
    """An offer act on one issue."""
    return act(ActKind.offer, issue_id=issue, value=value)


def process(kind: ActKind, aspect: ProcessAspect) -> Act:
    """A process act."""
    return act(kind, aspect=aspect)

"""A small in-code scenario for the analysis and evaluator tests (independent of the YAML library)."""

from __future__ import annotations

from trainer.scenarios.schema import Scenario


def sample_scenario(alt_strength: str = "weak") -> Scenario:
    """A supplier renewal with a price, payment-terms and term-length issue."""
    trigger = {"acts": ["question_stakeholders"], "keywords": []}
    return Scenario.model_validate(
        {
            "id": "supplier_renewal",
            "title": "Supplier renewal",
            "summary": "A component supplier renews with a large carmaker.",
            "difficulty": 2,
            "estimated_minutes": 20,
            "learning_focus": ["urgency_signal", "unified_actor"],
            "public_setting": "Annual renewal of a brake-sensor supply contract.",
            "trainee": {
                "role": "Key account manager",
                "organisation": "Sensora",
                "background": "Mid-sized supplier.",
                "goals": ["Keep the price"],
                "must_haves": ["Price above 38"],
                "red_lines": ["No payment terms beyond 90 days"],
                "private_pressures": [
                    {"id": "q_close", "description": "Quarter close on the 30th", "keywords": ["quarter close", "the 30th"]}
                ],
                "alternative": {
                    "description": "A smaller distributor deal at a much lower margin",
                    "strength": alt_strength,
                    "keywords": ["distributor"],
                },
            },
            "counterparty": {
                "name": "Dana Holt",
                "role": "Head of procurement",
                "organisation": "Autova",
                "persona": {"tone": "brisk", "habits": ["interrupts"], "pressure_tactics": ["deadline"]},
                "opening_line": "We need a 10% price cut.",
                "situational_needs": [
                    {
                        "id": "line_start",
                        "description": "New line starts in March",
                        "reveal_line": "Our new line starts in March.",
                        "reveal_when": {"acts": ["question_constraints"]},
                    }
                ],
                "stakeholders": [
                    {
                        "id": "ops",
                        "role": "Plant operations",
                        "interest": "Continuity",
                        "concern": "Transition risk",
                        "how_to_surface": "Ask who else is affected",
                        "reveal_line": "Operations worry about requalification.",
                        "reveal_when": trigger,
                    }
                ],
                "alternatives": [
                    {
                        "id": "rival",
                        "description": "A rival supplier in Poland",
                        "weakness": "Needs a 9-month qualification",
                        "concede_line": "Qualification would take time.",
                        "reveal_when": {"acts": ["challenge_alternative"]},
                    }
                ],
            },
            "issues": [
                {
                    "id": "price", "label": "Unit price", "unit": "EUR", "trainee_prefers": "higher",
                    "counterparty_prefers": "lower", "trainee_target": 42, "trainee_walkaway": 38,
                    "counterparty_opening": 36, "counterparty_reservation": 41, "trainee_weight": 0.5,
                    "counterparty_weight": 0.5, "aliases": ["price", "unit price", "per unit"],
                },
                {
                    "id": "payment_days", "label": "Payment terms", "unit": "days", "trainee_prefers": "lower",
                    "counterparty_prefers": "higher", "trainee_target": 30, "trainee_walkaway": 90,
                    "counterparty_opening": 120, "counterparty_reservation": 60, "trainee_weight": 0.3,
                    "counterparty_weight": 0.3, "aliases": ["payment terms", "payment"],
                },
                {
                    "id": "term", "label": "Contract length", "unit": "months", "trainee_prefers": "higher",
                    "counterparty_prefers": "lower", "trainee_target": 36, "trainee_walkaway": 12,
                    "counterparty_opening": 12, "counterparty_reservation": 36, "trainee_weight": 0.2,
                    "counterparty_weight": 0.2, "aliases": ["term", "contract length", "commitment"],
                },
            ],
            "process_traps": [{"id": "paper", "kind": "draft", "line": "We'll send our standard paper."}],
        }
    )

"""The one registry of the five mistakes. Every other module reads it instead of keeping its own list.

Adding a sixth mistake takes one `Mistake` entry here plus its detector in `trainer.evaluation.evaluator`
(`DETECTORS`, which is checked against this registry at import time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from trainer.domain.acts import ActKind


@dataclass(frozen=True)
class Mistake:
    """Everything the product says or infers about one mistake, in one place."""

    id: str
    title: str  # the debrief's headline for the mistake
    short: str  # a few words, for chart axes and tables
    definition: str  # one sentence a judge (human or model) can apply
    signal_acts: tuple[ActKind, ...]  # acts in a trainee turn that commit it (empty: a mistake of omission)
    hint_acts: tuple[ActKind, ...]  # acts that trigger a live hint, in the order a hint mentions them
    nudge: str  # the live hint's first sentence
    query: str  # what retrieval looks for in the knowledge notes
    kept_clear: str  # the debrief's line when the mistake was not made
    keep_doing: str  # what to keep doing, when it was not made

    @property
    def knowledge_tag(self) -> str:
        """Knowledge notes are tagged with the mistake's id (see knowledge/README.md)."""
        return self.id


MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        id="power_vs_leverage",
        title="Treating their structural power as leverage",
        short="power vs leverage",
        definition="the trainee defers to the other side's size or status, or gives ground before being asked",
        signal_acts=(ActKind.deference, ActKind.concession),
        hint_acts=(ActKind.deference, ActKind.concession),
        nudge="You gave ground before they pushed for it.",
        query="conceding early because the other side is bigger; situational leverage",
        kept_clear="No sign of treating their size as leverage: no deference and no unasked-for concessions.",
        keep_doing="Keep separating what they could do from what they need to do in this conversation.",
    ),
    Mistake(
        id="urgency_signal",
        title="Signalling your own urgency",
        short="urgency",
        definition="the trainee reveals their OWN deadline, runway or time pressure (not the other side's)",
        signal_acts=(ActKind.disclose_urgency,),
        hint_acts=(ActKind.disclose_urgency,),
        nudge="That told them your timeline.",
        query="revealing our deadline, timeline or pressure to the other side",
        kept_clear="You kept your own timeline out of the conversation.",
        keep_doing="Keep letting the substance, not your calendar, set the pace.",
    ),
    Mistake(
        id="weak_alternative",
        title="Negotiating against a weak alternative",
        short="alternative",
        definition="the trainee reveals a poor fallback or having no alternative (a strong, credible one is fine)",
        signal_acts=(ActKind.disclose_weak_alternative,),
        hint_acts=(ActKind.disclose_weak_alternative,),
        nudge="That showed them how thin your fallback is.",
        query="a poor fallback option lowering expectations; revealing we have no alternative",
        kept_clear="You did not argue from a weak fallback.",
        keep_doing="Keep building your case on what this deal can do for both sides.",
    ),
    Mistake(
        id="unified_actor",
        title="Treating them as a single actor",
        short="single actor",
        definition=("the other side mentions internal people (a CFO, committee, legal, 'I'll check') and the "
                    "trainee never asks about them"),
        signal_acts=(),
        hint_acts=(),
        nudge="You're treating them as one voice.",
        query="other stakeholders inside their organisation; who else decides",
        kept_clear="You either probed who else is involved on their side or no internal actors came up.",
        keep_doing="Keep asking who signs off and what each of them needs.",
    ),
    Mistake(
        id="process_concession",
        title="Conceding on process before substance",
        short="process",
        definition=("the trainee accepts the other side's draft, agenda, issue order or meeting cadence "
                    "(proposing their own is fine)"),
        signal_acts=(ActKind.accept_their_process,),
        hint_acts=(ActKind.accept_their_process,),
        nudge="You just gave up control of the process.",
        query="accepting their draft, agenda, sequence or meeting cadence",
        kept_clear="You did not hand over the draft, agenda, sequence or cadence.",
        keep_doing="Keep treating process as part of the substance.",
    ),
)

BY_ID: dict[str, Mistake] = {m.id: m for m in MISTAKES}
MISTAKE_IDS: tuple[str, ...] = tuple(BY_ID)
MistakeId = Literal[MISTAKE_IDS]  # type: ignore[valid-type]  # pydantic validates against the registry
MISTAKE_TITLES: dict[str, str] = {m.id: m.title for m in MISTAKES}

# Act -> the mistake it makes, in the order a live hint should mention them (urgency before deference, ...).
HINT_ORDER: tuple[str, ...] = ("urgency_signal", "weak_alternative", "process_concession", "power_vs_leverage")
HINT_ACTS: tuple[tuple[ActKind, str], ...] = tuple(
    (act, mid) for mid in HINT_ORDER for act in BY_ID[mid].hint_acts
)


def mistake(mistake_id: str) -> Mistake:
    """Look a mistake up by id (KeyError names the unknown id)."""
    return BY_ID[mistake_id]

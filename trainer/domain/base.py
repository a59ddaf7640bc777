"""The base of every typed domain record: unknown keys are errors, so a stale JSON blob or a typo fails loudly."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A pydantic model that refuses keys it does not define."""

    model_config = ConfigDict(extra="forbid")

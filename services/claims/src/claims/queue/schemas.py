"""Documents of the ops review queue."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from claims.status.schemas import ClaimSummary, FindingOut

Reason = Field(min_length=3, max_length=1000, description="Why: kept in the audit trail")


class QueueItem(ClaimSummary):
    """A pended claim with every finding on it."""

    findings: list[FindingOut]


class QueuePage(BaseModel):
    """A page of the queue, oldest first."""

    items: list[QueueItem]
    next_cursor: str | None


class TakeIn(BaseModel):
    """Taking a claim: an optional note."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="taken for review", max_length=1000)


class DecisionIn(BaseModel):
    """Rejecting or returning a claim: why."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Reason


class OverrideIn(BaseModel):
    """Overriding one code-review warning (on one line, or on every line when ``line`` is null)."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(min_length=1, max_length=60)
    line: int | None = Field(default=None, ge=0, le=50)
    reason: str = Reason

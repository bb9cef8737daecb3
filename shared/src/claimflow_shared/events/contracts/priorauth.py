"""Events the prior-auth service publishes on ``priorauth.events``."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from claimflow_shared.events.base import Event

TOPIC = "priorauth.events"
SOURCE = "/claimflow/prior-auth"

LineAuthStatus = Literal["not_required", "authorized", "missing", "pending", "denied"]


class LineAuthorization(BaseModel):
    """The authorization check's answer for one claim line."""

    model_config = ConfigDict(frozen=True)

    line: int
    status: LineAuthStatus
    rule_id: str | None = None
    authorization_id: str | None = None
    message: str = ""


class ClaimAuthorizationCheckCompleted(Event):
    """Every line of a claim was checked against authorization requirements."""

    type: ClassVar[str] = "priorauth.claim_check.completed.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "claim_id"

    claim_id: str
    tenant_id: str
    lines: list[LineAuthorization] = []
    checked_at: datetime

    @property
    def outcome(self) -> Literal["clear", "pending", "denied"]:
        """Clear when every line is covered; denied beats pending."""
        statuses = {line.status for line in self.lines}
        if "denied" in statuses:
            return "denied"
        if statuses & {"missing", "pending"}:
            return "pending"
        return "clear"

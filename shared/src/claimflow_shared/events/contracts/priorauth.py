"""Events the prior-auth service publishes on ``priorauth.events``."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from claimflow_shared.events.base import Event

TOPIC = "priorauth.events"
SOURCE = "/claimflow/prior-auth"

LineAuthStatus = Literal["not_required", "authorized", "missing", "pending", "denied"]
Priority = Literal["standard", "expedited"]


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


class _AuthorizationEvent(Event):
    """What every event about one authorization carries: ids, codes, never patient identity."""

    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "authorization_id"

    authorization_id: str
    tenant_id: str
    payer_id: str
    priority: Priority
    codes: list[str] = []


class AuthorizationStatusChanged(_AuthorizationEvent):
    """An authorization moved through one step of its trail (receipt, decision, cancellation...).

    ``from_status`` is None on receipt; ``action_code`` is the X12 HCR01 code when the step had
    one (a payer decision, or C for a cancellation).
    """

    type: ClassVar[str] = "priorauth.authorization.status_changed.v1"

    from_status: str | None
    to_status: str
    action: str
    action_code: str | None = None
    authorization_number: str | None = None
    due_at: datetime | None = None
    changed_at: datetime


class _DeadlineEvent(_AuthorizationEvent):
    """A warning about the decision deadline of an authorization awaiting its determination."""

    status: str
    due_at: datetime
    detected_at: datetime


class AuthorizationDueSoon(_DeadlineEvent):
    """A decision falls due within the payer's warning window (published once)."""

    type: ClassVar[str] = "priorauth.authorization.due_soon.v1"


class AuthorizationOverdue(_DeadlineEvent):
    """A decision passed its CMS-0057-F due time without a determination (published once)."""

    type: ClassVar[str] = "priorauth.authorization.overdue.v1"

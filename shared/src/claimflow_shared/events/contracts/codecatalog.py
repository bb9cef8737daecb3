"""Events the code-catalog service publishes on ``codecatalog.events``."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from claimflow_shared.events.base import Event

TOPIC = "codecatalog.events"
SOURCE = "/claimflow/code-catalog"


class CodeFinding(BaseModel):
    """One problem code review found on a claim line (line 0: the claim as a whole)."""

    model_config = ConfigDict(frozen=True)

    line: int
    rule: str
    severity: Literal["reject", "warn"]
    message: str
    release: str | None = None
    appealable: bool = False


class ClaimCodeReviewCompleted(Event):
    """Code review of one submitted claim finished."""

    type: ClassVar[str] = "codecatalog.claim_review.completed.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "claim_id"

    claim_id: str
    tenant_id: str
    findings: list[CodeFinding] = []
    reviewed_at: datetime

    @property
    def outcome(self) -> Literal["clean", "warnings", "rejected"]:
        """The worst severity found."""
        if any(f.severity == "reject" for f in self.findings):
            return "rejected"
        return "warnings" if self.findings else "clean"


class CodeSetReleased(Event):
    """A release of a code set or edit table was imported; readers reload what they cache."""

    type: ClassVar[str] = "codecatalog.release.published.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "code_system"

    release_id: int
    code_system: str
    version: str
    effective_date: date
    records: int
    added: int
    changed: int
    terminated: int
    published_at: datetime


class ApplicationStatusChanged(Event):
    """A new-code application moved from one status to another."""

    type: ClassVar[str] = "codecatalog.application.status_changed.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "application_id"

    application_id: str
    tenant_id: str
    action: str
    from_status: str | None
    to_status: str
    category: str
    meeting_date: date | None = None
    assigned_code: str | None = None
    effective_date: date | None = None
    changed_at: datetime

"""Events the claims service publishes on ``claims.events``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from claimflow_shared.events.base import Event

TOPIC = "claims.events"
SOURCE = "/claimflow/claims"


class SubmittedLine(BaseModel):
    """One service line as the reviewers need it: codes and amounts, no patient identity."""

    model_config = ConfigDict(frozen=True)

    line_number: int
    code: str
    modifiers: list[str] = []
    units: Decimal
    charge: Decimal
    service_date_from: date
    service_date_to: date
    diagnosis_pointers: list[int] = []
    rendering_npi: str | None = None
    prior_auth_number: str | None = None


class ClaimSubmitted(Event):
    """A claim passed intake and waits for code review and the authorization check."""

    type: ClassVar[str] = "claims.claim.submitted.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "claim_id"

    claim_id: str
    tenant_id: str
    payer_id: str
    billing_npi: str
    patient_ref: str
    place_of_service: str
    frequency: Literal["1", "7", "8"] = "1"
    original_claim_id: str | None = None
    diagnosis_codes: list[str] = []
    lines: list[SubmittedLine]
    total_charge: Decimal
    submitted_at: datetime


class ClaimStatusChanged(Event):
    """A claim moved from one status to another."""

    type: ClassVar[str] = "claims.claim.status_changed.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "claim_id"

    claim_id: str
    tenant_id: str
    from_status: str | None
    to_status: str
    reason: str
    changed_at: datetime

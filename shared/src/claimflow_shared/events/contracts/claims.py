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
    """A claim passed intake and waits for code review and the authorization check.

    ``patient_ref`` is pseudonymous: a JSON submitter's own opaque reference, or for X12 claims
    a keyed hash of tenant, payer and member id (never the member id itself).
    """

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
    rendering_npi: str | None = None
    prior_auth_number: str | None = None
    intake_format: Literal["json", "x12"] = "json"


class ClaimStatusChanged(Event):
    """A claim moved from one status to another.

    ``actor`` names who or what moved it (an API key id or a system step), ``findings`` the rule
    codes behind a rejection or a pend, ``related_claim_id`` the void or replacement claim that
    ended an original.
    """

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
    actor: str | None = None
    findings: list[str] = []
    related_claim_id: str | None = None

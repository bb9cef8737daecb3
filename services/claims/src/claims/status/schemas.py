"""Claim documents the API answers with: one claim in full, and pages of summaries."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict


class FindingOut(BaseModel):
    """One finding: where it came from, the rule, how severe, which line, whether overridden."""

    source: str
    rule: str
    severity: str
    message: str
    line: int
    related_claim_id: str | None = None
    overridden: bool = False


class LineOut(BaseModel):
    """One stored service line."""

    model_config = ConfigDict(from_attributes=True)

    line_number: int
    code: str
    modifiers: list[str]
    units: Decimal
    charge: Decimal
    service_from: date
    service_to: date
    diagnosis_pointers: list[int]
    rendering_npi: str | None
    prior_auth_number: str | None
    place_of_service: str | None


class TransitionOut(BaseModel):
    """One entry of a claim's history."""

    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    reason: str
    actor: str
    at: datetime


class ReviewActionOut(BaseModel):
    """One thing a person did in the ops queue."""

    model_config = ConfigDict(from_attributes=True)

    action: str
    actor: str
    reason: str
    detail: dict[str, Any]
    at: datetime


class ClaimSummary(BaseModel):
    """A claim in a list."""

    model_config = ConfigDict(from_attributes=True)

    claim_id: uuid.UUID
    status: str
    source: str
    claim_number: str | None
    payer_id: str
    billing_npi: str
    patient_ref: str
    frequency: str
    total_charge: Decimal
    service_from: date
    service_to: date
    submitted_at: datetime
    updated_at: datetime
    assigned_to: str | None


class ClaimOut(ClaimSummary):
    """A claim with its lines, every finding, the raw review results and its history."""

    rendering_npi: str | None
    place_of_service: str
    original_claim_id: uuid.UUID | None
    original_claim_ref: str | None
    prior_auth_number: str | None
    diagnosis_codes: list[str]
    lines: list[LineOut]
    findings: list[FindingOut]
    code_review: dict[str, Any] | None
    auth_check: dict[str, Any] | None
    history: list[TransitionOut]
    review_actions: list[ReviewActionOut]


class ClaimPage(BaseModel):
    """A page of claims in (submitted_at, id) order; pass ``next_cursor`` for the next."""

    items: list[ClaimSummary]
    next_cursor: str | None

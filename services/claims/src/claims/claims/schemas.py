"""Claim documents going in and out of the API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ServiceLineIn(BaseModel):
    """One service line of a professional claim."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z0-9]{5}$", description="CPT or HCPCS Level II code")
    modifiers: list[str] = Field(default=[], max_length=4)
    units: Decimal = Field(gt=0, max_digits=9, decimal_places=3)
    charge: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    service_date: date
    service_date_to: date | None = None
    diagnosis_pointers: list[int] = Field(default=[1], min_length=1, max_length=4)


class ClaimIn(BaseModel):
    """A claim as a clearinghouse submits it in JSON."""

    model_config = ConfigDict(extra="forbid")

    payer_id: str = Field(min_length=1, max_length=80)
    billing_npi: str = Field(pattern=r"^\d{10}$")
    patient_ref: str = Field(min_length=1, max_length=80)
    place_of_service: str = Field(pattern=r"^\d{2}$")
    diagnosis_codes: list[str] = Field(min_length=1, max_length=12)
    lines: list[ServiceLineIn] = Field(min_length=1, max_length=50)
    total_charge: Decimal = Field(ge=0, max_digits=12, decimal_places=2)

    @model_validator(mode="after")
    def _total_is_sum_of_lines(self) -> ClaimIn:
        total = sum((line.charge for line in self.lines), Decimal("0"))
        if total != self.total_charge:
            raise ValueError(f"total_charge {self.total_charge} is not the sum of lines ({total})")
        return self


class ClaimAccepted(BaseModel):
    """The acknowledgment of an accepted submission."""

    claim_id: uuid.UUID
    status: str
    status_url: str


class TransitionOut(BaseModel):
    """One entry of a claim's history."""

    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    reason: str
    actor: str
    at: datetime


class ClaimOut(BaseModel):
    """A claim with its review results and history."""

    claim_id: uuid.UUID
    status: str
    payer_id: str
    total_charge: Decimal
    submitted_at: datetime
    code_review: dict[str, Any] | None
    auth_check: dict[str, Any] | None
    history: list[TransitionOut]

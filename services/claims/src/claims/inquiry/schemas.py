"""The status inquiry: by claim id, or by payer, billing provider, patient and date of service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class InquiryIn(BaseModel):
    """Either ``claim_id``, or all of payer, billing NPI, patient reference and a service date."""

    model_config = ConfigDict(extra="forbid")

    claim_id: uuid.UUID | None = None
    payer_id: str | None = Field(default=None, min_length=1, max_length=80)
    billing_npi: str | None = Field(default=None, pattern=r"^\d{10}$")
    patient_ref: str | None = Field(default=None, min_length=1, max_length=80)
    service_date: date | None = None

    @model_validator(mode="after")
    def _one_way_to_find(self) -> InquiryIn:
        search = (self.payer_id, self.billing_npi, self.patient_ref, self.service_date)
        if self.claim_id is not None and any(v is not None for v in search):
            raise ValueError("ask by claim_id or by payer/provider/patient/date, not both")
        if self.claim_id is None and any(v is None for v in search):
            raise ValueError(
                "without claim_id, payer_id, billing_npi, patient_ref and service_date are all"
                " required"
            )
        return self


class ClaimStatusOut(BaseModel):
    """One claim's status as a 277 would give it."""

    claim_id: uuid.UUID
    claim_number: str | None
    status: str
    category_code: str
    category: str
    status_date: datetime
    total_charge: Decimal
    service_from: date
    service_to: date
    rules: list[str]


class InquiryOut(BaseModel):
    """The answer: the matching claims, or the A4 (not found) category when there are none."""

    category_code: str | None
    category: str | None
    claims: list[ClaimStatusOut]

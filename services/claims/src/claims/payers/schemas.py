"""Payer policy documents of the admin API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PayerPolicyIn(BaseModel):
    """What an admin sets for a payer."""

    model_config = ConfigDict(extra="forbid")

    timely_filing_days: int = Field(
        ge=1, le=3650, description="Days after the date of service a claim may still be filed"
    )


class PayerPolicyOut(BaseModel):
    """A payer's policy and who last changed it."""

    model_config = ConfigDict(from_attributes=True)

    payer_id: str
    timely_filing_days: int
    updated_by: str
    updated_at: datetime


class PayerPolicyPage(BaseModel):
    """A page of payer policies in payer id order."""

    items: list[PayerPolicyOut]
    next_after: str | None

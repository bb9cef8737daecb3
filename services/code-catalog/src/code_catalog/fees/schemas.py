"""Response bodies of the fee schedule API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class RelativeValues(BaseModel):
    """The RVUs of a code and modifier."""

    work: Decimal
    non_facility_practice_expense: Decimal
    facility_practice_expense: Decimal
    malpractice: Decimal
    non_facility_total: Decimal
    facility_total: Decimal


class Gpci(BaseModel):
    """A locality's geographic practice cost indices."""

    locality: str
    name: str
    work: Decimal
    practice_expense: Decimal
    malpractice: Decimal


class FeeOut(BaseModel):
    """What Medicare pays for a code and modifier, nationally or in one locality."""

    code: str
    modifier: str | None
    description: str
    status_code: str
    global_days: str
    effective_date: date
    end_date: date
    conversion_factor: Decimal
    rvus: RelativeValues
    locality: Gpci | None = Field(description="The GPCIs applied; None for the national amount")
    facility_payment: Decimal
    non_facility_payment: Decimal
    release: str

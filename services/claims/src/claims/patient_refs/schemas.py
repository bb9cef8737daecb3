"""The patient-reference request and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PatientRefIn(BaseModel):
    """A payer's member, as on the subscriber's card (2010BA NM109)."""

    model_config = ConfigDict(extra="forbid")

    payer_id: str = Field(min_length=1, max_length=80)
    member_id: str = Field(min_length=1, max_length=80)


class PatientRefOut(BaseModel):
    """The reference the tenant's X12 claims for that member carry."""

    payer_id: str
    patient_ref: str

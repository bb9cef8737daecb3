"""Authorization requests, actions and decisions going in and out of the API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from prior_auth.authorizations.status import ActionCode

CODE = r"^[A-Z0-9]{5}$"
PLACE = r"^\d{2}$"
NPI = r"^\d{10}$"
Priority = Literal["standard", "expedited"]
Reference = Field(min_length=1, max_length=80, description="the requester's opaque reference")


class LineIn(BaseModel):
    """One service to authorize: code, modifiers, units, dates and diagnoses."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE, description="CPT or HCPCS Level II code")
    modifiers: list[str] = Field(default=[], max_length=4)
    units: int = Field(ge=1, le=99_999)
    start_date: date
    end_date: date
    place_of_service: str | None = Field(default=None, pattern=PLACE)
    diagnosis_codes: list[str] = Field(min_length=1, max_length=12)


class DocumentIn(BaseModel):
    """A supporting document, described (the file stays with the requester)."""

    model_config = ConfigDict(extra="forbid")

    document_type: str = Field(min_length=1, max_length=40, examples=["clinical_notes"])
    title: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=500, description="where the file lives")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file, hex")


class AuthorizationIn(BaseModel):
    """A request for prior authorization, as a submitter sends it."""

    model_config = ConfigDict(extra="forbid")

    payer_id: str = Field(min_length=1, max_length=80)
    plan_id: str | None = Field(default=None, min_length=1, max_length=80)
    patient_ref: str = Reference
    subscriber_ref: str = Reference
    requesting_npi: str = Field(pattern=NPI)
    servicing_npi: str = Field(pattern=NPI)
    priority: Priority = "standard"
    place_of_service: str | None = Field(default=None, pattern=PLACE)
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    documents: list[DocumentIn] = Field(default=[], max_length=20)


class DocumentsIn(BaseModel):
    """Documents added to a request (answering a pend, or supporting an appeal)."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1, max_length=20)


class LinesIn(BaseModel):
    """The requested lines, replaced before any decision."""

    model_config = ConfigDict(extra="forbid")

    lines: list[LineIn] = Field(min_length=1, max_length=50)


class ReasonIn(BaseModel):
    """Why the requester cancels or appeals (optional)."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=1000)


class ExtensionIn(BaseModel):
    """The payer extends the decision timeframe: by how many days, and why."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(ge=1, le=30, description="bounded by the payer's max_extension_days")
    reason: str = Field(min_length=1, max_length=1000)


class ApprovedLineIn(BaseModel):
    """What the payer approves of one requested line."""

    model_config = ConfigDict(extra="forbid")

    line_number: int = Field(ge=1)
    units: int
    start_date: date
    end_date: date


class DecisionIn(BaseModel):
    """A payer decision, an X12 HCR01 action code with what that code requires."""

    model_config = ConfigDict(extra="forbid")

    action_code: ActionCode
    authorization_number: str | None = Field(default=None, max_length=50)
    approved_lines: list[ApprovedLineIn] = Field(default=[], max_length=50)
    reason: str | None = Field(default=None, max_length=1000)
    information_needed: str | None = Field(default=None, max_length=1000)
    modification: str | None = Field(default=None, max_length=1000)
    reason_code: str | None = Field(
        default=None,
        pattern=r"^[A-Z0-9]{2}$",
        description="X12 code source 886 decision reason, sent as HCR03 in 278 responses",
    )


class LineOut(BaseModel):
    """A requested line with its approval and the units claims have used."""

    model_config = ConfigDict(from_attributes=True)

    line_number: int
    code: str
    modifiers: list[str]
    units: int
    start_date: date
    end_date: date
    place_of_service: str | None
    diagnosis_codes: list[str]
    approved_units: int | None
    approved_start: date | None
    approved_end: date | None
    used_units: int


class DocumentOut(BaseModel):
    """A document's metadata."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    document_type: str
    title: str
    reference: str
    sha256: str
    added_at: datetime


class AuthorizationOut(BaseModel):
    """An authorization as it stands, with its deadline and what may be done next."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: str
    payer_id: str
    plan_id: str | None
    patient_ref: str
    subscriber_ref: str
    requesting_npi: str
    servicing_npi: str
    priority: Priority
    place_of_service: str | None
    authorization_number: str | None
    information_needed: str | None
    reason: str | None
    modification: str | None
    reason_code: str | None = None
    appealed: bool
    received_at: datetime
    due_at: datetime
    clock_paused: bool
    first_decided_at: datetime | None
    allowed_actions: list[str]
    lines: list[LineOut]
    documents: list[DocumentOut]


class TransitionOut(BaseModel):
    """One step of the trail: what, from where to where, who and when."""

    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    action: str
    action_code: str | None
    actor_kind: str
    actor_id: str
    at: datetime
    reason: str | None
    details: dict[str, str]


class HistoryOut(BaseModel):
    """The whole history of an authorization, oldest step first."""

    authorization_id: uuid.UUID
    status: str
    transitions: list[TransitionOut]

"""Request and response bodies of new-code applications, panel meetings and custom codes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from code_catalog.applications.workflow import Action, Category, Status


class Procedure(BaseModel):
    """What the procedure is and how it is done."""

    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(default="", max_length=4000)
    steps: list[str] = Field(default=[], max_length=50)
    typical_duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)


class EvidenceReference(BaseModel):
    """A clinical study or guideline supporting the procedure."""

    model_config = ConfigDict(extra="forbid")

    citation: str = Field(min_length=1, max_length=1000)
    url: str | None = Field(default=None, max_length=500)


class Usage(BaseModel):
    """How often the procedure is performed, and where."""

    model_config = ConfigDict(extra="forbid")

    annual_procedures: int | None = Field(default=None, ge=0)
    sites: int | None = Field(default=None, ge=0)
    notes: str = Field(default="", max_length=4000)


class Resources(BaseModel):
    """What performing the procedure takes."""

    model_config = ConfigDict(extra="forbid")

    physician_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    staff: list[str] = Field(default=[], max_length=20)
    equipment: list[str] = Field(default=[], max_length=50)


class ApplicationDetails(BaseModel):
    """Everything the panel reads; a draft may leave parts empty until it is submitted."""

    model_config = ConfigDict(extra="forbid")

    procedure: Procedure = Procedure()
    inadequacy_of_existing_codes: str = Field(default="", max_length=4000)
    evidence: list[EvidenceReference] = Field(default=[], max_length=100)
    usage: Usage = Usage()
    economic_impact: str = Field(default="", max_length=4000)
    specialty_societies: list[str] = Field(default=[], max_length=30)
    resources: Resources = Resources()


class ApplicationIn(BaseModel):
    """A new draft."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    category: Category
    details: ApplicationDetails = ApplicationDetails()


class ApplicationPatch(BaseModel):
    """Changes to a draft (or to an application the panel asked for information on)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    category: Category | None = None
    details: ApplicationDetails | None = None


class TransitionIn(BaseModel):
    """An action on an application, why, and the code a publication assigns."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    reason: str = Field(default="", max_length=4000)
    assigned_code: str | None = Field(default=None, max_length=5, description="For publish")


class AuditEntry(BaseModel):
    """One step of an application's history: who did what, when and why."""

    action: Action
    from_status: Status | None
    to_status: Status
    actor_key_id: str
    actor_tenant: str
    actor_role: str
    reason: str
    at: datetime


class MeetingOut(BaseModel):
    """A panel meeting and its agenda deadline."""

    id: int
    name: str
    meeting_date: date
    agenda_deadline: date


class MeetingIn(BaseModel):
    """A panel meeting to add to the calendar."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    meeting_date: date
    agenda_deadline: date


class ApplicationOut(BaseModel):
    """An application with its place in the workflow and its history."""

    id: uuid.UUID
    tenant_id: str
    status: Status
    category: Category
    title: str
    details: ApplicationDetails
    meeting: MeetingOut | None
    assigned_code: str | None
    effective_date: date | None
    created_at: datetime
    updated_at: datetime
    history: list[AuditEntry] = []


class ApplicationListOut(BaseModel):
    """Applications the caller may see."""

    items: list[ApplicationOut]


class CustomCodeIn(BaseModel):
    """A practice's internal code and the billing code to use until its own is published."""

    model_config = ConfigDict(extra="forbid")

    custom_code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    billing_code: str = Field(min_length=1, max_length=8)
    application_id: uuid.UUID | None = None
    note: str = Field(default="", max_length=1000)


class CustomCodeOut(BaseModel):
    """A custom code and the billing code in force on a date."""

    custom_code: str
    as_of: date
    billing_code: str = Field(description="The code to bill on as_of")
    interim_code: str
    published_code: str | None = None
    published_effective_date: date | None = None
    application_id: uuid.UUID | None = None
    application_status: Status | None = None
    note: str


class CustomCodeListOut(BaseModel):
    """The caller's custom codes."""

    items: list[CustomCodeOut]

"""Request and response bodies of the edit lookup API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

MAX_CODES = 100


class EditLookupIn(BaseModel):
    """The codes of a claim (or any set), and optionally the date of service."""

    model_config = ConfigDict(extra="forbid")

    codes: list[str] = Field(min_length=1, max_length=MAX_CODES)
    date: dt.date | None = Field(default=None, description="Only edits in force that day")


class PtpOut(BaseModel):
    """An NCCI PTP edit between two of the codes."""

    column1: str
    column2: str
    effective_date: dt.date
    deletion_date: dt.date | None
    modifier_indicator: int
    rationale: str
    release: str = ""


class MueOut(BaseModel):
    """The MUE limit of one of the codes."""

    code: str
    max_units: int
    adjudication_indicator: int
    adjudication_label: str
    rationale: str
    valid_from: dt.date
    valid_to: dt.date | None
    release: str = ""


class AddOnOut(BaseModel):
    """One primary an add-on code among the codes may be billed with."""

    addon_code: str
    primary_code: str | None = Field(description="None: the contractor defines the primaries")
    edit_type: int
    effective_date: dt.date
    deletion_date: dt.date | None
    release: str = ""


class EditLookupOut(BaseModel):
    """Every edit row that concerns the codes."""

    codes: list[str]
    ptp: list[PtpOut]
    mue: list[MueOut]
    addons: list[AddOnOut]

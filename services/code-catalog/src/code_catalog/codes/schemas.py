"""Request and response bodies of the code lookup, validation and search API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from code_catalog.codes.formats import CodeCategory, CodeSystem

MAX_BATCH = 1_000


class CodeVersionOut(BaseModel):
    """One version of a code: descriptors over a span of days, and the release that set them."""

    valid_from: dt.date
    valid_to: dt.date | None
    short_descriptor: str | None
    long_descriptor: str | None
    billable: bool
    release: str


class CodeOut(BaseModel):
    """A code as of a date: whether it is in force then, its descriptors and its history."""

    code: str
    display: str = Field(description="The code as printed (ICD-10-CM with its dot)")
    system: CodeSystem
    category: CodeCategory
    as_of: dt.date
    active: bool = Field(description="Whether a version of the code is in force on as_of")
    billable: bool
    short_descriptor: str | None
    long_descriptor: str | None
    effective_date: dt.date = Field(description="The first day the code was valid")
    termination_date: dt.date | None = Field(description="The last day the code is valid, if set")
    version: CodeVersionOut | None = Field(description="The version in force on as_of")
    history: list[CodeVersionOut]
    other_systems: list[CodeSystem] = Field(
        default=[], description="Other systems that have a code spelled the same way"
    )
    attributes: dict[str, str] = {}


class ValidationStatus(StrEnum):
    """The outcome of validating one code."""

    VALID = "valid"
    INACTIVE = "inactive"
    NOT_BILLABLE = "not_billable"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"


class ValidateItem(BaseModel):
    """One code to validate, on a date of service (the request's date when omitted)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=100)
    system: CodeSystem | None = None
    date: dt.date | None = None


class ValidateIn(BaseModel):
    """Up to 1,000 codes to validate in one call."""

    model_config = ConfigDict(extra="forbid")

    codes: list[ValidateItem] = Field(min_length=1, max_length=MAX_BATCH)
    date: dt.date | None = Field(default=None, description="Date of service; today when omitted")


class ValidateResult(BaseModel):
    """The verdict on one code of a batch, in the order given."""

    index: int
    code: str
    system: CodeSystem | None
    date: dt.date
    valid: bool
    status: ValidationStatus
    message: str
    billable: bool | None = None
    short_descriptor: str | None = None
    effective_date: dt.date | None = None
    termination_date: dt.date | None = None


class ValidateOut(BaseModel):
    """Every code's verdict; one bad code never fails the batch."""

    results: list[ValidateResult]
    valid: int
    invalid: int


class SearchHit(BaseModel):
    """A code matching a search, with its rank."""

    code: str
    display: str
    system: CodeSystem
    category: CodeCategory
    billable: bool
    short_descriptor: str | None
    long_descriptor: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    rank: float


class SearchOut(BaseModel):
    """The best matches of a search."""

    query: str
    items: list[SearchHit]


class ListedCode(BaseModel):
    """A modifier or place of service."""

    code: str
    short_descriptor: str | None
    long_descriptor: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    attributes: dict[str, str] = {}


class CodeListOut(BaseModel):
    """Every code of a small system in force on a date (or now)."""

    system: CodeSystem
    as_of: dt.date | None
    items: list[ListedCode]

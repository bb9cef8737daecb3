"""Plain records the code-set parsers stream, one per code or edit, ready for bulk loading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from code_catalog.codes.formats import CodeCategory


class HcpcsRecordKind(StrEnum):
    """Whether a HCPCS file record describes a procedure code or a modifier."""

    PROCEDURE = "procedure"
    MODIFIER = "modifier"


@dataclass(frozen=True, slots=True)
class HcpcsRecord:
    """One HCPCS Level II code or modifier with its long description reassembled."""

    code: str
    kind: HcpcsRecordKind
    long_description: str
    short_description: str
    coverage_code: str
    betos_code: str
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str


@dataclass(frozen=True, slots=True)
class Icd10cmRecord:
    """One ICD-10-CM code (stored without its dot); headers have children and are not billable."""

    code: str
    description: str
    billable: bool
    short_description: str | None = None


@dataclass(frozen=True, slots=True)
class PosRecord:
    """One place-of-service code; ``setting`` is Facility or Non-Facility where the file says."""

    code: str
    name: str
    description: str
    setting: str | None


@dataclass(frozen=True, slots=True)
class CptRecord:
    """One CPT code or CPT modifier from the user's licensed file."""

    code: str
    category: CodeCategory
    short_description: str
    long_description: str
    effective_date: date
    termination_date: date | None


@dataclass(frozen=True, slots=True)
class PtpEditRecord:
    """One NCCI procedure-to-procedure edit: column 2 is not paid with column 1 on one date."""

    column1: str
    column2: str
    prior_to_1996: bool
    effective_date: date
    deletion_date: date | None
    modifier_indicator: int
    rationale: str


@dataclass(frozen=True, slots=True)
class MueRecord:
    """One medically unlikely edit: the most units of a code for one beneficiary."""

    code: str
    max_units: int
    adjudication_indicator: int
    adjudication_label: str
    rationale: str


@dataclass(frozen=True, slots=True)
class AddOnEditRecord:
    """One add-on code edit; ``primary_code`` is None where the contractor defines primaries."""

    addon_code: str
    primary_code: str | None
    edit_type: int
    effective_date: date
    deletion_date: date | None
    addon_deletion_date: date | None
    primary_deletion_date: date | None
    notes: str


@dataclass(frozen=True, slots=True)
class RvuRecord:
    """One Physician Fee Schedule row: the RVUs of a code and modifier and the conversion factor."""

    code: str
    modifier: str
    description: str
    status_code: str
    work_rvu: Decimal
    non_facility_pe_rvu: Decimal
    facility_pe_rvu: Decimal
    mp_rvu: Decimal
    non_facility_total: Decimal
    facility_total: Decimal
    non_facility_pe_na: bool
    facility_pe_na: bool
    pctc_indicator: str
    global_days: str
    conversion_factor: Decimal
    effective_start: date
    effective_end: date


@dataclass(frozen=True, slots=True)
class GpciRecord:
    """A Medicare payment locality's geographic practice cost indices."""

    locality: str
    name: str
    work_gpci: Decimal
    pe_gpci: Decimal
    mp_gpci: Decimal

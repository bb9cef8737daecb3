"""Parsed records as the tuples the staging tables take, in column order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from code_catalog.codes.formats import CodeCategory, CodeSystem
from code_catalog.importers.records import (
    AddOnEditRecord,
    CptRecord,
    GpciRecord,
    HcpcsRecord,
    HcpcsRecordKind,
    Icd10cmRecord,
    MueRecord,
    PosRecord,
    PtpEditRecord,
    RvuRecord,
)
from code_catalog.importers.rvu import payment_amounts

Progress = Callable[[int], None]
StageRow = tuple[object, ...]
_Record = TypeVar("_Record")
REPORT_EVERY = 5_000

CODE_COLUMNS = (
    "system",
    "code",
    "category",
    "billable",
    "short_descriptor",
    "long_descriptor",
    "valid_from",
    "valid_to",
    "change_from",
    "attributes",
)
PTP_COLUMNS = (
    "column1",
    "column2",
    "effective_date",
    "deletion_date",
    "modifier_indicator",
    "prior_to_1996",
    "rationale",
)
MUE_COLUMNS = ("code", "max_units", "adjudication_indicator", "adjudication_label", "rationale")
ADDON_COLUMNS = (
    "addon_code",
    "primary_code",
    "edit_type",
    "effective_date",
    "deletion_date",
    "addon_deletion_date",
    "primary_deletion_date",
    "notes",
)
GPCI_COLUMNS = ("locality", "name", "work_gpci", "pe_gpci", "mp_gpci")
FEE_COLUMNS = (
    "code",
    "modifier",
    "description",
    "status_code",
    "work_rvu",
    "non_facility_pe_rvu",
    "facility_pe_rvu",
    "mp_rvu",
    "non_facility_total",
    "facility_total",
    "non_facility_pe_na",
    "facility_pe_na",
    "pctc_indicator",
    "global_days",
    "conversion_factor",
    "facility_payment",
    "non_facility_payment",
    "effective_date",
    "end_date",
)


def counted(records: Iterable[_Record], progress: Progress | None) -> Iterator[_Record]:
    """Pass records through, reporting how many went by every few thousand."""
    pending = 0
    for record in records:
        yield record
        pending += 1
        if pending == REPORT_EVERY and progress is not None:
            progress(pending)
            pending = 0
    if pending and progress is not None:
        progress(pending)


def _code_row(
    system: str,
    code: str,
    category: str,
    billable: bool,
    short: str | None,
    long: str | None,
    valid: tuple[date | None, date | None, date | None] = (None, None, None),
    attributes: dict[str, str] | None = None,
) -> StageRow:
    """One staged code: ``valid`` is its own start, end and change date where the file has them."""
    return (
        system,
        code,
        category,
        billable,
        short or None,
        long or None,
        *valid,
        json.dumps(attributes or {}),
    )


def hcpcs_row(record: HcpcsRecord) -> StageRow:
    """A HCPCS Level II code or modifier, valid from its add date to its termination date."""
    modifier = record.kind is HcpcsRecordKind.MODIFIER
    return _code_row(
        CodeSystem.MODIFIER if modifier else CodeSystem.HCPCS,
        record.code,
        CodeCategory.MODIFIER if modifier else CodeCategory.HCPCS_II,
        True,
        record.short_description,
        record.long_description,
        (record.add_date, record.termination_date, record.action_effective_date),
        {
            "coverage": record.coverage_code,
            "betos": record.betos_code,
            "action": record.action_code,
        },
    )


def icd10cm_row(record: Icd10cmRecord) -> StageRow:
    """An ICD-10-CM code, valid for as long as releases carry it."""
    return _code_row(
        CodeSystem.ICD10CM,
        record.code,
        CodeCategory.ICD10CM,
        record.billable,
        record.short_description,
        record.description,
    )


def pos_row(record: PosRecord) -> StageRow:
    """A place-of-service code; its name is the short descriptor."""
    attributes = {"setting": record.setting} if record.setting else {}
    return _code_row(
        CodeSystem.POS,
        record.code,
        CodeCategory.POS,
        True,
        record.name,
        record.description,
        attributes=attributes,
    )


def cpt_row(record: CptRecord) -> StageRow:
    """A CPT code or CPT modifier with its own effective and termination dates."""
    modifier = record.category is CodeCategory.MODIFIER
    return _code_row(
        CodeSystem.MODIFIER if modifier else CodeSystem.CPT,
        record.code,
        record.category,
        True,
        record.short_description,
        record.long_description,
        (record.effective_date, record.termination_date, None),
    )


def ptp_row(record: PtpEditRecord) -> StageRow:
    """An NCCI PTP edit."""
    return (
        record.column1,
        record.column2,
        record.effective_date,
        record.deletion_date,
        record.modifier_indicator,
        record.prior_to_1996,
        record.rationale,
    )


def mue_row(record: MueRecord) -> StageRow:
    """An MUE limit."""
    return (
        record.code,
        record.max_units,
        record.adjudication_indicator,
        record.adjudication_label,
        record.rationale,
    )


def addon_row(record: AddOnEditRecord) -> StageRow:
    """An add-on code edit."""
    return (
        record.addon_code,
        record.primary_code,
        record.edit_type,
        record.effective_date,
        record.deletion_date,
        record.addon_deletion_date,
        record.primary_deletion_date,
        record.notes,
    )


def fee_row(record: RvuRecord) -> StageRow:
    """A fee schedule row with its national payments."""
    payment = payment_amounts(record)
    amounts: tuple[Decimal, ...] = (
        record.work_rvu,
        record.non_facility_pe_rvu,
        record.facility_pe_rvu,
        record.mp_rvu,
        record.non_facility_total,
        record.facility_total,
    )
    return (
        record.code,
        record.modifier,
        record.description,
        record.status_code,
        *amounts,
        record.non_facility_pe_na,
        record.facility_pe_na,
        record.pctc_indicator,
        record.global_days,
        record.conversion_factor,
        payment.facility,
        payment.non_facility,
        record.effective_start,
        record.effective_end,
    )


def gpci_row(record: GpciRecord) -> StageRow:
    """A locality's GPCIs."""
    return (record.locality, record.name, record.work_gpci, record.pe_gpci, record.mp_gpci)

"""Physician Fee Schedule relative value units (PPRRVU) as CSV, one row per code and modifier.

RVUs are kept to two decimals, as CMS publishes them (the CSV carries float noise such as
0.07000000000000002), and the conversion factor to four.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import RvuRecord
from code_catalog.importers.sources import TextSource, csv_rows, open_text, table

COLUMNS = (
    "date_start",
    "date_end",
    "hcpcs",
    "mod",
    "description",
    "status_code",
    "work_rvu",
    "non_fac_pe_rvu",
    "non_fac_indicator",
    "facility_pe_rvu",
    "facility_indicator",
    "mp_rvu",
    "non_facility_total",
    "facility_total",
    "pctc_ind",
    "glob_days",
    "conv_factor",
)
RVU_PLACES = Decimal("0.01")
FACTOR_PLACES = Decimal("0.0001")
CENTS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class FeeSchedulePayment:
    """The national payment of one code and modifier in each setting, in dollars."""

    facility: Decimal
    non_facility: Decimal


def _decimal(cells: dict[str, str], name: str, line: int, places: Decimal = RVU_PLACES) -> Decimal:
    """Read a non-negative decimal column, rounded to the given places."""
    try:
        value = Decimal(cells[name])
    except InvalidOperation:
        raise ImportFormatError(line, name, f"expected a number, got {cells[name]!r}") from None
    if not value.is_finite() or value < 0:
        raise ImportFormatError(line, name, f"expected a non-negative number, got {cells[name]!r}")
    return value.quantize(places, ROUND_HALF_UP)


def _modifier(value: str, line: int) -> str:
    """Read the modifier column, blank for the global service."""
    return fields.modifier_code(value, line=line, field="mod") if value else ""


def _record(line: int, cells: dict[str, str]) -> RvuRecord:
    """Build one fee schedule row."""
    return RvuRecord(
        code=fields.procedure_code(cells["hcpcs"], line=line, field="hcpcs"),
        modifier=_modifier(cells["mod"], line),
        description=cells["description"],
        status_code=fields.required(cells["status_code"], line=line, field="status_code"),
        work_rvu=_decimal(cells, "work_rvu", line),
        non_facility_pe_rvu=_decimal(cells, "non_fac_pe_rvu", line),
        facility_pe_rvu=_decimal(cells, "facility_pe_rvu", line),
        mp_rvu=_decimal(cells, "mp_rvu", line),
        non_facility_total=_decimal(cells, "non_facility_total", line),
        facility_total=_decimal(cells, "facility_total", line),
        non_facility_pe_na=cells["non_fac_indicator"] == "NA",
        facility_pe_na=cells["facility_indicator"] == "NA",
        pctc_indicator=cells["pctc_ind"],
        global_days=cells["glob_days"],
        conversion_factor=_decimal(cells, "conv_factor", line, FACTOR_PLACES),
        effective_start=fields.iso_or_yyyymmdd(cells["date_start"], line=line, field="date_start"),
        effective_end=fields.iso_or_yyyymmdd(cells["date_end"], line=line, field="date_end"),
    )


def parse_rvu_csv(source: TextSource, encoding: str = "utf-8-sig") -> Iterator[RvuRecord]:
    """Stream the rows of a PPRRVU CSV file."""
    with open_text(source, encoding) as stream:
        for line, cells in table(csv_rows(stream), COLUMNS):
            yield _record(line, cells)


def payment_amounts(record: RvuRecord) -> FeeSchedulePayment:
    """Total RVUs times the conversion factor, facility and non-facility, rounded to cents."""
    factor = record.conversion_factor
    return FeeSchedulePayment(
        facility=(record.facility_total * factor).quantize(CENTS, ROUND_HALF_UP),
        non_facility=(record.non_facility_total * factor).quantize(CENTS, ROUND_HALF_UP),
    )

"""Field readers shared by the parsers: each turns a cell into a value or names the bad field."""

from __future__ import annotations

from calendar import isleap
from datetime import date, datetime

from code_catalog.codes.formats import (
    CodeFormatError,
    classify_procedure,
    normalize_icd10cm,
    normalize_modifier,
)
from code_catalog.importers.errors import ImportFormatError


def yyyymmdd(value: str, *, line: int, field: str) -> date:
    """Read a YYYYMMDD date."""
    if len(value) != 8 or not value.isdigit():
        raise ImportFormatError(line, field, f"expected a date as YYYYMMDD, got {value!r}")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ImportFormatError(line, field, f"{value!r} is not a calendar date") from None


def optional_yyyymmdd(value: str, *, line: int, field: str) -> date | None:
    """Read a YYYYMMDD date, or None where the cell is blank."""
    return yyyymmdd(value, line=line, field=field) if value else None


def iso_or_yyyymmdd(value: str, *, line: int, field: str) -> date:
    """Read a date written as YYYY-MM-DD or YYYYMMDD."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise ImportFormatError(line, field, f"{value!r} is not a calendar date") from None
    return yyyymmdd(value, line=line, field=field)


def julian_or_yyyymmdd(value: str, *, line: int, field: str) -> date:
    """Read a date written as a CMS Julian date YYYYDDD or as YYYYMMDD."""
    if len(value) == 7 and value.isdigit():
        year, day = int(value[:4]), int(value[4:])
        if year < 1 or not 1 <= day <= (366 if isleap(year) else 365):
            raise ImportFormatError(line, field, f"{value!r} is not a Julian date (YYYYDDD)")
        return date.fromordinal(date(year, 1, 1).toordinal() + day - 1)
    return yyyymmdd(value, line=line, field=field)


def procedure_code(value: str, *, line: int, field: str) -> str:
    """Read a CPT or HCPCS code, naming its expected format when malformed."""
    try:
        return classify_procedure(value).code
    except CodeFormatError as error:
        raise ImportFormatError(line, field, str(error)) from None


def modifier_code(value: str, *, line: int, field: str) -> str:
    """Read a two-character modifier."""
    try:
        return normalize_modifier(value)
    except CodeFormatError as error:
        raise ImportFormatError(line, field, str(error)) from None


def diagnosis_code(value: str, *, line: int, field: str) -> str:
    """Read an ICD-10-CM code, returned without its dot."""
    try:
        return normalize_icd10cm(value)
    except CodeFormatError as error:
        raise ImportFormatError(line, field, str(error)) from None


def choice(value: str, allowed: str, *, line: int, field: str) -> int:
    """Read a one-digit indicator that must be one of the allowed digits."""
    if len(value) != 1 or value not in allowed:
        raise ImportFormatError(line, field, f"expected one of {', '.join(allowed)}, got {value!r}")
    return int(value)


def count(value: str, *, line: int, field: str) -> int:
    """Read a whole number of units, zero or more."""
    if not value.isdigit():
        raise ImportFormatError(line, field, f"expected a whole number, got {value!r}")
    return int(value)


def required(value: str, *, line: int, field: str) -> str:
    """Return a cell that must not be blank."""
    if not value:
        raise ImportFormatError(line, field, "is blank")
    return value

"""NCCI add-on code (AOC) edits, from the CMS workbook or a tab-delimited export of it.

CMS publishes eight columns: Add-On Code, AOC Del Dt, Primary Code, Primary Code Del Dt, AOC Edit
Type, AOC Edit Eff Dt, AOC Edit Del Dt, Special Instruction Notes. Dates are Julian (YYYYDDD; some
headings say so with "(Julian)"), YYYYMMDD is accepted too, and a blank or ``*`` date is none.
Primary code ``CCCCC`` means the contractor defines the primaries (type 2). Headings are matched
ignoring case, spaces and punctuation; rows above the heading row are skipped. The fixed-width
text form CMS added in 2022 is not read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import AddOnEditRecord
from code_catalog.importers.sources import (
    BinarySource,
    NumberedRow,
    TextSource,
    csv_rows,
    from_header,
    open_text,
    table,
    xlsx_rows,
)

ADDON = "Add-On Code"
ADDON_DELETED = "AOC Del Dt"
PRIMARY = "Primary Code"
PRIMARY_DELETED = "Primary Code Del Dt"
EDIT_TYPE = "AOC Edit Type"
EFFECTIVE = "AOC Edit Eff Dt"
DELETED = "AOC Edit Del Dt"
NOTES = "Special Instruction Notes"
COLUMNS = (ADDON, ADDON_DELETED, PRIMARY, PRIMARY_DELETED, EDIT_TYPE, EFFECTIVE, DELETED, NOTES)
CONTRACTOR_DEFINED = "CCCCC"
EDIT_TYPES = {"1": 1, "2": 2, "3": 3, "I": 1, "II": 2, "III": 3}


def _key(heading: str) -> str:
    """Reduce a heading to letters and digits, without a "(Julian)" note."""
    return "".join(ch for ch in heading.upper().replace("JULIAN", "") if ch.isalnum())


def _optional_date(value: str, *, line: int, field: str) -> date | None:
    """Read a date that may be blank or ``*``."""
    if value in ("", "*"):
        return None
    return fields.julian_or_yyyymmdd(value, line=line, field=field)


def _edit_type(value: str, line: int) -> int:
    """Read the AOC edit type, 1 to 3."""
    edit_type = EDIT_TYPES.get(value.upper().removeprefix("TYPE").strip())
    if edit_type is None:
        raise ImportFormatError(line, EDIT_TYPE, f"expected 1, 2 or 3, got {value!r}")
    return edit_type


def _primary(value: str, line: int) -> str | None:
    """Read the primary code, None where the contractor defines it."""
    if value in ("", CONTRACTOR_DEFINED):
        return None
    return fields.procedure_code(value, line=line, field=PRIMARY)


def _record(line: int, cells: dict[str, str]) -> AddOnEditRecord:
    """Build one edit from its named cells."""
    effective = fields.required(cells[EFFECTIVE], line=line, field=EFFECTIVE)
    return AddOnEditRecord(
        addon_code=fields.procedure_code(cells[ADDON], line=line, field=ADDON),
        primary_code=_primary(cells[PRIMARY], line),
        edit_type=_edit_type(cells[EDIT_TYPE], line),
        effective_date=fields.julian_or_yyyymmdd(effective, line=line, field=EFFECTIVE),
        deletion_date=_optional_date(cells[DELETED], line=line, field=DELETED),
        addon_deletion_date=_optional_date(cells[ADDON_DELETED], line=line, field=ADDON_DELETED),
        primary_deletion_date=_optional_date(
            cells[PRIMARY_DELETED], line=line, field=PRIMARY_DELETED
        ),
        notes=cells[NOTES],
    )


def read_addon_rows(rows: Iterable[NumberedRow]) -> Iterator[AddOnEditRecord]:
    """Skip to the heading row, then yield one edit per non-blank row."""
    for line, cells in table(from_header(rows, ADDON, _key), COLUMNS, _key):
        yield _record(line, cells)


def parse_addon_text(
    source: TextSource, delimiter: str = "\t", encoding: str = "latin-1"
) -> Iterator[AddOnEditRecord]:
    """Stream the edits of a delimited AOC file (tab-separated unless told otherwise)."""
    with open_text(source, encoding) as stream:
        yield from read_addon_rows(csv_rows(stream, delimiter))


def parse_addon_xlsx(source: BinarySource, sheet: str | None = None) -> Iterator[AddOnEditRecord]:
    """Stream the edits of the CMS AOC workbook."""
    yield from read_addon_rows(xlsx_rows(source, sheet))

"""HCPCS Level II quarterly files from CMS: the ANWEB CSV or xlsx, and the 320-byte text form.

Each code or modifier is a first record (RECID 3 for a procedure, 7 for a modifier) followed by
continuation records (4 and 8) that carry the rest of the long description, 80 characters a line
in the text form. Continuation lines are joined with one space, since CMS breaks them between
words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import HcpcsRecord, HcpcsRecordKind
from code_catalog.importers.sources import (
    BinarySource,
    NumberedRow,
    TextSource,
    csv_rows,
    open_text,
    table,
    xlsx_rows,
)

FIRST_RECORDS = {"3": HcpcsRecordKind.PROCEDURE, "7": HcpcsRecordKind.MODIFIER}
CONTINUATIONS = {"4": HcpcsRecordKind.PROCEDURE, "8": HcpcsRecordKind.MODIFIER}
RECORD_LENGTH = 320
LONG_DESCRIPTION_WIDTH = 80

COLUMNS = (
    "HCPC",
    "SEQNUM",
    "RECID",
    "LONG DESCRIPTION",
    "SHORT DESCRIPTION",
    "COV",
    "BETOS",
    "ADD DT",
    "ACT EFF DT",
    "TERM DT",
    "ACTION CD",
)

FIXED_WIDTH_SLICES = {
    "HCPC": slice(0, 5),
    "SEQNUM": slice(5, 10),
    "RECID": slice(10, 11),
    "LONG DESCRIPTION": slice(11, 91),
    "SHORT DESCRIPTION": slice(91, 119),
    "COV": slice(229, 230),
    "BETOS": slice(256, 259),
    "ADD DT": slice(268, 276),
    "ACT EFF DT": slice(276, 284),
    "TERM DT": slice(284, 292),
    "ACTION CD": slice(292, 293),
}


@dataclass(slots=True)
class _Pending:
    """A first record waiting for its continuation lines."""

    line: int
    cells: dict[str, str]
    kind: HcpcsRecordKind
    code: str
    description: list[str]


def _code(cells: dict[str, str], kind: HcpcsRecordKind, line: int) -> str:
    """Read the code of a record as its kind requires."""
    value = fields.required(cells["HCPC"], line=line, field="HCPC")
    if kind is HcpcsRecordKind.MODIFIER:
        return fields.modifier_code(value, line=line, field="HCPC")
    return fields.procedure_code(value, line=line, field="HCPC")


def _kind(cells: dict[str, str], line: int) -> tuple[HcpcsRecordKind, bool]:
    """Return the record kind and whether the record continues the previous one."""
    recid = cells["RECID"]
    if recid in FIRST_RECORDS:
        return FIRST_RECORDS[recid], False
    if recid in CONTINUATIONS:
        return CONTINUATIONS[recid], True
    raise ImportFormatError(line, "RECID", f"expected 3, 4, 7 or 8, got {recid!r}")


def _finish(pending: _Pending) -> HcpcsRecord:
    """Build the record of a first line and its continuations."""
    cells, line = pending.cells, pending.line
    return HcpcsRecord(
        code=pending.code,
        kind=pending.kind,
        long_description=" ".join(pending.description),
        short_description=cells["SHORT DESCRIPTION"],
        coverage_code=cells["COV"],
        betos_code=cells["BETOS"],
        add_date=fields.optional_yyyymmdd(cells["ADD DT"], line=line, field="ADD DT"),
        action_effective_date=fields.optional_yyyymmdd(
            cells["ACT EFF DT"], line=line, field="ACT EFF DT"
        ),
        termination_date=fields.optional_yyyymmdd(cells["TERM DT"], line=line, field="TERM DT"),
        action_code=cells["ACTION CD"],
    )


def _check_sequence(cells: dict[str, str], line: int) -> None:
    """Reject a sequence number that is not a number."""
    if not cells["SEQNUM"].isdigit():
        raise ImportFormatError(line, "SEQNUM", f"expected digits, got {cells['SEQNUM']!r}")


def assemble(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[HcpcsRecord]:
    """Join first records with their continuation records and yield one record per code."""
    pending: _Pending | None = None
    for line, cells in rows:
        _check_sequence(cells, line)
        kind, continues = _kind(cells, line)
        code = _code(cells, kind, line)
        if continues:
            if pending is None or pending.code != code or pending.kind is not kind:
                raise ImportFormatError(line, "RECID", f"continuation of {code} has no first line")
            pending.description.append(cells["LONG DESCRIPTION"])
            continue
        if pending is not None:
            yield _finish(pending)
        pending = _Pending(line, cells, kind, code, [cells["LONG DESCRIPTION"]])
    if pending is not None:
        yield _finish(pending)


def parse_hcpcs_csv(source: TextSource, encoding: str = "latin-1") -> Iterator[HcpcsRecord]:
    """Stream the records of a HCPCS ANWEB CSV file (codes or the modifiers file)."""
    with open_text(source, encoding) as stream:
        yield from assemble(table(csv_rows(stream), COLUMNS))


def parse_hcpcs_xlsx(source: BinarySource, sheet: str | None = None) -> Iterator[HcpcsRecord]:
    """Stream the records of a HCPCS ANWEB workbook."""
    yield from assemble(table(xlsx_rows(source, sheet), COLUMNS))


def _fixed_width_cells(rows: Iterable[NumberedRow]) -> Iterator[tuple[int, dict[str, str]]]:
    """Cut each 320-byte record into the named fields."""
    for line, (text,) in rows:
        if not text.strip():
            continue
        if len(text) > RECORD_LENGTH:
            raise ImportFormatError(line, "REC", f"record is {len(text)} bytes, expected 320")
        record = text.ljust(RECORD_LENGTH)
        cells = {name: record[where].strip() for name, where in FIXED_WIDTH_SLICES.items()}
        cells["LONG DESCRIPTION"] = record[FIXED_WIDTH_SLICES["LONG DESCRIPTION"]].rstrip()
        yield line, cells


def parse_hcpcs_fixed_width(source: TextSource, encoding: str = "latin-1") -> Iterator[HcpcsRecord]:
    """Stream the records of the HCPCS 320-byte fixed-width text file."""
    with open_text(source, encoding) as stream:
        lines = ((number, [text.rstrip("\r\n")]) for number, text in enumerate(stream, 1))
        yield from assemble(_fixed_width_cells(lines))

"""NCCI procedure-to-procedure edits, practitioner files (``ccipra-v*-f[1-4].txt``).

Tab-delimited; a preamble (copyright notice, column headings) comes first and ends at the first
line whose first field is shaped like a code. Columns: Column 1, Column 2, ``*`` when the edit
existed before 1996, effective date (YYYYMMDD), deletion date (``*`` for none), modifier indicator
(0 not allowed, 1 allowed, 9 not applicable) and the PTP edit rationale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import PtpEditRecord
from code_catalog.importers.sources import TextSource, open_text

FIELD_NAMES = (
    "Column 1",
    "Column 2",
    "In existence prior to 1996",
    "Effective Date",
    "Deletion Date",
    "Modifier",
    "PTP Edit Rationale",
)
_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{5}")


class _Codes:
    """Validated codes, remembered so each distinct code is checked once per file."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def read(self, value: str, *, line: int, field: str) -> str:
        """Return the canonical code, validating it the first time it appears."""
        code = self.seen.get(value)
        if code is None:
            code = fields.procedure_code(value, line=line, field=field)
            self.seen[value] = code
        return code


def _record(cells: list[str], line: int, codes: _Codes) -> PtpEditRecord:
    """Read one edit from its tab-separated cells."""
    if len(cells) < 6:
        field = FIELD_NAMES[len(cells)]
        raise ImportFormatError(line, field, f"expected 7 tab-separated fields, got {len(cells)}")
    column1, column2, prior, effective, deletion, modifier = (c.strip() for c in cells[:6])
    if prior not in ("", "*"):
        raise ImportFormatError(line, FIELD_NAMES[2], f"expected '*' or blank, got {prior!r}")
    return PtpEditRecord(
        column1=codes.read(column1, line=line, field=FIELD_NAMES[0]),
        column2=codes.read(column2, line=line, field=FIELD_NAMES[1]),
        prior_to_1996=prior == "*",
        effective_date=fields.yyyymmdd(effective, line=line, field=FIELD_NAMES[3]),
        deletion_date=(
            None if deletion == "*" else fields.yyyymmdd(deletion, line=line, field=FIELD_NAMES[4])
        ),
        modifier_indicator=fields.choice(modifier, "019", line=line, field=FIELD_NAMES[5]),
        rationale=cells[6].strip() if len(cells) > 6 else "",
    )


def parse_ptp_file(source: TextSource, encoding: str = "latin-1") -> Iterator[PtpEditRecord]:
    """Stream the edits of one NCCI PTP practitioner file."""
    codes = _Codes()
    in_preamble = True
    with open_text(source, encoding) as stream:
        for line, text in enumerate(stream, start=1):
            cells = text.rstrip("\r\n").split("\t")
            if in_preamble:
                if not _CODE_SHAPE.fullmatch(cells[0].strip()):
                    continue
                in_preamble = False
            if text.strip():
                yield _record(cells, line, codes)

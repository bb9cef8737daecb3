"""Geographic practice cost indices by Medicare locality (the fee schedule's GPCI file, CSV).

Title rows come first; the table starts at the row whose first cell is "Medicare Administrative
Contractor (MAC)". Headings carry the year ("2025 PW GPCI (with 1.0 Floor)"), so they are
matched without years and parenthesised notes. A locality is named by its contractor and
number, ``10112-00``. Footnote rows below the table (no contractor, no indices) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import GpciRecord
from code_catalog.importers.sources import TextSource, csv_rows, from_header, open_text, table

MAC = "Medicare Administrative Contractor (MAC)"
NUMBER = "Locality Number"
NAME = "Locality Name"
WORK = "PW GPCI"
PRACTICE_EXPENSE = "PE GPCI"
MALPRACTICE = "MP GPCI"
COLUMNS = (MAC, NUMBER, NAME, WORK, PRACTICE_EXPENSE, MALPRACTICE)
_NOTES = re.compile(r"\(.*?\)|\b\d{4}\b")


def _key(heading: str) -> str:
    """A heading without its year and notes, letters only, upper case."""
    return "".join(ch for ch in _NOTES.sub("", heading).upper() if ch.isalpha())


def _index(cells: dict[str, str], name: str, line: int) -> Decimal:
    """Read a non-negative index."""
    try:
        value = Decimal(cells[name])
    except InvalidOperation:
        raise ImportFormatError(line, name, f"expected a number, got {cells[name]!r}") from None
    if not value.is_finite() or value < 0:
        raise ImportFormatError(line, name, f"expected a non-negative number, got {value}")
    return value


def _locality(cells: dict[str, str], line: int) -> str:
    """The contractor and locality number as one id."""
    mac, number = cells[MAC].strip(), cells[NUMBER].strip()
    if not (mac.isdigit() and len(mac) == 5):
        raise ImportFormatError(line, MAC, f"expected a five-digit contractor, got {mac!r}")
    if not (number.isdigit() and len(number) <= 2):
        raise ImportFormatError(line, NUMBER, f"expected a locality number, got {number!r}")
    return f"{mac}-{int(number):02d}"


def parse_gpci_csv(source: TextSource, encoding: str = "latin-1") -> Iterator[GpciRecord]:
    """Stream the localities of a GPCI CSV file."""
    with open_text(source, encoding) as stream:
        for line, cells in table(from_header(csv_rows(stream), MAC, _key), COLUMNS, _key):
            if not cells[MAC] or not any(cells[c] for c in (WORK, PRACTICE_EXPENSE, MALPRACTICE)):
                continue
            yield GpciRecord(
                locality=_locality(cells, line),
                name=cells[NAME],
                work_gpci=_index(cells, WORK, line),
                pe_gpci=_index(cells, PRACTICE_EXPENSE, line),
                mp_gpci=_index(cells, MALPRACTICE, line),
            )

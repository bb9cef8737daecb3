"""Reading rows out of the files the parsers accept: text, CSV and xlsx, with line numbers."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TextIO

from code_catalog.importers.errors import ImportFormatError

TextSource = str | os.PathLike[str] | TextIO
BinarySource = str | os.PathLike[str]
NumberedRow = tuple[int, list[str]]
HeadingKey = Callable[[str], str]
LATIN1_BOM = "\u00ef\u00bb\u00bf"


@contextmanager
def open_text(source: TextSource, encoding: str) -> Iterator[TextIO]:
    """Open a path for reading text, or pass an already open text stream through."""
    if isinstance(source, str | os.PathLike):
        with open(source, encoding=encoding, newline="") as stream:
            yield stream
    else:
        yield source


def csv_rows(stream: TextIO, delimiter: str = ",") -> Iterator[NumberedRow]:
    """Yield each CSV record with the number of the line it ends on."""
    reader = csv.reader(stream, delimiter=delimiter)
    for cells in reader:
        yield reader.line_num, cells


def _cell_text(value: object) -> str:
    """Render one spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(source: BinarySource, sheet: str | None = None) -> Iterator[NumberedRow]:
    """Yield each row of the first (or named) worksheet with its row number, cells as text."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def header_key(name: str) -> str:
    """Reduce a column heading to a comparable key: upper case, single spaces."""
    return " ".join(name.replace("\ufeff", "").replace(LATIN1_BOM, "").split()).upper()


class Columns:
    """Positions of the named columns in a header row."""

    def __init__(
        self, header: NumberedRow, names: Sequence[str], key: HeadingKey = header_key
    ) -> None:
        line, cells = header
        keys = [key(cell) for cell in cells]
        self.positions: dict[str, int] = {}
        for name in names:
            key_of_name = key(name)
            if key_of_name not in keys:
                raise ImportFormatError(line, name, "column missing from the header row")
            self.positions[name] = keys.index(key_of_name)

    def pick(self, cells: list[str]) -> dict[str, str]:
        """Return the named cells of a row, trimmed; short rows read as blank."""
        size = len(cells)
        return {
            name: cells[index].strip() if index < size else ""
            for name, index in self.positions.items()
        }


def from_header(
    rows: Iterable[NumberedRow], first_heading: str, key: HeadingKey = header_key
) -> Iterator[NumberedRow]:
    """Skip a notice above the table: yield from the row whose first cell is the heading on."""
    iterator = iter(rows)
    wanted = key(first_heading)
    last = 0
    for line, cells in iterator:
        last = line
        if cells and key(cells[0]) == wanted:
            yield line, cells
            yield from iterator
            return
    raise ImportFormatError(last, first_heading, f"no header row starting with {first_heading!r}")


def table(
    rows: Iterable[NumberedRow], names: Sequence[str], key: HeadingKey = header_key
) -> Iterator[tuple[int, dict[str, str]]]:
    """Read a header row, then yield each non-blank row's named cells with its line number."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise ImportFormatError(1, names[0], "the file is empty")
    columns = Columns(header, names, key)
    for line, cells in iterator:
        if any(cell.strip() for cell in cells):
            yield line, columns.pick(cells)

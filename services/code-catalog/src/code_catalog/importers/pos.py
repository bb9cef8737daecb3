"""The CMS place-of-service code set as a CSV: code, name, description (and a setting column)."""

from __future__ import annotations

from collections.abc import Iterator

from code_catalog.codes.formats import CodeFormatError, normalize_pos
from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import PosRecord
from code_catalog.importers.sources import TextSource, csv_rows, header_key, open_text, table

COLUMNS = ("pos_code", "pos_name", "pos_description")
SETTING_COLUMN = "pos_type"


def _pos_code(value: str, line: int) -> str:
    """Read a two-digit place-of-service code."""
    try:
        return normalize_pos(value)
    except CodeFormatError as error:
        raise ImportFormatError(line, "pos_code", str(error)) from None


def parse_pos_csv(source: TextSource, encoding: str = "utf-8-sig") -> Iterator[PosRecord]:
    """Stream the place-of-service codes of a CSV file."""
    with open_text(source, encoding) as stream:
        rows = csv_rows(stream)
        first = next(rows, None)
        if first is None:
            raise ImportFormatError(1, COLUMNS[0], "the file is empty")
        has_setting = header_key(SETTING_COLUMN) in {header_key(cell) for cell in first[1]}
        names = COLUMNS + (SETTING_COLUMN,) if has_setting else COLUMNS
        for line, cells in table([first, *rows], names):
            yield PosRecord(
                code=_pos_code(cells["pos_code"], line),
                name=fields.required(cells["pos_name"], line=line, field="pos_name"),
                description=cells["pos_description"],
                setting=cells.get(SETTING_COLUMN) or None,
            )

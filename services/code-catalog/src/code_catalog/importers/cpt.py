"""CPT codes from the licensed CSV a user supplies: code, short, long, category, effective,
termination. Category is I, II or III (or 1, 2, 3, or "Category I" ...), or "modifier" for CPT
modifiers; it must agree with the code's shape. Dates are YYYY-MM-DD or YYYYMMDD.
"""

from __future__ import annotations

from collections.abc import Iterator

from code_catalog.codes.formats import CodeCategory, CodeFormatError, classify_procedure
from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import CptRecord
from code_catalog.importers.sources import TextSource, csv_rows, open_text, table

COLUMNS = ("code", "short", "long", "category", "effective", "termination")

CATEGORY_NAMES = {
    "I": CodeCategory.CPT_I,
    "1": CodeCategory.CPT_I,
    "II": CodeCategory.CPT_II,
    "2": CodeCategory.CPT_II,
    "III": CodeCategory.CPT_III,
    "3": CodeCategory.CPT_III,
    "MODIFIER": CodeCategory.MODIFIER,
    "M": CodeCategory.MODIFIER,
}


def _category(value: str, line: int) -> CodeCategory:
    """Read the category column."""
    key = value.strip().upper().removeprefix("CATEGORY").strip()
    if key not in CATEGORY_NAMES:
        raise ImportFormatError(line, "category", f"expected I, II, III or modifier, got {value!r}")
    return CATEGORY_NAMES[key]


def _code(value: str, category: CodeCategory, line: int) -> str:
    """Read the code and check it has the shape its category requires."""
    if category is CodeCategory.MODIFIER:
        return fields.modifier_code(value, line=line, field="code")
    try:
        kind = classify_procedure(value)
    except CodeFormatError as error:
        raise ImportFormatError(line, "code", str(error)) from None
    if kind.category is not category:
        raise ImportFormatError(line, "category", f"{kind.code} is {kind.category}, not {category}")
    return kind.code


def parse_cpt_csv(source: TextSource, encoding: str = "utf-8-sig") -> Iterator[CptRecord]:
    """Stream the codes of a CPT CSV file."""
    with open_text(source, encoding) as stream:
        for line, cells in table(csv_rows(stream), COLUMNS):
            category = _category(cells["category"], line)
            effective = fields.required(cells["effective"], line=line, field="effective")
            termination = cells["termination"]
            yield CptRecord(
                code=_code(cells["code"], category, line),
                category=category,
                short_description=fields.required(cells["short"], line=line, field="short"),
                long_description=cells["long"],
                effective_date=fields.iso_or_yyyymmdd(effective, line=line, field="effective"),
                termination_date=(
                    fields.iso_or_yyyymmdd(termination, line=line, field="termination")
                    if termination
                    else None
                ),
            )

"""Medically unlikely edits, practitioner services (``MCR_MUE_PractitionerServices_Eff_*.csv``).

A quoted notice comes first; the table starts at the row whose first cell is "HCPCS/CPT Code".
The adjudication indicator cell reads like "2 Date of Service Edit: Policy": the digit (1 line
edit, 2 date-of-service edit by policy, 3 date-of-service edit by clinical benchmarks) then a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from code_catalog.importers import fields
from code_catalog.importers.records import MueRecord
from code_catalog.importers.sources import TextSource, csv_rows, from_header, open_text, table

CODE = "HCPCS/CPT Code"
UNITS = "Practitioner Services MUE Values"
INDICATOR = "MUE Adjudication Indicator"
RATIONALE = "MUE Rationale"
COLUMNS = (CODE, UNITS, INDICATOR, RATIONALE)
_FILE_DATE = re.compile(r"Eff_(\d{2})-(\d{2})-(\d{4})")


def effective_date_from_name(name: str) -> date | None:
    """Read the effective date CMS puts in the file name (``..._Eff_MM-DD-YYYY.csv``)."""
    match = _FILE_DATE.search(name)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    return date(year, month, day)


def _indicator(value: str, line: int) -> tuple[int, str]:
    """Split "2 Date of Service Edit: Policy" into 2 and its label."""
    digit, _, label = value.partition(" ")
    return fields.choice(digit, "123", line=line, field=INDICATOR), label.strip()


def parse_mue_csv(source: TextSource, encoding: str = "latin-1") -> Iterator[MueRecord]:
    """Stream the edits of an MUE practitioner CSV file."""
    with open_text(source, encoding) as stream:
        for line, cells in table(from_header(csv_rows(stream), CODE), COLUMNS):
            indicator, label = _indicator(cells[INDICATOR], line)
            yield MueRecord(
                code=fields.procedure_code(cells[CODE], line=line, field=CODE),
                max_units=fields.count(cells[UNITS], line=line, field=UNITS),
                adjudication_indicator=indicator,
                adjudication_label=label,
                rationale=cells[RATIONALE],
            )

"""The GPCI file: title rows, year-stamped headings, localities, footnotes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.gpci import parse_gpci_csv
from code_catalog.testing.layouts import write_gpci

ROWS = [
    ("10112", "AL", "0", "ALABAMA", "1.000", "0.869", "0.575"),
    ("01112", "CA", "5", "SAN FRANCISCO", "1.094", "1.459", "0.353"),
]


class TestGpci:
    def test_localities_are_read_by_contractor_and_number(self, tmp_path: Path) -> None:
        records = list(parse_gpci_csv(write_gpci(tmp_path / "GPCI2025.csv", 2025, ROWS)))
        assert [(r.locality, r.name, r.pe_gpci) for r in records] == [
            ("10112-00", "ALABAMA", Decimal("0.869")),
            ("01112-05", "SAN FRANCISCO", Decimal("1.459")),
        ]

    def test_a_bad_index_names_its_line_and_column(self, tmp_path: Path) -> None:
        bad = [*ROWS, ("10212", "AK", "1", "ALASKA", "1.5", "n/a", "0.6")]
        with pytest.raises(ImportFormatError, match="line 5, field 'PE GPCI'"):
            list(parse_gpci_csv(write_gpci(tmp_path / "GPCI2025.csv", 2025, bad)))

    def test_a_contractor_must_be_five_digits(self, tmp_path: Path) -> None:
        bad = [("1011", "AL", "0", "ALABAMA", "1.0", "0.9", "0.5")]
        with pytest.raises(ImportFormatError, match="five-digit contractor"):
            list(parse_gpci_csv(write_gpci(tmp_path / "GPCI2025.csv", 2025, bad)))

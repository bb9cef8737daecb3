"""NCCI PTP, MUE and add-on code files in their official layouts, written by the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from code_catalog.importers.addon import parse_addon_text, parse_addon_xlsx
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.mue import effective_date_from_name, parse_mue_csv
from code_catalog.importers.ncci import parse_ptp_file
from code_catalog.importers.records import AddOnEditRecord, MueRecord, PtpEditRecord
from code_catalog.testing.layouts import (
    AOC_HEADER,
    PTP_PREAMBLE,
    julian,
    write_aoc,
    write_mue,
    write_ptp,
)

GOOD_PTP = ("10001", "10002", "*", "19960101", "*", "0", "Mutually exclusive procedures")
GOOD_MUE = ("10001", "2", "3 Date of Service Edit: Clinical", "Clinical: Data")
GOOD_AOC = ("20001", "", "10001", "", "1", "2013091", "", "")


class TestPtp:
    def test_skips_the_preamble_and_reads_each_edit(self, tmp_path: Path) -> None:
        path = write_ptp(
            tmp_path / "ccipra-v313r0-f1.txt",
            [
                GOOD_PTP,
                ("G0101", "J1100", "", "20240401", "20250101", "1", "Standards of practice"),
            ],
        )
        assert list(parse_ptp_file(path)) == [
            PtpEditRecord(
                "10001", "10002", True, date(1996, 1, 1), None, 0, "Mutually exclusive procedures"
            ),
            PtpEditRecord(
                "G0101",
                "J1100",
                False,
                date(2024, 4, 1),
                date(2025, 1, 1),
                1,
                "Standards of practice",
            ),
        ]

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            (("10001", "10002", "", "20200101", "*", "2", "x"), "Modifier"),
            (("10001", "10002", "", "2020-01-01", "*", "0", "x"), "Effective Date"),
            (("10001", "10002", "", "20200101", "2021", "0", "x"), "Deletion Date"),
            (("10001", "1000X", "", "20200101", "*", "0", "x"), "Column 2"),
            (("10001", "10002", "Y", "20200101", "*", "0", "x"), "In existence prior to 1996"),
            (("10001", "10002", "", "20200101"), "Deletion Date"),
        ],
    )
    def test_bad_row_names_line_and_field(
        self, tmp_path: Path, row: tuple[str, ...], field: str
    ) -> None:
        path = write_ptp(tmp_path / "ccipra.txt", [GOOD_PTP, row])
        with pytest.raises(ImportFormatError) as caught:
            list(parse_ptp_file(path))
        assert (caught.value.line, caught.value.field) == (len(PTP_PREAMBLE) + 2, field)


class TestMue:
    def test_skips_the_notice_and_splits_the_indicator(self, tmp_path: Path) -> None:
        path = write_mue(
            tmp_path / "MCR_MUE_PractitionerServices_Eff_10-01-2025.csv",
            [GOOD_MUE, ("J1100", "0", "1 Line Edit", "Nature of Equipment")],
        )
        assert list(parse_mue_csv(path)) == [
            MueRecord("10001", 2, 3, "Date of Service Edit: Clinical", "Clinical: Data"),
            MueRecord("J1100", 0, 1, "Line Edit", "Nature of Equipment"),
        ]
        assert effective_date_from_name(path.name) == date(2025, 10, 1)

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            (("10001", "two", "1 Line Edit", "x"), "Practitioner Services MUE Values"),
            (("10001", "2", "4 Other", "x"), "MUE Adjudication Indicator"),
            (("100011", "2", "1 Line Edit", "x"), "HCPCS/CPT Code"),
        ],
    )
    def test_bad_row_names_line_and_field(
        self, tmp_path: Path, row: tuple[str, ...], field: str
    ) -> None:
        path = write_mue(tmp_path / "mue.csv", [GOOD_MUE, row])
        with pytest.raises(ImportFormatError) as caught:
            list(parse_mue_csv(path))
        assert (caught.value.line, caught.value.field) == (5, field)

    def test_file_without_header_row_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "mue.csv"
        path.write_text('"notice"\n"10001","1","1 Line Edit","x"\n')
        with pytest.raises(ImportFormatError, match="no header row"):
            list(parse_mue_csv(path))


class TestAddOn:
    EXPECTED = [
        AddOnEditRecord("20001", "10001", 1, date(2013, 4, 1), None, None, None, ""),
        AddOnEditRecord(
            "20002",
            None,
            2,
            date(2020, 1, 1),
            date(2025, 7, 1),
            None,
            date(2024, 12, 31),
            "Contractor defined primary codes",
        ),
    ]
    ROWS = [
        GOOD_AOC,
        (
            "20002",
            "*",
            "CCCCC",
            julian(date(2024, 12, 31)),
            "2",
            "20200101",
            julian(date(2025, 7, 1)),
            "Contractor defined primary codes",
        ),
    ]

    def test_reads_julian_dates_and_contractor_primaries(self, tmp_path: Path) -> None:
        assert list(parse_addon_text(write_aoc(tmp_path / "aoc.txt", self.ROWS))) == self.EXPECTED

    def test_reads_the_workbook_below_a_title_row(self, tmp_path: Path) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Medicare NCCI Add-on Code Edits"])
        sheet.append(list(AOC_HEADER))
        for row in self.ROWS:
            values: list[object] = list(row)
            values[5] = int(row[5])
            sheet.append(values)
        path = tmp_path / "aoc.xlsx"
        workbook.save(path)
        assert list(parse_addon_xlsx(path)) == self.EXPECTED

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            (("20001", "", "10001", "", "4", "2013091", "", ""), "AOC Edit Type"),
            (("20001", "", "10001", "", "1", "2013400", "", ""), "AOC Edit Eff Dt"),
            (("20001", "", "10001", "", "1", "", "", ""), "AOC Edit Eff Dt"),
            (("20001", "", "1000", "", "1", "2013091", "", ""), "Primary Code"),
            (("20001", "", "10001", "2013", "1", "2013091", "", ""), "Primary Code Del Dt"),
        ],
    )
    def test_bad_row_names_line_and_field(
        self, tmp_path: Path, row: tuple[str, ...], field: str
    ) -> None:
        path = write_aoc(tmp_path / "aoc.txt", [GOOD_AOC, row])
        with pytest.raises(ImportFormatError) as caught:
            list(parse_addon_text(path))
        assert (caught.value.line, caught.value.field) == (3, field)

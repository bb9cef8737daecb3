"""HCPCS Level II files: the real ANWEB CSV, its modifiers file, xlsx and the 320-byte text form."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.hcpcs import (
    parse_hcpcs_csv,
    parse_hcpcs_fixed_width,
    parse_hcpcs_xlsx,
)
from code_catalog.importers.records import HcpcsRecordKind
from code_catalog.testing.layouts import copy_csv_rows, hcpcs_fixed_width


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """The raw rows of a CSV file, as the csv module reads them."""
    with path.open(encoding="latin-1", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def anweb(data_dir: Path) -> Path:
    return data_dir / "hcpcs" / "HCPC2025_OCT_ANWEB.csv"


class TestAnwebCsv:
    def test_streams_every_code_and_modifier_of_the_real_file(self, anweb: Path) -> None:
        rows = _csv_rows(anweb)
        records = list(parse_hcpcs_csv(anweb))
        kinds = Counter(record.kind for record in records)
        assert kinds[HcpcsRecordKind.PROCEDURE] == sum(row["RECID"] == "3" for row in rows)
        assert kinds[HcpcsRecordKind.MODIFIER] == sum(row["RECID"] == "7" for row in rows)
        assert kinds[HcpcsRecordKind.PROCEDURE] == 8463

    def test_termination_dates_match_the_file(self, anweb: Path) -> None:
        terminated = {r["HCPC"] for r in _csv_rows(anweb) if r["RECID"] == "3" and r["TERM DT"]}
        procedures = (r for r in parse_hcpcs_csv(anweb) if r.kind is HcpcsRecordKind.PROCEDURE)
        ended = {r.code for r in procedures if r.termination_date}
        assert ended == terminated
        assert len(ended) == 1205

    def test_reads_descriptions_and_dates_of_one_code(self, anweb: Path) -> None:
        row = next(r for r in _csv_rows(anweb) if r["HCPC"] == "A4397")
        record = next(r for r in parse_hcpcs_csv(anweb) if r.code == "A4397")
        assert record.long_description == row["LONG DESCRIPTION"]
        assert record.short_description == row["SHORT DESCRIPTION"]
        assert record.add_date == date(1990, 1, 1)
        assert record.action_effective_date == date(2022, 1, 1)
        assert record.termination_date == date(2021, 12, 31)
        assert record.action_code == "N"

    def test_header_with_a_byte_order_mark_is_read(self, anweb: Path, tmp_path: Path) -> None:
        path = tmp_path / "bom.csv"
        path.write_bytes(b"\xef\xbb\xbf" + anweb.read_bytes()[:5000].rsplit(b"\n", 1)[0])
        records = list(parse_hcpcs_csv(path))
        assert records[0].code == "A1"
        assert len(records) == anweb.read_bytes()[:5000].rsplit(b"\n", 1)[0].count(b"\n")

    def test_modifiers_file_gives_the_modifiers(self, data_dir: Path) -> None:
        path = data_dir / "hcpcs" / "HCPC2025_OCT_level2_modifiers.csv"
        records = list(parse_hcpcs_csv(path))
        assert len(records) == len(_csv_rows(path)) == 383
        assert all(record.kind is HcpcsRecordKind.MODIFIER for record in records)
        codes = {record.code for record in records}
        assert {"LT", "RT", "XU"} <= codes
        assert "59" not in codes


class TestFixedWidth:
    def test_yields_the_same_records_as_the_csv(self, anweb: Path, tmp_path: Path) -> None:
        text = hcpcs_fixed_width(anweb, tmp_path / "HCPC2025_OCT_ANWEB.txt")
        lines = text.read_text(encoding="latin-1").splitlines()
        assert {len(line) for line in lines} == {320}
        assert len(lines) > 8846
        assert list(parse_hcpcs_fixed_width(text)) == list(parse_hcpcs_csv(anweb))

    def test_continuation_without_first_line_names_line_and_field(self, tmp_path: Path) -> None:
        first = "A1234" + "00001" + "3" + "First part".ljust(80) + "Short".ljust(28)
        stray = "B1234" + "00002" + "4" + "Second part"
        path = tmp_path / "bad.txt"
        path.write_text(first.ljust(320) + "\n" + stray.ljust(320) + "\n", encoding="latin-1")
        with pytest.raises(ImportFormatError) as caught:
            list(parse_hcpcs_fixed_width(path))
        assert (caught.value.line, caught.value.field) == (2, "RECID")

    def test_bad_termination_date_names_line_and_field(self, tmp_path: Path) -> None:
        record = list(("A1234" + "00001" + "3" + "Item".ljust(80)).ljust(320))
        record[284:292] = "20251341"
        path = tmp_path / "bad.txt"
        path.write_text("".join(record) + "\n", encoding="latin-1")
        with pytest.raises(ImportFormatError) as caught:
            list(parse_hcpcs_fixed_width(path))
        assert (caught.value.line, caught.value.field) == (1, "TERM DT")


class TestXlsx:
    def test_workbook_rows_match_the_csv_records(self, anweb: Path, tmp_path: Path) -> None:
        rows = _csv_rows(anweb)
        header = list(rows[0])
        picked = [rows[0], next(r for r in rows if r["HCPC"] == "A4397"), rows[-1]]
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(header)
        for row in picked:
            values: list[object] = [row[name] for name in header]
            values[header.index("ADD DT")] = int(row["ADD DT"])
            sheet.append(values)
        path = tmp_path / "HCPC2025_OCT_ANWEB.xlsx"
        workbook.save(path)
        wanted = {row["HCPC"] for row in picked}
        from_csv = [r for r in parse_hcpcs_csv(anweb) if r.code in wanted]
        assert list(parse_hcpcs_xlsx(path)) == from_csv


class TestMalformedCsv:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"HCPC": "A12"}, "HCPC"),
            ({"RECID": "5"}, "RECID"),
            ({"ADD DT": "2002-07-01"}, "ADD DT"),
            ({"ACT EFF DT": "20020230"}, "ACT EFF DT"),
            ({"SEQNUM": "00A0"}, "SEQNUM"),
        ],
    )
    def test_names_line_and_field(
        self, tmp_path: Path, anweb: Path, change: dict[str, str], field: str
    ) -> None:
        with pytest.raises(ImportFormatError) as caught:
            list(parse_hcpcs_csv(copy_csv_rows(anweb, tmp_path / "bad.csv", 3, {1: change})))
        assert (caught.value.line, caught.value.field) == (3, field)

    def test_missing_column_is_reported_on_the_header(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_text("HCPC,SEQNUM,RECID\nA1,0010,7\n", encoding="latin-1")
        with pytest.raises(ImportFormatError) as caught:
            list(parse_hcpcs_csv(path))
        assert (caught.value.line, caught.value.field) == (1, "LONG DESCRIPTION")

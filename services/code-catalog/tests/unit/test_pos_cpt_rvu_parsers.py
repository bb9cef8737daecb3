"""Place of service, CPT and fee schedule files: real POS and RVU files, a made-up CPT file."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from code_catalog.codes.formats import CodeCategory
from code_catalog.importers.cpt import parse_cpt_csv
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.pos import parse_pos_csv
from code_catalog.importers.rvu import parse_rvu_csv, payment_amounts
from code_catalog.testing.layouts import copy_csv_rows, write_cpt


class TestPlaceOfService:
    def test_reads_the_real_code_set(self, data_dir: Path) -> None:
        path = data_dir / "pos" / "place_of_service.csv"
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        records = list(parse_pos_csv(path))
        assert len(records) == len(rows) == 52
        assert [r.code for r in records] == [row["pos_code"] for row in rows]
        office = next(r for r in records if r.code == "11")
        assert (office.name, office.setting) == ("Office", "Non-Facility")

    def test_bad_code_names_line_and_field(self, tmp_path: Path) -> None:
        path = tmp_path / "pos.csv"
        path.write_text("pos_code,pos_name,pos_description\n11,Office,Office\n1A,Bad,Bad\n")
        with pytest.raises(ImportFormatError) as caught:
            list(parse_pos_csv(path))
        assert (caught.value.line, caught.value.field) == (3, "pos_code")


class TestCpt:
    def test_reads_categories_dates_and_modifiers(self, tmp_path: Path) -> None:
        path = write_cpt(
            tmp_path / "cpt.csv",
            [
                ("10001", "Test procedure A", "Test procedure A, long", "I", "2020-01-01", ""),
                ("0500F", "Test tracking", "Test tracking, long", "Category II", "20200101", ""),
                ("0100T", "Test emerging", "Test emerging, long", "3", "2020-01-01", "2024-12-31"),
                ("59", "Test modifier", "Test modifier, long", "modifier", "2020-01-01", ""),
            ],
        )
        records = list(parse_cpt_csv(path))
        assert [(r.code, r.category) for r in records] == [
            ("10001", CodeCategory.CPT_I),
            ("0500F", CodeCategory.CPT_II),
            ("0100T", CodeCategory.CPT_III),
            ("59", CodeCategory.MODIFIER),
        ]
        assert records[1].effective_date == date(2020, 1, 1)
        assert records[2].termination_date == date(2024, 12, 31)
        assert records[0].termination_date is None

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            (("10001", "Test A", "Test A", "II", "2020-01-01", ""), "category"),
            (("1000", "Test A", "Test A", "I", "2020-01-01", ""), "code"),
            (("10001", "Test A", "Test A", "IV", "2020-01-01", ""), "category"),
            (("10001", "Test A", "Test A", "I", "2020-02-30", ""), "effective"),
            (("10001", "Test A", "Test A", "I", "2020-01-01", "31/12/2024"), "termination"),
            (("10001", "", "Test A", "I", "2020-01-01", ""), "short"),
        ],
    )
    def test_bad_row_names_line_and_field(
        self, tmp_path: Path, row: tuple[str, ...], field: str
    ) -> None:
        good = ("10002", "Test B", "Test B", "I", "2020-01-01", "")
        path = write_cpt(tmp_path / "cpt.csv", [good, row])
        with pytest.raises(ImportFormatError) as caught:
            list(parse_cpt_csv(path))
        assert (caught.value.line, caught.value.field) == (3, field)


@pytest.fixture(scope="module")
def rvu_path(data_dir: Path) -> Path:
    return data_dir / "rvu" / "pprrvu_2024_jul.csv"


class TestRvu:
    def test_reads_every_row_of_the_real_file(self, rvu_path: Path) -> None:
        with rvu_path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        records = list(parse_rvu_csv(rvu_path))
        assert len(records) == len(rows) == 18664
        keys = {(row["hcpcs"], row["mod"]) for row in rows}
        assert {(r.code, r.modifier) for r in records} == keys
        assert {r.conversion_factor for r in records} == {Decimal("33.2875")}
        assert {r.effective_start for r in records} == {date(2024, 7, 1)}

    def test_totals_are_the_sum_of_their_parts(self, rvu_path: Path) -> None:
        for r in parse_rvu_csv(rvu_path):
            assert r.work_rvu + r.non_facility_pe_rvu + r.mp_rvu == r.non_facility_total, r.code
            assert r.work_rvu + r.facility_pe_rvu + r.mp_rvu == r.facility_total, r.code

    def test_payment_is_total_rvus_times_the_conversion_factor(self, rvu_path: Path) -> None:
        visit = next(r for r in parse_rvu_csv(rvu_path) if (r.code, r.modifier) == ("99213", ""))
        assert visit.non_facility_total == Decimal("2.73")
        assert visit.facility_total == Decimal("1.96")
        payment = payment_amounts(visit)
        assert payment.non_facility == Decimal("90.87")
        assert payment.facility == Decimal("65.24")
        assert visit.global_days == "XXX"
        assert visit.status_code == "A"

    def test_payment_rounds_half_cents_up(self, rvu_path: Path, tmp_path: Path) -> None:
        change = {"non_facility_total": "1.0", "facility_total": "0.5", "conv_factor": "10.0050"}
        path = copy_csv_rows(rvu_path, tmp_path / "rvu.csv", 1, {0: change})
        payment = payment_amounts(next(parse_rvu_csv(path)))
        assert payment.non_facility == Decimal("10.01")
        assert payment.facility == Decimal("5.00")

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"work_rvu": "abc"}, "work_rvu"),
            ({"facility_total": "-1"}, "facility_total"),
            ({"hcpcs": "9921"}, "hcpcs"),
            ({"mod": "2"}, "mod"),
            ({"date_start": "07/01/2024"}, "date_start"),
        ],
    )
    def test_bad_row_names_line_and_field(
        self, rvu_path: Path, tmp_path: Path, change: dict[str, str], field: str
    ) -> None:
        path = copy_csv_rows(rvu_path, tmp_path / "rvu.csv", 2, {1: change})
        with pytest.raises(ImportFormatError) as caught:
            list(parse_rvu_csv(path))
        assert (caught.value.line, caught.value.field) == (3, field)

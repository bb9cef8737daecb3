"""Importing newer releases: diffs, versions as of a date, idempotence, order, bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from claimflow_shared.db import Database
from claimflow_shared.errors import Conflict, ValidationFailed
from code_catalog.testing.harness import Importer, derive_csv, rows, scalar
from code_catalog.testing.layouts import write_order_file

HCPCS = Path("hcpcs") / "HCPC2025_OCT_ANWEB.csv"
FIRST_CODES = ("G0008", "G0009", "G0010", "J1100", "E0114", "A0428")


def in_first(row: dict[str, str]) -> bool:
    return row["HCPC"] in FIRST_CODES


@pytest.fixture
def hcpcs_files(shared_data: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A July file of six real codes, and an October file that changes, ends, drops and adds."""
    july = derive_csv(shared_data / HCPCS, tmp_path / "HCPC2025_JUL_ANWEB.csv", keep=in_first)
    october = derive_csv(
        shared_data / HCPCS,
        tmp_path / "HCPC2025_OCT_ANWEB.csv",
        keep=lambda row: row["HCPC"] in FIRST_CODES + ("Q9999",) and row["HCPC"] != "A0428",
        changes={
            "G0008": {
                "SHORT DESCRIPTION": "Flu vaccine admin",
                "ACT EFF DT": "20251001",
                "ACTION CD": "C",
            },
            "E0114": {"TERM DT": "20251231", "ACTION CD": "D"},
        },
    )
    return july, october


class TestHcpcsReleases:
    async def test_a_newer_release_records_adds_changes_and_terminations(
        self, import_file: Importer, hcpcs_files: tuple[Path, Path], catalog_db: Database
    ) -> None:
        july, october = hcpcs_files
        first = await import_file("hcpcs", july)
        second = await import_file("hcpcs", october)
        assert first.label == "HCPCS 2025 July" and second.label == "HCPCS 2025 October"
        assert (second.counts.added, second.counts.changed, second.counts.terminated) == (1, 1, 2)
        diff = await rows(
            catalog_db,
            "SELECT change, key FROM release_changes WHERE release_id = :r ORDER BY key",
            r=second.release_id,
        )
        assert diff == [
            ("terminated", "A0428"),
            ("terminated", "E0114"),
            ("changed", "G0008"),
            ("added", "Q9999"),
        ]
        assert (
            await scalar(
                catalog_db,
                "SELECT count(*) FROM release_changes WHERE release_id = :r",
                r=first.release_id,
            )
            == 0
        )

    async def test_a_descriptor_change_makes_a_new_version_from_its_action_date(
        self, import_file: Importer, hcpcs_files: tuple[Path, Path], catalog_db: Database
    ) -> None:
        for path in hcpcs_files:
            await import_file("hcpcs", path)
        versions = await rows(
            catalog_db,
            "SELECT short_descriptor, valid_from, valid_to, current FROM codes "
            "WHERE code = 'G0008' ORDER BY valid_from",
        )
        assert versions == [
            ("Admin influenza virus vac", date(1994, 1, 1), date(2025, 9, 30), False),
            ("Flu vaccine admin", date(2025, 10, 1), None, True),
        ]
        ended = await rows(
            catalog_db,
            "SELECT code, valid_to FROM codes WHERE code IN ('A0428', 'E0114') ORDER BY code",
        )
        assert ended == [("A0428", date(2025, 9, 30)), ("E0114", date(2025, 12, 31))]

    async def test_each_release_is_announced_through_the_outbox(
        self, import_file: Importer, hcpcs_files: tuple[Path, Path], catalog_db: Database
    ) -> None:
        for path in hcpcs_files:
            await import_file("hcpcs", path)
        events = await rows(catalog_db, "SELECT event_type, key, payload FROM outbox ORDER BY id")
        assert [(kind, key) for kind, key, _ in events] == [
            ("codecatalog.release.published.v1", "HCPCS"),
            ("codecatalog.release.published.v1", "HCPCS"),
        ]
        payload = json.loads(bytes(events[1][2]))
        assert payload["version"] == "2025 October"
        assert (payload["added"], payload["changed"], payload["terminated"]) == (1, 1, 2)
        assert payload["effective_date"] == "2025-10-01"

    async def test_an_older_release_after_a_newer_one_is_refused(
        self, import_file: Importer, hcpcs_files: tuple[Path, Path], catalog_db: Database
    ) -> None:
        july, october = hcpcs_files
        await import_file("hcpcs", october)
        with pytest.raises(Conflict, match="older than HCPCS 2025 October"):
            await import_file("hcpcs", july)
        assert await scalar(catalog_db, "SELECT count(*) FROM releases") == 1

    async def test_the_same_version_from_other_files_is_refused(
        self, import_file: Importer, hcpcs_files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        july, _ = hcpcs_files
        await import_file("hcpcs", july)
        other = tmp_path / "other" / "HCPC2025_JUL_ANWEB.csv"
        other.parent.mkdir()
        derive_csv(july, other, keep=lambda row: row["HCPC"] != "G0010")
        with pytest.raises(Conflict, match="already imported from different files"):
            await import_file("hcpcs", other)


class TestMalformedFiles:
    async def test_a_bad_row_names_its_line_and_field_and_imports_nothing(
        self, import_file: Importer, shared_data: Path, tmp_path: Path, catalog_db: Database
    ) -> None:
        bad = derive_csv(
            shared_data / HCPCS,
            tmp_path / "HCPC2025_OCT_ANWEB.csv",
            keep=lambda row: row["HCPC"] < "B",
            changes={"A4206": {"TERM DT": "2025-13-01"}},
        )
        with pytest.raises(ValidationFailed) as raised:
            await import_file("hcpcs", bad)
        assert "HCPC2025_OCT_ANWEB.csv: line" in raised.value.detail
        assert raised.value.extra["field"] == "TERM DT"
        assert raised.value.extra["line"] > 1
        for table in ("releases", "codes", "outbox"):
            assert await scalar(catalog_db, f"SELECT count(*) FROM {table}") == 0

    async def test_a_malformed_code_names_the_expected_format(
        self, import_file: Importer, tmp_path: Path
    ) -> None:
        order = write_order_file(
            tmp_path / "icd10cm_order_2026.txt",
            [
                ("E11", False, "Type 2 diabetes", "Type 2 diabetes mellitus"),
                ("1E19", True, "Bad code", "A code that starts with a digit"),
            ],
        )
        with pytest.raises(ValidationFailed, match="line 2, field 'code'.*ICD-10-CM codes are"):
            await import_file("icd10cm", order)

    async def test_a_file_with_a_code_twice_is_refused(
        self, import_file: Importer, tmp_path: Path
    ) -> None:
        order = write_order_file(
            tmp_path / "icd10cm_order_2026.txt",
            [
                ("E11", False, "Type 2 diabetes", "Type 2 diabetes mellitus"),
                ("E11", False, "Type 2 diabetes", "Type 2 diabetes mellitus"),
            ],
        )
        with pytest.raises(ValidationFailed, match="E11 appears more than once"):
            await import_file("icd10cm", order)


ICD_2025 = [
    ("E11", False, "Type 2 diabetes", "Type 2 diabetes mellitus"),
    ("E119", True, "Type 2 diabetes w/o compl", "Type 2 diabetes mellitus without complications"),
    ("U099", True, "Post COVID-19 condition", "Post COVID-19 condition, unspecified"),
    ("Z23", True, "Encounter for immunization", "Encounter for immunization"),
]
ICD_2026 = [
    ("E11", False, "Type 2 diabetes", "Type 2 diabetes mellitus"),
    ("E119", True, "Type 2 diabetes w/o compl", "Type 2 diabetes mellitus without complications"),
    ("Z23", False, "Encounter for immunization", "Encounter for immunization"),
    ("Z230", True, "Encounter for flu immunization", "Encounter for influenza immunization"),
]


class TestIcd10cmReleases:
    async def test_fiscal_years_end_dropped_codes_and_version_changed_ones(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        await import_file(
            "icd10cm", write_order_file(tmp_path / "icd10cm_order_2025.txt", ICD_2025)
        )
        fy2026 = await import_file(
            "icd10cm", write_order_file(tmp_path / "icd10cm_order_2026.txt", ICD_2026)
        )
        assert fy2026.label == "ICD-10-CM FY2026"
        assert fy2026.effective_date == date(2025, 10, 1)
        assert (fy2026.counts.added, fy2026.counts.changed, fy2026.counts.terminated) == (1, 1, 1)
        z23 = await rows(
            catalog_db,
            "SELECT billable, valid_from, valid_to FROM codes WHERE code = 'Z23' "
            "ORDER BY valid_from",
        )
        assert z23 == [
            (True, date(2024, 10, 1), date(2025, 9, 30)),
            (False, date(2025, 10, 1), None),
        ]
        assert await scalar(catalog_db, "SELECT valid_to FROM codes WHERE code = 'U099'") == date(
            2025, 9, 30
        )

    async def test_a_dropped_code_that_comes_back_starts_a_new_version(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        fy2027 = [*ICD_2025, ("Z231", True, "Encounter for other immunization", "Other")]
        for year, codes in ((2025, ICD_2025), (2026, ICD_2026), (2027, fy2027)):
            await import_file(
                "icd10cm", write_order_file(tmp_path / f"icd10cm_order_{year}.txt", codes)
            )
        u099 = await rows(
            catalog_db,
            "SELECT valid_from, valid_to, current FROM codes WHERE code = 'U099' "
            "ORDER BY valid_from",
        )
        assert u099 == [
            (date(2024, 10, 1), date(2025, 9, 30), False),
            (date(2026, 10, 1), None, True),
        ]

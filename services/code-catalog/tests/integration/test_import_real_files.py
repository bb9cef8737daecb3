"""The full real HCPCS, RVU, POS and ICD-10-CM files import into PostgreSQL, each once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from claimflow_shared.db import Database
from code_catalog.testing.harness import Importer, rows, scalar

HCPCS = Path("hcpcs") / "HCPC2025_OCT_ANWEB.csv"
RVU = Path("rvu") / "pprrvu_2024_jul.csv"
POS = Path("pos") / "place_of_service.csv"


class TestHcpcs:
    async def test_every_code_and_modifier_is_loaded_with_its_dates(
        self, import_file: Importer, shared_data: Path, catalog_db: Database
    ) -> None:
        outcome = await import_file("hcpcs", shared_data / HCPCS)
        assert (outcome.label, outcome.effective_date) == ("HCPCS 2025 October", date(2025, 10, 1))
        assert (outcome.records, outcome.counts.added, outcome.unchanged) == (8846, 8846, False)
        by_system = await rows(
            catalog_db, "SELECT system, count(*) FROM codes GROUP BY 1 ORDER BY 1"
        )
        assert by_system == [("HCPCS", 8463), ("modifier", 383)]
        terminated = await scalar(
            catalog_db, "SELECT count(*) FROM codes WHERE system = 'HCPCS' AND valid_to IS NOT NULL"
        )
        assert terminated == 1205
        g0008 = await rows(
            catalog_db,
            "SELECT short_descriptor, valid_from, valid_to FROM codes WHERE code = 'G0008'",
        )
        assert g0008 == [("Admin influenza virus vac", date(1994, 1, 1), None)]

    async def test_importing_the_same_file_again_changes_nothing(
        self, import_file: Importer, shared_data: Path, catalog_db: Database
    ) -> None:
        first = await import_file("hcpcs", shared_data / HCPCS)
        again = await import_file("hcpcs", shared_data / HCPCS)
        assert again.unchanged and again.release_id == first.release_id
        assert await scalar(catalog_db, "SELECT count(*) FROM releases") == 1
        assert await scalar(catalog_db, "SELECT count(*) FROM codes") == 8846
        assert await scalar(catalog_db, "SELECT count(*) FROM outbox") == 1


class TestIcd10cm:
    async def test_the_bundled_tabular_list_imports_with_headers_and_billable_codes(
        self, import_file: Importer, catalog_db: Database
    ) -> None:
        outcome = await import_file("icd10cm")
        assert outcome.label == "ICD-10-CM FY2026 April"
        assert outcome.effective_date == date(2026, 4, 1)
        assert outcome.counts.added == outcome.records == 98186
        billable = await rows(
            catalog_db,
            "SELECT billable, count(*) FROM codes WHERE system = 'ICD-10-CM' GROUP BY 1 ORDER BY 1",
        )
        assert billable == [(False, 98186 - 74719), (True, 74719)]
        assert await rows(
            catalog_db, "SELECT billable FROM codes WHERE code IN ('J10', 'J101') ORDER BY code"
        ) == [(False,), (True,)]


class TestFeeSchedule:
    async def test_every_row_imports_with_its_national_payment(
        self, import_file: Importer, shared_data: Path, catalog_db: Database
    ) -> None:
        outcome = await import_file("rvu", shared_data / RVU)
        assert outcome.label == "PFS 2024 July"
        assert outcome.records == 18664
        assert await scalar(catalog_db, "SELECT count(*) FROM fee_schedule") == 18664
        office_visit = await rows(
            catalog_db,
            "SELECT non_facility_total, facility_total, conversion_factor, non_facility_payment, "
            "facility_payment FROM fee_schedule WHERE code = '99213' AND modifier = ''",
        )
        assert office_visit == [
            (
                Decimal("2.73"),
                Decimal("1.96"),
                Decimal("33.2875"),
                Decimal("90.87"),
                Decimal("65.24"),
            )
        ]


class TestPlaceOfService:
    async def test_the_file_needs_a_version_and_date_and_then_imports(
        self, import_file: Importer, shared_data: Path, catalog_db: Database
    ) -> None:
        outcome = await import_file(
            "pos", shared_data / POS, version="2023 September", effective=date(2023, 9, 1)
        )
        assert outcome.records == 52
        setting = await scalar(
            catalog_db,
            "SELECT attributes->>'setting' FROM codes WHERE system = 'POS' AND code = '21'",
        )
        assert setting == "Facility"

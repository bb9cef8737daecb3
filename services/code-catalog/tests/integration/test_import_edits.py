"""NCCI PTP, MUE, add-on and CPT files in the official layouts: releases and their diffs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from claimflow_shared.db import Database
from code_catalog.testing.harness import Importer, rows, scalar
from code_catalog.testing.layouts import julian, write_aoc, write_cpt, write_mue, write_ptp

PTP_V1 = [
    ("10001", "10002", "", "20200101", "*", "0", "Mutually exclusive procedures"),
    ("10001", "10003", "*", "19960101", "*", "1", "Standards of medical practice"),
]
PTP_V2 = [
    ("10001", "10002", "", "20200101", "20251001", "0", "Mutually exclusive procedures"),
    ("10001", "10003", "*", "19960101", "*", "9", "Standards of medical practice"),
    ("10003", "10005", "", "20251001", "*", "1", "CPT manual instructions"),
]
MUE_V1 = [
    ("10001", "1", "1 Line Edit", "Anatomic"),
    ("10002", "2", "2 Date of Service Edit: Policy", "Nature of service"),
]
MUE_V2 = [("10001", "2", "1 Line Edit", "Anatomic")]


class TestNcciPtp:
    async def test_deletions_and_indicator_changes_apply_in_place(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        first = await import_file("ncci", write_ptp(tmp_path / "ccipra-v312r0-f1.txt", PTP_V1))
        assert (first.label, first.effective_date) == ("NCCI PTP 31.2r0", date(2025, 7, 1))
        second = await import_file("ncci", write_ptp(tmp_path / "ccipra-v313r0-f1.txt", PTP_V2))
        assert (second.counts.added, second.counts.changed, second.counts.terminated) == (1, 1, 1)
        assert await rows(
            catalog_db,
            "SELECT column1, column2, deletion_date, modifier_indicator, prior_to_1996 "
            "FROM ptp_edits ORDER BY column1, column2",
        ) == [
            ("10001", "10002", date(2025, 10, 1), 0, False),
            ("10001", "10003", None, 9, True),
            ("10003", "10005", None, 1, False),
        ]
        assert await rows(
            catalog_db,
            "SELECT change, key FROM release_changes WHERE release_id = :r ORDER BY key",
            r=second.release_id,
        ) == [("terminated", "10001/10002"), ("changed", "10001/10003"), ("added", "10003/10005")]

    async def test_a_release_split_over_four_files_is_one_release(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        files = [
            write_ptp(tmp_path / f"ccipra-v313r0-f{n}.txt", [PTP_V2[n - 1]]) for n in (1, 2, 3)
        ]
        outcome = await import_file("ncci", *files)
        assert outcome.records == 3
        assert await scalar(catalog_db, "SELECT count(DISTINCT release_id) FROM ptp_edits") == 1


class TestMue:
    async def test_a_changed_limit_is_a_new_version_and_a_dropped_one_ends(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        name = "MCR_MUE_PractitionerServices_Eff_{}.csv"
        await import_file("mue", write_mue(tmp_path / name.format("07-01-2025"), MUE_V1))
        second = await import_file("mue", write_mue(tmp_path / name.format("10-01-2025"), MUE_V2))
        assert (second.counts.added, second.counts.changed, second.counts.terminated) == (0, 1, 1)
        assert await rows(
            catalog_db,
            "SELECT code, max_units, valid_from, valid_to FROM mue_limits "
            "ORDER BY code, valid_from",
        ) == [
            ("10001", 1, date(2025, 7, 1), date(2025, 9, 30)),
            ("10001", 2, date(2025, 10, 1), None),
            ("10002", 2, date(2025, 7, 1), date(2025, 9, 30)),
        ]


class TestAddOnEdits:
    async def test_the_edits_import_with_contractor_defined_primaries(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        start = julian(date(2020, 1, 1))
        aoc = write_aoc(
            tmp_path / "AOC_2025Q4.txt",
            [
                ("20001", "", "10001", "", "1", start, "", ""),
                ("20002", "", "CCCCC", "", "2", start, "", "Contractor defined"),
            ],
        )
        outcome = await import_file("addon", aoc)
        assert outcome.label == "AOC 2025Q4"
        assert await rows(
            catalog_db, "SELECT addon_code, primary_code, edit_type FROM addon_edits ORDER BY 1"
        ) == [("20001", "10001", 1), ("20002", None, 2)]
        again = await import_file("addon", aoc)
        assert again.unchanged


class TestCpt:
    async def test_a_licensed_file_loads_codes_and_modifiers_with_their_dates(
        self, import_file: Importer, tmp_path: Path, catalog_db: Database
    ) -> None:
        cpt = write_cpt(
            tmp_path / "cpt.csv",
            [
                ("10001", "Test procedure A", "Test procedure A, long", "I", "2020-01-01", ""),
                (
                    "0100T",
                    "Test emerging code",
                    "Test emerging, long",
                    "III",
                    "2020-01-01",
                    "2024-12-31",
                ),
                ("25", "Test modifier", "Test modifier, long", "modifier", "2020-01-01", ""),
            ],
        )
        outcome = await import_file("cpt", cpt, version="2026", effective=date(2026, 1, 1))
        assert outcome.label == "CPT 2026"
        assert await rows(
            catalog_db, "SELECT system, code, category, valid_to FROM codes ORDER BY code"
        ) == [
            ("CPT", "0100T", "CPT Category III", date(2024, 12, 31)),
            ("CPT", "10001", "CPT Category I", None),
            ("modifier", "25", "modifier", None),
        ]

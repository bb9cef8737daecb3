"""Review tables built once from the real HCPCS and POS files plus small files in CMS layouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from code_catalog.importers.addon import parse_addon_text
from code_catalog.importers.cpt import parse_cpt_csv
from code_catalog.importers.hcpcs import parse_hcpcs_csv
from code_catalog.importers.icd10cm import parse_icd10cm_order_file
from code_catalog.importers.mue import parse_mue_csv
from code_catalog.importers.ncci import parse_ptp_file
from code_catalog.importers.pos import parse_pos_csv
from code_catalog.review.builder import TableBuilder
from code_catalog.review.engine import ReviewEngine
from code_catalog.review.tables import CatalogTables
from code_catalog.testing.layouts import (
    julian,
    shared_data_dir,
    write_aoc,
    write_cpt,
    write_mue,
    write_order_file,
    write_ptp,
)

CPT_ROWS = [
    ("10001", "Test procedure A", "Test procedure A, long", "I", "2020-01-01", ""),
    ("10002", "Test procedure B", "Test procedure B, long", "I", "2020-01-01", ""),
    ("10003", "Test procedure C", "Test procedure C, long", "I", "2020-01-01", ""),
    ("10004", "Test procedure D", "Test procedure D, long", "I", "2020-01-01", ""),
    ("10005", "Test procedure E", "Test procedure E, long", "I", "2020-01-01", ""),
    ("10009", "Test procedure ended", "Ended test procedure", "I", "2020-01-01", "2024-12-31"),
    ("10010", "Test procedure later", "Future test procedure", "I", "2026-01-01", ""),
    ("0500F", "Test tracking code", "Test tracking code, long", "II", "2020-01-01", ""),
    ("0100T", "Test emerging code", "Test emerging code, long", "III", "2020-01-01", ""),
    ("20001", "Test add-on type 1", "Test add-on, type 1", "I", "2020-01-01", ""),
    ("20002", "Test add-on type 2", "Test add-on, type 2", "I", "2020-01-01", ""),
    ("20003", "Test add-on type 3", "Test add-on, type 3", "I", "2020-01-01", ""),
    ("20004", "Test add-on ended", "Test add-on, edit deleted", "I", "2020-01-01", ""),
    *(
        (modifier, "Test modifier", "Test modifier, long", "modifier", "2020-01-01", "")
        for modifier in ("25", "26", "59", "76", "91")
    ),
]
ORDER_ROWS = [
    ("E11", False, "Type 2 diabetes mellitus", "Type 2 diabetes mellitus"),
    (
        "E119",
        True,
        "Type 2 diabetes mellitus without complications",
        "Type 2 diabetes mellitus without complications",
    ),
    ("I10", True, "Essential (primary) hypertension", "Essential (primary) hypertension"),
    ("S525", False, "Fracture of lower end of radius", "Fracture of lower end of radius"),
]
ICD_EFFECTIVE = date(2025, 10, 1)
ICD_UNTIL = date(2026, 9, 30)
ICD_PREVIOUS = (date(2024, 10, 1), date(2025, 9, 30))
PTP_ROWS = [
    ("10001", "10002", "", "20200101", "*", "0", "Mutually exclusive procedures"),
    ("10001", "10003", "*", "20200101", "*", "1", "Standards of medical practice"),
    ("10001", "10004", "", "20200101", "*", "9", "Deleted edit"),
    ("10002", "10004", "", "20200101", "20250701", "0", "Misuse of column two code"),
    ("10003", "10005", "", "20250701", "*", "1", "CPT manual instructions"),
]
MUE_ROWS = [
    ("10001", "1", "1 Line Edit", "Anatomic consideration"),
    ("10002", "2", "2 Date of Service Edit: Policy", "Nature of service"),
    ("10003", "3", "3 Date of Service Edit: Clinical", "Clinical: Data"),
]
AOC_FROM = julian(date(2020, 1, 1))
AOC_ROWS = [
    ("20001", "", "10001", "", "1", AOC_FROM, "", ""),
    ("20001", "", "10002", "", "1", AOC_FROM, "", ""),
    ("20002", "", "CCCCC", "", "2", AOC_FROM, "", "Contractor defined primary codes"),
    ("20003", "", "10003", "", "3", AOC_FROM, "", ""),
    ("20004", "", "10001", "", "1", AOC_FROM, julian(date(2025, 7, 1)), ""),
]

RELEASES = {
    "hcpcs": "HCPCS 2025-10",
    "cpt": "CPT test 2025",
    "pos": "POS 2023-09",
    "icd": "ICD-10-CM 2026",
    "icd_previous": "ICD-10-CM 2025",
    "ptp": "NCCI PTP v313r0",
    "mue": "MUE 2025-10-01",
    "aoc": "AOC 2025Q4",
}


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared code-set data."""
    return shared_data_dir()


@pytest.fixture(scope="session")
def catalog_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small CPT, ICD-10-CM, NCCI, MUE and add-on files the review tests load."""
    folder = tmp_path_factory.mktemp("catalog")
    return {
        "cpt": write_cpt(folder / "cpt.csv", CPT_ROWS),
        "icd": write_order_file(folder / "icd10cm_order_2026.txt", ORDER_ROWS),
        "ptp": write_ptp(folder / "ccipra-v313r0-f1.txt", PTP_ROWS),
        "mue": write_mue(folder / "MCR_MUE_PractitionerServices_Eff_10-01-2025.csv", MUE_ROWS),
        "aoc": write_aoc(folder / "aoc.txt", AOC_ROWS),
    }


@pytest.fixture(scope="session")
def tables(data_dir: Path, catalog_files: dict[str, Path]) -> CatalogTables:
    """Review tables from real HCPCS and POS codes and the small files."""
    builder = TableBuilder()
    builder.add_hcpcs(
        parse_hcpcs_csv(data_dir / "hcpcs" / "HCPC2025_OCT_ANWEB.csv"), RELEASES["hcpcs"]
    )
    builder.add_cpt(parse_cpt_csv(catalog_files["cpt"]), RELEASES["cpt"])
    builder.add_pos(parse_pos_csv(data_dir / "pos" / "place_of_service.csv"), RELEASES["pos"])
    icd = list(parse_icd10cm_order_file(catalog_files["icd"]))
    builder.add_icd10cm(icd, RELEASES["icd"], ICD_EFFECTIVE, ICD_UNTIL)
    builder.add_icd10cm(icd, RELEASES["icd_previous"], *ICD_PREVIOUS)
    builder.add_ptp(parse_ptp_file(catalog_files["ptp"]), RELEASES["ptp"])
    builder.add_mue(parse_mue_csv(catalog_files["mue"]), RELEASES["mue"])
    builder.add_addons(parse_addon_text(catalog_files["aoc"]), RELEASES["aoc"])
    return builder.build()


@pytest.fixture
def engine(tables: CatalogTables) -> ReviewEngine:
    """An engine over the session's tables."""
    return ReviewEngine(tables)

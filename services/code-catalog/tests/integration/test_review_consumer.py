"""Code review through the worker: tables loaded from the database, every rule, refresh on a
new release."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from claimflow_shared.events.contracts import (
    ClaimCodeReviewCompleted,
    ClaimSubmitted,
    CodeSetReleased,
)
from claimflow_shared.events.contracts.claims import SubmittedLine
from code_catalog.testing.harness import Importer, RunningWorker
from code_catalog.testing.layouts import (
    julian,
    write_aoc,
    write_cpt,
    write_mue,
    write_order_file,
    write_ptp,
)

DAY = date(2025, 9, 15)
CPT = [
    *(
        (f"1000{n}", f"Test procedure {n}", f"Test procedure {n}, long", "I", "2020-01-01", "")
        for n in range(1, 6)
    ),
    ("10009", "Test ended", "Test procedure that ended", "I", "2020-01-01", "2024-12-31"),
    *(
        (f"2000{n}", f"Test add-on {n}", f"Test add-on {n}, long", "I", "2020-01-01", "")
        for n in range(1, 4)
    ),
    *(
        (m, "Test modifier", "Test modifier, long", "modifier", "2020-01-01", "")
        for m in ("25", "59", "76")
    ),
]
ICD = [
    ("E11", False, "Type 2 diabetes", "Type 2 diabetes mellitus"),
    ("E119", True, "Type 2 diabetes w/o compl", "Type 2 diabetes mellitus without complications"),
    ("I10", True, "Essential hypertension", "Essential (primary) hypertension"),
]
PTP = [
    ("10001", "10002", "", "20200101", "*", "0", "Mutually exclusive procedures"),
    ("10001", "10003", "", "20200101", "*", "1", "Standards of medical practice"),
]
MUE = [
    ("10001", "1", "1 Line Edit", "Anatomic"),
    ("10002", "2", "2 Date of Service Edit: Policy", "Policy"),
    ("10003", "2", "3 Date of Service Edit: Clinical", "Clinical"),
]
START = julian(date(2020, 1, 1))
AOC = [
    ("20001", "", "10001", "", "1", START, "", ""),
    ("20002", "", "CCCCC", "", "2", START, "", "Contractor defined"),
    ("20003", "", "10004", "", "3", START, "", ""),
]

Line = tuple[str, int] | tuple[str, int, tuple[str, ...]]
Review = Callable[..., Coroutine[Any, Any, list[tuple[int, str, str]]]]


def submitted(lines: list[Line], dx: list[str], pos: str, pointers: list[int]) -> ClaimSubmitted:
    """A claim of the given (code, units[, modifiers]) lines on one date."""
    return ClaimSubmitted(
        claim_id=str(uuid.uuid4()),
        tenant_id="tenant-a",
        payer_id="P",
        billing_npi="1234567893",
        patient_ref="SYNTH-1",
        place_of_service=pos,
        diagnosis_codes=dx,
        lines=[
            SubmittedLine(
                line_number=n,
                code=line[0],
                units=Decimal(line[1]),
                modifiers=list(line[2]) if len(line) > 2 else [],
                charge=Decimal("10"),
                service_date_from=DAY,
                service_date_to=DAY,
                diagnosis_pointers=pointers,
            )
            for n, line in enumerate(lines, start=1)
        ],
        total_charge=Decimal("10"),
        submitted_at=datetime.now(UTC),
    )


@pytest.fixture
async def edit_files(import_file: Importer, tmp_path: Path, shared_data: Path) -> None:
    """Test codes, the real POS set, and small edit files in the CMS layouts."""
    await import_file(
        "cpt", write_cpt(tmp_path / "cpt.csv", CPT), version="test 2025", effective=date(2025, 1, 1)
    )
    await import_file("icd10cm", write_order_file(tmp_path / "icd10cm_order_2025.txt", ICD))
    await import_file(
        "pos",
        shared_data / "pos" / "place_of_service.csv",
        version="2023-09",
        effective=date(2003, 1, 1),
    )
    await import_file("ncci", write_ptp(tmp_path / "ccipra-v312r0-f1.txt", PTP))
    await import_file(
        "mue", write_mue(tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2025.csv", MUE)
    )
    await import_file("addon", write_aoc(tmp_path / "AOC_2025Q3.txt", AOC))


@pytest.fixture
async def worker(edit_files: None, catalog_url: str) -> AsyncIterator[RunningWorker]:
    async with RunningWorker(catalog_url) as running:
        yield running


@pytest.fixture
def review(worker: RunningWorker) -> Review:
    """Submit a claim through the bus and return its findings as (line, rule, severity)."""

    async def run(
        *lines: Line,
        dx: tuple[str, ...] = ("E11.9",),
        pos: str = "11",
        pointers: tuple[int, ...] = (1,),
    ) -> list[tuple[int, str, str]]:
        claim = submitted(list(lines), list(dx), pos, list(pointers))
        await worker.submit(claim)
        async with asyncio.timeout(20):
            event = await worker.wait_for(
                ClaimCodeReviewCompleted.topic,
                lambda e: isinstance(e, ClaimCodeReviewCompleted) and e.claim_id == claim.claim_id,
            )
        assert isinstance(event, ClaimCodeReviewCompleted)
        return [(f.line, f.rule, f.severity) for f in event.findings]

    return run


class TestLineRules:
    async def test_a_clean_claim_has_no_findings(self, review: Review) -> None:
        assert await review(("10004", 1), ("10005", 1)) == []

    async def test_malformed_unknown_and_ended_codes_are_rejected(self, review: Review) -> None:
        assert await review(("1000", 1), ("99999", 1), ("10009", 1)) == [
            (1, "CODE_FORMAT", "reject"),
            (2, "CODE_UNKNOWN", "reject"),
            (3, "CODE_INACTIVE", "reject"),
        ]

    async def test_units_modifiers_and_place_of_service(self, review: Review) -> None:
        assert await review(("10004", 0), ("10005", 1, ("ZZ",)), pos="98") == [
            (1, "UNITS_INVALID", "reject"),
            (1, "POS_INVALID", "reject"),
            (2, "MODIFIER_INVALID", "reject"),
            (2, "POS_INVALID", "reject"),
        ]

    async def test_diagnoses_must_be_billable_codes_the_lines_point_to(
        self, review: Review
    ) -> None:
        assert await review(("10004", 1), dx=("E11", "Q99.99"), pointers=(1, 3)) == [
            (0, "DX_HEADER", "reject"),
            (0, "DX_INVALID", "reject"),
            (1, "DX_POINTER", "reject"),
        ]


class TestEdits:
    async def test_ncci_pairs_deny_column_two_unless_a_modifier_allows_it(
        self, review: Review
    ) -> None:
        assert await review(("10001", 1), ("10002", 1)) == [(2, "NCCI_PTP", "reject")]
        assert await review(("10001", 1), ("10003", 1)) == [(2, "NCCI_PTP", "reject")]
        assert await review(("10001", 1), ("10003", 1, ("59",))) == []

    async def test_mue_per_line_and_per_date_with_appealable_clinical_limits(
        self, review: Review
    ) -> None:
        assert await review(("10001", 2)) == [(1, "MUE_LINE", "reject")]
        assert await review(("10002", 2), ("10002", 1, ("76",))) == [
            (1, "MUE_DOS", "reject"),
            (2, "MUE_DOS", "reject"),
        ]
        assert await review(("10003", 3)) == [(1, "MUE_DOS", "reject")]

    async def test_add_on_codes_need_their_primary(self, review: Review) -> None:
        assert await review(("20001", 1)) == [(1, "ADDON_NO_PRIMARY", "reject")]
        assert await review(("20001", 1), ("10001", 1)) == []
        assert await review(("20002", 1)) == [(1, "ADDON_NO_PRIMARY", "warn")]
        assert await review(("20003", 1), ("10005", 1)) == [(1, "ADDON_NO_PRIMARY", "warn")]


class TestFindingsCarryTheirRelease:
    async def test_each_finding_names_the_release_that_decided_it(
        self, worker: RunningWorker
    ) -> None:
        claim = submitted([("10001", 1), ("10002", 1), ("10003", 3)], ["E11.9"], "11", [1])
        await worker.submit(claim)
        async with asyncio.timeout(20):
            event = await worker.wait_for(
                ClaimCodeReviewCompleted.topic,
                lambda e: isinstance(e, ClaimCodeReviewCompleted) and e.claim_id == claim.claim_id,
            )
        assert isinstance(event, ClaimCodeReviewCompleted)
        found = {(f.rule, f.release, f.appealable) for f in event.findings}
        assert found == {
            ("NCCI_PTP", "NCCI PTP 31.2r0", False),
            ("MUE_DOS", "MUE 2025-07-01", True),
        }


class TestRefresh:
    async def test_a_new_release_reaches_the_tables_without_a_restart(
        self, worker: RunningWorker, review: Review, import_file: Importer, tmp_path: Path
    ) -> None:
        assert await review(("10006", 1)) == [(1, "CODE_UNKNOWN", "reject")]
        later = [
            *CPT,
            ("10006", "Test procedure 6", "Test procedure 6, long", "I", "2020-01-01", ""),
        ]
        outcome = await import_file(
            "cpt",
            write_cpt(tmp_path / "cpt-2.csv", later),
            version="test 2025b",
            effective=date(2025, 2, 1),
        )
        async with asyncio.timeout(20):
            await worker.wait_for(
                CodeSetReleased.topic,
                lambda e: isinstance(e, CodeSetReleased) and e.release_id == outcome.release_id,
            )
            while worker.cache.newest_release < outcome.release_id:
                await asyncio.sleep(0.05)
        assert await review(("10006", 1)) == []

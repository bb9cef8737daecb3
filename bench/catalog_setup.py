"""What the code-catalog benchmarks share: a PostgreSQL server, fresh catalog databases, the
real code-set files, and synthetic edit files written in the official CMS layouts.

Synthetic CPT rows carry made-up descriptors ("Synthetic code 99213") and are written to a
temporary folder, never into the repository.
"""

from __future__ import annotations

import random
import resource
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from catalog_review import synthetic_addons, synthetic_mues, synthetic_pairs
from record import save

from claimflow_shared.testing.databases import create_database, drop_database, migrate
from code_catalog.codes.formats import CodeSystem, classify_procedure
from code_catalog.definition import DEFINITION
from code_catalog.importers.records import AddOnEditRecord, PtpEditRecord
from code_catalog.importers.rvu import parse_rvu_csv
from code_catalog.imports.kinds import ImportKind
from code_catalog.imports.runner import run_import
from code_catalog.imports.service import ImportRequest
from code_catalog.testing.layouts import (
    julian,
    shared_data_dir,
    write_aoc,
    write_cpt,
    write_mue,
    write_ptp,
)

DATA = shared_data_dir()
HCPCS = DATA / "hcpcs" / "HCPC2025_OCT_ANWEB.csv"
RVU = DATA / "rvu" / "pprrvu_2024_jul.csv"
POS = DATA / "pos" / "place_of_service.csv"
FIRST_POS = date(2003, 1, 1)
CPT_EFFECTIVE = date(2020, 1, 1)


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_result(name: str, figures: dict[str, Any]) -> Path:
    """Write figures to bench/results/<name>.json and print the file."""
    path = save(name, figures)
    print(path.read_text(encoding="utf-8"), end="")
    return path


@asynccontextmanager
async def catalog_database(server_url: str) -> AsyncIterator[str]:
    """A fresh, migrated code-catalog database, dropped afterwards."""
    url = await create_database(server_url, f"bench_catalog_{uuid.uuid4().hex[:8]}")
    await migrate(DEFINITION, url)
    try:
        yield url
    finally:
        await drop_database(server_url, url)


def cpt_codes_of_rvu() -> list[str]:
    """The CPT codes named in the real PPRRVU file (their descriptors are not shipped)."""
    codes = {record.code for record in parse_rvu_csv(RVU)}
    return sorted(c for c in codes if classify_procedure(c).system is CodeSystem.CPT)


def write_synthetic_cpt(folder: Path, codes: Iterable[str]) -> Path:
    """A CPT file for the RVU's CPT codes with made-up descriptors."""
    rows = []
    for code in codes:
        category = classify_procedure(code).category.value.removeprefix("CPT Category ")
        text = f"Synthetic code {code}"
        rows.append((code, text, f"{text}, made-up long descriptor", category, "2020-01-01", ""))
    return write_cpt(folder / "cpt_synthetic.csv", rows)


def _ptp_row(record: PtpEditRecord) -> tuple[str, ...]:
    """One PTP edit as the practitioner file's tab-separated cells."""
    deleted = record.deletion_date.strftime("%Y%m%d") if record.deletion_date else "*"
    return (
        record.column1,
        record.column2,
        "*" if record.prior_to_1996 else "",
        record.effective_date.strftime("%Y%m%d"),
        deleted,
        str(record.modifier_indicator),
        record.rationale,
    )


def write_synthetic_edits(
    folder: Path, codes: list[str], pairs: int, seed: int, version: str = "v313r0"
) -> dict[str, Path]:
    """NCCI PTP (``pairs`` pairs), MUE and add-on files over ``codes`` in the CMS layouts."""
    rng = random.Random(seed)
    ptp = write_ptp(
        folder / f"ccipra-{version}-f1.txt",
        (_ptp_row(record) for record in synthetic_pairs(codes, pairs, rng)),
    )
    mue_rows = (
        (m.code, str(m.max_units), f"{m.adjudication_indicator} Synthetic", m.rationale)
        for m in synthetic_mues(codes, rng)
    )
    mue = write_mue(folder / "MCR_MUE_PractitionerServices_Eff_10-01-2025.csv", mue_rows)
    aoc_rows = (_aoc_row(record) for record in synthetic_addons(codes, rng))
    aoc = write_aoc(folder / "AOC_2025Q4.txt", aoc_rows)
    return {"ncci": ptp, "mue": mue, "addon": aoc}


def _aoc_row(record: AddOnEditRecord) -> tuple[str, ...]:
    """One add-on edit as the AOC file's cells (Julian dates)."""
    return (
        record.addon_code,
        "",
        record.primary_code or "CCCCC",
        "",
        str(record.edit_type),
        julian(record.effective_date),
        "",
        record.notes,
    )


def changed_ptp_file(source: Path, out: Path, share: float, seed: int) -> Path:
    """A later PTP file: the same edits with a share of them deleted or re-indicated."""
    rng = random.Random(seed)
    with source.open(encoding="latin-1") as stream, out.open("w", encoding="latin-1") as target:
        for line in stream:
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) == 7 and cells[0][:1].isalnum() and cells[3].isdigit():
                if rng.random() < share:
                    cells[4] = "20260101" if cells[4] == "*" else cells[4]
                    cells[5] = "0" if cells[5] == "1" else cells[5]
                line = "\t".join(cells) + "\r\n"
            target.write(line)
    return out


def code_set_requests(folder: Path) -> dict[str, ImportRequest]:
    """The real HCPCS, ICD-10-CM, POS and PPRRVU files, and the RVU's CPT codes (made-up text)."""
    return {
        "hcpcs": ImportRequest(ImportKind.HCPCS, (HCPCS,)),
        "icd10cm": ImportRequest(ImportKind.ICD10CM),
        "pos": ImportRequest(ImportKind.POS, (POS,), version="2023-09", effective=FIRST_POS),
        "rvu": ImportRequest(ImportKind.RVU, (RVU,)),
        "cpt": ImportRequest(
            ImportKind.CPT,
            (write_synthetic_cpt(folder, cpt_codes_of_rvu()),),
            version="synthetic",
            effective=CPT_EFFECTIVE,
        ),
    }


def edit_requests(folder: Path, pairs: int, seed: int) -> dict[str, ImportRequest]:
    """Synthetic NCCI PTP, MUE and add-on files over the RVU's CPT codes."""
    edits = write_synthetic_edits(folder, cpt_codes_of_rvu(), pairs, seed)
    return {name: ImportRequest(ImportKind(name), (path,)) for name, path in edits.items()}


async def import_all(url: str, requests: dict[str, ImportRequest]) -> dict[str, float]:
    """Import each release in turn; return how many seconds each took."""
    seconds = {}
    for name, request in requests.items():
        started = time.perf_counter()
        await run_import(url, request)
        seconds[name] = round(time.perf_counter() - started, 2)
        print(f"imported {name} in {seconds[name]} s", flush=True)
    return seconds

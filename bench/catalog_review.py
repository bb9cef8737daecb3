"""Benchmark: claims reviewed per second by the in-memory code-catalog edit engine, one process.

Tables: the real HCPCS Level II codes and modifiers, the CPT codes named in the real PPRRVU file,
the real place-of-service set and all of ICD-10-CM (``simple_icd_10_cm``), plus synthetic NCCI PTP
pairs (``--pairs``, default 500,000), one synthetic MUE per code and synthetic add-on edits.
Claims have ten lines each; a share of them bill known NCCI pairs, add-on codes and repeated codes
so every rule runs. Claims are generated before timing starts.

Run: ``uv run python bench/catalog_review.py [--seconds 10] [--pairs 500000]``.
Prints table load time and size, claims/s and process RSS; writes
``bench/results/catalog_review.json``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import resource
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from record import save

from code_catalog.codes.formats import CodeSystem, classify_procedure
from code_catalog.importers.hcpcs import parse_hcpcs_csv
from code_catalog.importers.icd10cm import parse_icd10cm_tabular
from code_catalog.importers.pos import parse_pos_csv
from code_catalog.importers.records import (
    AddOnEditRecord,
    HcpcsRecordKind,
    MueRecord,
    PtpEditRecord,
)
from code_catalog.importers.rvu import parse_rvu_csv
from code_catalog.review.builder import TableBuilder
from code_catalog.review.claim import ClaimForReview, ClaimLine
from code_catalog.review.engine import ReviewEngine
from code_catalog.review.tables import CatalogTables

CPT_MODIFIERS = ("24", "25", "26", "50", "51", "57", "58", "59", "76", "77", "78", "79", "91")
LINE_MODIFIERS = ("", "", "", "", "", "25", "59", "LT", "RT", "XU", "76", "26", "TC")
FIRST_DAY = date(2025, 1, 1)
LINES_PER_CLAIM = 10
BATCH = 200


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pairs", type=int, default=500_000)
    parser.add_argument("--claims", type=int, default=5_000, help="distinct claims to cycle")
    parser.add_argument("--seed", type=int, default=20251001)
    parser.add_argument(
        "--trace-memory", action="store_true", help="measure table memory with tracemalloc (slow)"
    )
    return parser.parse_args()


def data_dir() -> Path:
    """The shared code-set data beside the workspace root."""
    for folder in Path(__file__).resolve().parents:
        project = folder / "pyproject.toml"
        if project.is_file() and "[tool.uv.workspace]" in project.read_text(encoding="utf-8"):
            return folder.parent / "shared" / "data"
    raise FileNotFoundError("no uv workspace root above the benchmark")


def rss_mib() -> float:
    """The process's resident set size now, in MiB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_pairs(codes: list[str], count: int, rng: random.Random) -> Iterator[PtpEditRecord]:
    """Distinct random column 1/column 2 pairs with mixed indicators and some deletions."""
    seen: set[tuple[str, str]] = set()
    while len(seen) < count:
        pair = (rng.choice(codes), rng.choice(codes))
        if pair[0] == pair[1] or pair in seen:
            continue
        seen.add(pair)
        deleted = date(2025, 7, 1) if rng.random() < 0.05 else None
        indicator = rng.choices((0, 1, 9), weights=(25, 70, 5))[0]
        effective = date(rng.choice((1996, 2010, 2020, 2024)), 1, 1)
        yield PtpEditRecord(pair[0], pair[1], False, effective, deleted, indicator, "Synthetic")


def synthetic_mues(codes: list[str], rng: random.Random) -> Iterator[MueRecord]:
    """One MUE per code, adjudication indicators 1, 2 and 3."""
    for code in codes:
        indicator = rng.choices((1, 2, 3), weights=(40, 35, 25))[0]
        yield MueRecord(code, rng.randint(1, 6), indicator, "Synthetic", "Synthetic")


def synthetic_addons(codes: list[str], rng: random.Random) -> Iterator[AddOnEditRecord]:
    """Add-on edits for a few hundred codes, with one to five primaries each."""
    for addon in rng.sample(codes, 300):
        edit_type = rng.choice((1, 1, 2, 3))
        primaries = [None] if edit_type == 2 else rng.sample(codes, rng.randint(1, 5))
        for primary in primaries:
            yield AddOnEditRecord(addon, primary, edit_type, date(2013, 4, 1), None, None, None, "")


def parse_real_files() -> dict[str, Any]:
    """Parse the real HCPCS, PPRRVU, POS and ICD-10-CM files."""
    folder = data_dir()
    return {
        "hcpcs": list(parse_hcpcs_csv(folder / "hcpcs" / "HCPC2025_OCT_ANWEB.csv")),
        "rvu_codes": sorted(
            {record.code for record in parse_rvu_csv(folder / "rvu" / "pprrvu_2024_jul.csv")}
        ),
        "pos": list(parse_pos_csv(folder / "pos" / "place_of_service.csv")),
        "icd": list(parse_icd10cm_tabular()),
    }


def add_real_codes(builder: TableBuilder, real: dict[str, Any]) -> list[str]:
    """Load the real code sets; return the active procedure codes edits are drawn from."""
    builder.add_hcpcs(real["hcpcs"], "HCPCS 2025-10")
    cpt_codes = [c for c in real["rvu_codes"] if classify_procedure(c).system is CodeSystem.CPT]
    for code in cpt_codes:
        builder.add_procedure(code, None, None, "PFS 2024-07")
    for modifier in CPT_MODIFIERS:
        builder.add_modifier(modifier, None, None, "CPT modifiers")
    builder.add_pos(real["pos"], "POS 2023-09")
    builder.add_icd10cm(real["icd"], "ICD-10-CM 2026-04")
    procedures = (r for r in real["hcpcs"] if r.kind is HcpcsRecordKind.PROCEDURE)
    active = {r.code for r in procedures if not r.termination_date}
    return sorted(active | set(cpt_codes))


def sampled(
    records: Iterator[PtpEditRecord], every: int, kept: list[tuple[str, str]]
) -> Iterator[PtpEditRecord]:
    """Pass edits through, keeping every n-th pair for the claims to bill."""
    for number, record in enumerate(records):
        if number % every == 0:
            kept.append((record.column1, record.column2))
        yield record


def build_tables(
    args: argparse.Namespace,
) -> tuple[CatalogTables, dict[str, Any], dict[str, float]]:
    """Parse the real files, stream the synthetic edits in, and build the review tables."""
    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    real = parse_real_files()
    timings["parse_real_files"] = time.perf_counter() - started
    started = time.perf_counter()
    builder = TableBuilder()
    codes = add_real_codes(builder, real)
    kept: list[tuple[str, str]] = []
    builder.add_ptp(sampled(synthetic_pairs(codes, args.pairs, rng), 25, kept), "NCCI synthetic")
    builder.add_mue(synthetic_mues(codes, rng), "MUE synthetic")
    builder.add_addons(synthetic_addons(codes, rng), "AOC synthetic")
    tables = builder.build()
    timings["load_and_build_tables"] = time.perf_counter() - started
    pools = {
        "codes": codes,
        "pairs": kept,
        "addons": list(tables.addons),
        "diagnoses": [r.code for r in real["icd"] if r.billable],
        "headers": [r.code for r in real["icd"] if not r.billable],
    }
    return tables, pools, timings


def claim_codes(pools: dict[str, Any], rng: random.Random) -> list[str]:
    """Ten procedure codes: random ones, an NCCI pair, sometimes an add-on and a repeat."""
    codes: list[str] = rng.sample(pools["codes"], LINES_PER_CLAIM)
    codes[0], codes[1] = rng.choice(pools["pairs"])
    if rng.random() < 0.3:
        codes[2] = rng.choice(pools["addons"])
    if rng.random() < 0.3:
        codes[3] = codes[4]
    if rng.random() < 0.02:
        codes[5] = "9999F"
    return codes


def make_claim(pools: dict[str, Any], rng: random.Random) -> ClaimForReview:
    """One ten-line claim over one or two dates of service."""
    first = FIRST_DAY + timedelta(days=rng.randrange(270))
    days = (first, first + timedelta(days=1))
    diagnoses = rng.sample(pools["diagnoses"], rng.randint(1, 4))
    if rng.random() < 0.05:
        diagnoses[0] = rng.choice(pools["headers"])
    lines = tuple(
        ClaimLine(
            line_number=number,
            code=code,
            units=rng.choice((1, 1, 1, 2, 3)),
            service_date=days[0] if number <= 7 else rng.choice(days),
            modifiers=tuple(m for m in (rng.choice(LINE_MODIFIERS),) if m),
            diagnosis_pointers=tuple(range(1, min(len(diagnoses), 2) + 1)),
        )
        for number, code in enumerate(claim_codes(pools, rng), start=1)
    )
    return ClaimForReview(lines=lines, diagnosis_codes=tuple(diagnoses), place_of_service="11")


def run(engine: ReviewEngine, claims: list[ClaimForReview], seconds: float) -> dict[str, Any]:
    """Review claims in a loop for the given time; count claims, lines and findings."""
    rules: Counter[str] = Counter()
    reviewed = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(BATCH):
            claim = claims[reviewed % len(claims)]
            rules.update(finding.rule.value for finding in engine.review(claim))
            reviewed += 1
    elapsed = time.perf_counter() - started
    return {
        "claims": reviewed,
        "seconds": round(elapsed, 3),
        "claims_per_second": round(reviewed / elapsed, 1),
        "lines_per_second": round(reviewed * LINES_PER_CLAIM / elapsed, 1),
        "findings_per_claim": round(sum(rules.values()) / reviewed, 3),
        "findings_by_rule": dict(rules.most_common()),
    }


def main() -> None:
    """Build the tables, review claims for the set time, print and save the figures."""
    args = parse_args()
    if args.trace_memory:
        tracemalloc.start()
    rss_start = rss_mib()
    tables, pools, timings = build_tables(args)
    gc.collect()
    rss_tables = rss_mib()
    traced = tracemalloc.get_traced_memory()[0] / 2**20 if args.trace_memory else None
    tracemalloc.stop()
    rng = random.Random(args.seed + 1)
    claims = [make_claim(pools, rng) for _ in range(args.claims)]
    del pools
    gc.collect()
    figures = run(ReviewEngine(tables), claims, args.seconds)
    result = {
        "machine": platform.machine(),
        "table_sizes": tables.sizes(),
        "seconds_parse_real_files": round(timings["parse_real_files"], 2),
        "seconds_load_and_build_tables": round(timings["load_and_build_tables"], 2),
        "traced_mib_tables_and_pools": None if traced is None else round(traced, 1),
        "rss_mib_before_tables": round(rss_start, 1),
        "rss_mib_after_tables": round(rss_tables, 1),
        "rss_mib_after_review": round(rss_mib(), 1),
        **figures,
    }
    print(save("catalog_review", result).read_text(encoding="utf-8"), end="")


if __name__ == "__main__":
    main()

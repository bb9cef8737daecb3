"""Benchmark: how long each full code-set file takes to import into PostgreSQL, one release each.

Real files: HCPCS 2025 October (CSV, and the same as 320-byte fixed width), ICD-10-CM April 2026
(the tabular list ``simple_icd_10_cm`` carries), POS, PPRRVU July 2024. Synthetic files in the
CMS layouts: CPT codes of the RVU file (made-up descriptors), NCCI PTP (``--pairs``, default
500,000), MUE and add-on edits; then a second NCCI release with ``--changed`` of its edits
deleted or re-indicated (a diff import), and the first file again (an idempotent no-op).

Run: ``uv run python bench/catalog_import.py [--pairs 500000]``; uses DATABASE_URL's server or
starts a private one. Prints the figures and writes ``bench/results/catalog_import.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from catalog_setup import (
    HCPCS,
    catalog_database,
    changed_ptp_file,
    code_set_requests,
    edit_requests,
    write_result,
)
from scratch import postgres_server, scratch_folder

from code_catalog.imports.kinds import ImportKind
from code_catalog.imports.runner import run_import
from code_catalog.imports.service import ImportRequest
from code_catalog.testing.layouts import hcpcs_fixed_width


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500_000)
    parser.add_argument("--changed", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=20251001)
    return parser.parse_args()


async def timed(url: str, name: str, request: ImportRequest) -> dict[str, Any]:
    """Import one release and time it."""
    started = time.perf_counter()
    outcome = await run_import(url, request)
    seconds = time.perf_counter() - started
    counts = outcome.counts
    print(f"{name:<22} {seconds:7.2f} s  {outcome.records:>8} records  {outcome.label}")
    return {
        "file": name,
        "release": outcome.label,
        "records": outcome.records,
        "seconds": round(seconds, 2),
        "records_per_second": round(outcome.records / seconds) if seconds else None,
        "added": counts.added,
        "changed": counts.changed,
        "terminated": counts.terminated,
        "unchanged": outcome.unchanged,
    }


def requests(folder: Path, args: argparse.Namespace) -> list[tuple[str, ImportRequest, str]]:
    """Every import, with the database it goes to ("a" or "b": fixed width needs its own)."""
    codes = code_set_requests(folder)
    edits = edit_requests(folder, args.pairs, args.seed)
    later = changed_ptp_file(
        edits["ncci"].files[0], folder / "ccipra-v320r0-f1.txt", args.changed, args.seed
    )
    fixed = hcpcs_fixed_width(HCPCS, folder / "HCPC2025_OCT_ANWEB.txt")
    return [
        ("HCPCS csv", codes["hcpcs"], "a"),
        ("HCPCS fixed width", ImportRequest(ImportKind.HCPCS, (fixed,)), "b"),
        ("ICD-10-CM tabular", codes["icd10cm"], "a"),
        ("POS", codes["pos"], "a"),
        ("PPRRVU", codes["rvu"], "a"),
        ("CPT (synthetic)", codes["cpt"], "a"),
        ("NCCI PTP (synthetic)", edits["ncci"], "a"),
        ("NCCI PTP next (diff)", ImportRequest(ImportKind.NCCI, (later,)), "a"),
        ("NCCI PTP again (no-op)", ImportRequest(ImportKind.NCCI, (later,)), "a"),
        ("MUE (synthetic)", edits["mue"], "a"),
        ("AOC (synthetic)", edits["addon"], "a"),
    ]


async def main() -> None:
    """Import everything into fresh databases and report the time of each file."""
    args = parse_args()
    results = []
    with scratch_folder("catalog-bench-files-") as folder:
        plan = requests(folder, args)
        async with (
            postgres_server("catalog-bench-pg-") as server,
            catalog_database(server) as first,
            catalog_database(server) as second,
        ):
            targets = {"a": first, "b": second}
            for name, request, target in plan:
                results.append(await timed(targets[target], name, request))
    write_result("catalog_import", {"ncci_pairs": args.pairs, "imports": results})


if __name__ == "__main__":
    asyncio.run(main())

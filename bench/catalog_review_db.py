"""Benchmark: code review in one worker process whose tables come from the database.

The catalog database gets the real HCPCS, ICD-10-CM, POS files, the RVU's CPT codes (made-up
descriptors), and synthetic NCCI PTP (``--pairs``, default 500,000), MUE and add-on files in the
CMS layouts, all through the importer. A fresh child process (the "worker") then builds its
tables the way the worker does at start (``CatalogCache``: one bulk query per table), and
reports load time and RSS; then it reviews ten-line ``ClaimSubmitted`` events the way the
review handler does (map the event, review, build ``ClaimCodeReviewCompleted``) for
``--seconds``; then it runs the real worker (consumers, inbox, outbox) on an in-process bus over
``--e2e-claims`` events and reports claims per second end to end.

Run: ``uv run python bench/catalog_review_db.py [--pairs 500000] [--seconds 10]``; uses
DATABASE_URL's server or starts a private one. Writes ``bench/results/catalog_review_db.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from catalog_review import LINES_PER_CLAIM, make_claim
from catalog_setup import (
    catalog_database,
    code_set_requests,
    edit_requests,
    import_all,
    rss_mib,
    write_result,
)
from scratch import postgres_server, scratch_folder

from claimflow_shared.bus import Message
from claimflow_shared.db import connect
from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import ClaimCodeReviewCompleted, ClaimSubmitted
from claimflow_shared.events.contracts.claims import SubmittedLine
from code_catalog.codes.formats import format_icd10cm
from code_catalog.review.cache import CatalogCache
from code_catalog.review.claim import ClaimForReview
from code_catalog.review.engine import ReviewEngine
from code_catalog.review.mapping import claim_for_review, code_finding
from code_catalog.review.tables import CatalogTables
from code_catalog.testing.harness import RunningWorker


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--claims", type=int, default=5_000, help="distinct claims to cycle")
    parser.add_argument("--e2e-claims", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20251001)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args()


def pools_of(tables: CatalogTables, rng: random.Random) -> dict[str, Any]:
    """Codes, PTP pairs, add-ons and diagnoses to draw synthetic claims from."""
    pairs = [(c1, c2) for c1, column2 in tables.ptp.items() for c2 in column2]
    diagnoses = [code for code, spans in tables.diagnoses.items() if spans[-1].billable]
    return {
        "codes": sorted(tables.procedures),
        "pairs": rng.sample(pairs, min(20_000, len(pairs))),
        "addons": sorted(tables.addons),
        "diagnoses": diagnoses,
        "headers": [code for code, spans in tables.diagnoses.items() if not spans[-1].billable],
    }


def submitted(claim: ClaimForReview) -> ClaimSubmitted:
    """A synthetic claim as the event claims publishes."""
    return ClaimSubmitted(
        claim_id=str(uuid.uuid4()),
        tenant_id="bench",
        payer_id="P",
        billing_npi="1234567893",
        patient_ref="SYNTH",
        place_of_service=claim.place_of_service or "11",
        diagnosis_codes=[format_icd10cm(code) for code in claim.diagnosis_codes],
        lines=[
            SubmittedLine(
                line_number=line.line_number,
                code=line.code,
                units=Decimal(line.units),
                modifiers=list(line.modifiers),
                charge=Decimal("10"),
                service_date_from=date(2026, 5, 1),
                service_date_to=date(2026, 5, 1),
                diagnosis_pointers=list(line.diagnosis_pointers),
            )
            for line in claim.lines
        ],
        total_charge=Decimal("100"),
        submitted_at=datetime.now(UTC),
    )


def review_loop(
    engine: ReviewEngine, events: list[ClaimSubmitted], seconds: float
) -> dict[str, Any]:
    """Review events as the handler does, for a while."""
    reviewed = findings = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for event in events[:200]:
            found = engine.review(claim_for_review(event))
            ClaimCodeReviewCompleted(
                claim_id=event.claim_id,
                tenant_id=event.tenant_id,
                findings=[code_finding(f) for f in found],
                reviewed_at=datetime.now(UTC),
            )
            findings += len(found)
        events.append(events.pop(0))
        reviewed += 200
    elapsed = time.perf_counter() - started
    return {
        "claims": reviewed,
        "claims_per_second": round(reviewed / elapsed, 1),
        "lines_per_second": round(reviewed * LINES_PER_CLAIM / elapsed, 1),
        "findings_per_claim": round(findings / reviewed, 2),
    }


async def end_to_end(url: str, events: list[ClaimSubmitted]) -> dict[str, Any]:
    """The real worker over an in-process bus: inbox, review, outbox, one transaction each."""
    async with RunningWorker(url) as worker:
        await worker.cache.load_until_ready()
        messages = []
        for event in events:
            envelope = Envelope.wrap(event)
            messages.append(
                Message(
                    topic=event.topic,
                    key=envelope.key.encode(),
                    value=envelope.data,
                    headers=envelope.headers(),
                )
            )
        started = time.perf_counter()
        await worker.bus.publish(messages)
        while True:
            done = len(await worker.bus.read_all(ClaimCodeReviewCompleted.topic))
            if done >= len(events):
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    return {
        "claims": len(events),
        "seconds": round(elapsed, 2),
        "claims_per_second": round(len(events) / elapsed, 1),
    }


async def worker_process(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """What the child process measures."""
    rss_start = rss_mib()
    database = connect(url, pool_size=2)
    cache = CatalogCache(database)
    started = time.perf_counter()
    await cache.refresh()
    load_seconds = time.perf_counter() - started
    rss_loaded = rss_mib()
    engine = await cache.engine()
    rng = random.Random(args.seed)
    pools = pools_of(engine.tables, rng)
    events = [submitted(make_claim(pools, rng)) for _ in range(max(args.claims, args.e2e_claims))]
    figures = review_loop(engine, events, args.seconds)
    rss_reviewed = rss_mib()
    await database.dispose()
    e2e = await end_to_end(url, events[: args.e2e_claims])
    return {
        "table_sizes": engine.tables.sizes(),
        "seconds_load_tables": round(load_seconds, 2),
        "rss_mib_before_tables": round(rss_start, 1),
        "rss_mib_after_tables": round(rss_loaded, 1),
        "rss_mib_after_review": round(rss_reviewed, 1),
        "handler_path": figures,
        "end_to_end_worker": e2e,
    }


async def main() -> None:
    """Load the catalog, then measure in a fresh child process."""
    args = parse_args()
    if args.worker:
        print(json.dumps(await worker_process(args.worker, args)))
        return
    with scratch_folder("catalog-bench-review-") as folder:
        async with postgres_server("catalog-bench-pg-") as server, catalog_database(server) as url:
            requests = {**code_set_requests(folder), **edit_requests(folder, args.pairs, args.seed)}
            imports = await import_all(url, requests)
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--worker",
                url,
                "--seconds",
                str(args.seconds),
                "--claims",
                str(args.claims),
                "--e2e-claims",
                str(args.e2e_claims),
                "--seed",
                str(args.seed),
                stdout=asyncio.subprocess.PIPE,
            )
            output, _ = await child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"the worker process failed ({child.returncode})")
    measured = json.loads(output.decode().strip().splitlines()[-1])
    write_result(
        "catalog_review_db", {"ncci_pairs": args.pairs, "import_seconds": imports, **measured}
    )


if __name__ == "__main__":
    asyncio.run(main())

"""Two code-catalog workers in one consumer group share claims.events' six partitions; when one
is killed the other takes its partitions over and every claim is still reviewed exactly once."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from claimflow_shared.events.contracts import ClaimCodeReviewCompleted, ClaimSubmitted
from tests.integration.cluster import Cluster
from tests.integration.flow import claim_body, scalar, wait_for
from tests.integration.processes import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

PER_PHASE = 600
BATCH = 100
PARTITIONS = 6
GROUP = "codecatalog.review"
ASSIGNED = re.compile(rf"^{re.escape(GROUP)} assigned (.*)$")


def assignment(worker: WorkerProcess) -> set[int] | None:
    """The claims.events partitions of the worker's latest assignment (None before any)."""
    latest = None
    for line in worker.log.read_text().splitlines():
        if not line.startswith("{"):
            continue
        if match := ASSIGNED.match(json.loads(line).get("message", "")):
            latest = match.group(1)
    if latest is None:
        return None
    found = re.search(r"claims\.events \[([\d,]*)\]", latest)
    return {int(p) for p in found.group(1).split(",") if p} if found else set()


async def consumed(worker: WorkerProcess) -> int:
    """ClaimSubmitted events the worker's review consumer applied or skipped, from /metrics."""
    async with httpx.AsyncClient() as client:
        try:
            text = (await client.get(f"{worker.probe_url}/metrics", timeout=5)).text
        except httpx.HTTPError:
            return 0
    total = 0.0
    for line in text.splitlines():
        if (
            line.startswith("claimflow_events_consumed")
            and f'consumer_group="{GROUP}"' in line
            and f'event_type="{ClaimSubmitted.type}"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


async def submit(client: httpx.AsyncClient, key: str, first: int) -> int:
    """``PER_PHASE`` claims for distinct synthetic patients; return the 5xx answers."""
    errors = 0
    for start in range(first, first + PER_PHASE, BATCH):
        body = {
            "claims": [
                claim_body() | {"patient_ref": f"SYNTH-SCALE-{n:05d}"}
                for n in range(start, start + BATCH)
            ]
        }
        response = await client.post("/v1/claims/batch", json=body, headers={"X-API-Key": key})
        if response.status_code >= 500:
            errors += 1
            continue
        assert response.status_code == 202, response.text
    return errors


async def reviews_per_claim(cluster: Cluster) -> dict[str, set[str]]:
    """Distinct review event ids per claim on codecatalog.events."""
    reviews: dict[str, set[str]] = {}
    for envelope in await cluster.envelopes("codecatalog.events"):
        if envelope.type == ClaimCodeReviewCompleted.type:
            reviews.setdefault(envelope.key, set()).add(envelope.id)
    return reviews


class TestScaleOut:
    async def test_two_workers_share_the_partitions_and_one_takes_over_when_the_other_dies(
        self, cluster: Cluster, submitter_key: str, service_urls: dict[str, str]
    ) -> None:
        started = time.monotonic()
        partitions = {"KAFKA_PARTITIONS": str(PARTITIONS)}
        cluster.start_worker("claims", spans=False, settings=partitions)
        one, other = (
            cluster.start_worker(
                "code-catalog", instance=f"code-catalog-{n}", spans=False, settings=partitions
            )
            for n in (1, 2)
        )

        async def shared() -> tuple[set[int], set[int]] | None:
            mine, theirs = assignment(one), assignment(other)
            if mine and theirs and not mine & theirs and mine | theirs == set(range(PARTITIONS)):
                return mine, theirs
            return None

        split = await wait_for(shared, timeout=120, what="both workers to hold partitions")
        async with cluster.api("claims", spans=False) as client:
            errors = await submit(client, submitter_key, 0)

            async def both_working() -> tuple[int, int] | None:
                counts = await consumed(one), await consumed(other)
                return counts if min(counts) >= PER_PHASE // 10 else None

            before_kill = await wait_for(both_working, timeout=120, what="both to consume")
            one.kill()
            errors += await submit(client, submitter_key, PER_PHASE)

        async def took_over() -> bool:
            return assignment(other) == set(range(PARTITIONS))

        await wait_for(took_over, timeout=120, what="the survivor to take every partition")

        async def all_reviewed() -> dict[str, set[str]] | None:
            reviews = await reviews_per_claim(cluster)
            return reviews if len(reviews) >= 2 * PER_PHASE else None

        reviews = await wait_for(all_reviewed, timeout=120, what="every claim reviewed")
        survivor = await consumed(other)
        applied = await scalar(
            service_urls["code-catalog"],
            "SELECT count(*) FROM inbox WHERE consumer = :c AND event_type = :t",
            c=GROUP,
            t=ClaimSubmitted.type,
        )
        lost = 2 * PER_PHASE - len(reviews)
        duplicated = sum(len(ids) - 1 for ids in reviews.values()) + applied - 2 * PER_PHASE

        print()
        first, second = (sorted(p) for p in split)
        print(f"  partitions before the kill: worker 1 {first}, worker 2 {second}")
        print(
            f"  consumed when worker 1 was killed: worker 1 {before_kill[0]},"
            f" worker 2 {before_kill[1]}; worker 2 at the end: {survivor}"
            f" (partitions {sorted(assignment(other) or ())}); {time.monotonic() - started:.0f}s"
        )
        print(f"  {'scenario':32} {'claims':>6} {'lost':>5} {'duplicated effects':>19} {'5xx':>4}")
        print(
            f"  {'scale-out 2x code-catalog, kill 1':32} {2 * PER_PHASE:>6} {lost:>5}"
            f" {duplicated:>19} {errors:>4}"
        )
        assert min(len(split[0]), len(split[1])) >= 1
        assert min(before_kill) > 0
        assert survivor > before_kill[1]
        assert applied == 2 * PER_PHASE
        assert all(len(ids) == 1 for ids in reviews.values())
        assert (lost, duplicated, errors) == (0, 0, 0)

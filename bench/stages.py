"""Where a claim's end-to-end time goes: the stamps Kafka put on each event of the claim.

Each event's record timestamp is when its service's outbox relay sent it, so the gaps between
a claim's events are the stages of the pipeline, each the consuming worker's wait, its
transaction and its relay's turn:

    submitted   POST until the claims relay sent ClaimSubmitted (group commit, relay)
    review      ClaimSubmitted until code-catalog's review result
    auth check  ClaimSubmitted until prior-auth's check result
    decision    the later of the two results until the final ClaimStatusChanged
    seen        the final status until the benchmark's consumer read it
"""

from __future__ import annotations

import collections
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer

SUBMITTED = "claims.claim.submitted.v1"
REVIEWED = "codecatalog.claim_review.completed.v1"
CHECKED = "priorauth.claim_check.completed.v1"
STATUS = "claims.claim.status_changed.v1"
TOPICS = ("claims.events", "codecatalog.events", "priorauth.events")


async def event_stamps(
    bootstrap: str, namespace: str, final: set[str]
) -> dict[str, dict[str, float]]:
    """Per claim, the wall-clock second each of its events was sent (the final status as
    ``final``)."""
    consumer = AIOKafkaConsumer(
        *(namespace + topic for topic in TOPICS),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        enable_auto_commit=False,
    )
    await consumer.start()
    stamps: dict[str, dict[str, float]] = collections.defaultdict(dict)
    try:
        while batch := await consumer.getmany(timeout_ms=2000):
            for records in batch.values():
                for record in records:
                    kind = dict(record.headers).get("ce_type", b"").decode()
                    data = orjson.loads(record.value)
                    if kind == STATUS:
                        kind = "final" if data["to_status"] in final else ""
                    if kind:
                        stamps[data["claim_id"]].setdefault(kind, record.timestamp / 1000)
    finally:
        await consumer.stop()
    return stamps


def stage_latencies(
    sent: dict[str, float], seen: dict[str, float], stamps: dict[str, dict[str, float]]
) -> dict[str, list[float]]:
    """Milliseconds each claim spent in each stage (wall-clock seconds in, all three maps)."""
    stages: dict[str, list[float]] = collections.defaultdict(list)
    for claim_id, left in sent.items():
        times = stamps.get(claim_id, {})
        if claim_id not in seen or not {SUBMITTED, REVIEWED, CHECKED, "final"} <= times.keys():
            continue
        results = max(times[REVIEWED], times[CHECKED])
        for stage, start, end in (
            ("submitted", left, times[SUBMITTED]),
            ("review", times[SUBMITTED], times[REVIEWED]),
            ("auth check", times[SUBMITTED], times[CHECKED]),
            ("decision", results, times["final"]),
            ("seen", times["final"], seen[claim_id]),
        ):
            stages[stage].append((end - start) * 1000)
    return stages


def summary(stages: dict[str, list[float]], percentile: Any) -> dict[str, dict[str, float]]:
    """p50/p95/p99 per stage."""
    return {
        stage: {q: round(percentile(values, float(q[1:])), 1) for q in ("p50", "p95", "p99")}
        for stage, values in stages.items()
        if values
    }

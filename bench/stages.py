"""Where a claim's end-to-end time goes: the stamps Kafka put on each event of the claim.

Each event's record timestamp is when its service's outbox relay sent it, so the gaps between
a claim's events are the stages of the pipeline, each the consuming worker's wait, its
transaction and its relay's turn:

    answer      POST until the client had its 202 (the group commit, as the client sees it)
    submitted   POST until the claims relay sent ClaimSubmitted (group commit, relay)
    review      ClaimSubmitted until code-catalog's review result
    auth check  ClaimSubmitted until prior-auth's check result
    decision    the later of the two results until the final ClaimStatusChanged
    seen        the final status until the benchmark's consumer read it

The relay often sends ClaimSubmitted before the 202 reaches the client, so ``answer`` can be
the longer of the two. ``intake_groups`` reads the API's group-commit histograms around a run:
how many groups, how large, and how busy their writer was.
"""

from __future__ import annotations

import collections
import re

import orjson
from aiokafka import AIOKafkaConsumer
from windows import percentiles

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
    sent: dict[str, float],
    seen: dict[str, float],
    stamps: dict[str, dict[str, float]],
    answered: dict[str, float],
) -> dict[str, list[float]]:
    """Milliseconds each claim spent in each stage (wall-clock seconds in, every map)."""
    stages: dict[str, list[float]] = collections.defaultdict(list)
    for claim_id, left in sent.items():
        times = stamps.get(claim_id, {})
        if claim_id not in seen or not {SUBMITTED, REVIEWED, CHECKED, "final"} <= times.keys():
            continue
        if claim_id in answered:
            stages["answer"].append((answered[claim_id] - left) * 1000)
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


def summary(stages: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """p50/p95/p99 per stage."""
    return {stage: percentiles(values) for stage, values in stages.items() if values}


GROUPS = "claimflow_intake_group_claims"
WRITING = "claimflow_intake_group_write_seconds"


def group_totals(metrics_text: str) -> dict[str, float]:
    """The group commit's running totals in an API's Prometheus text: groups, the claims in
    them, and the seconds spent writing them."""

    def total(series: str) -> float:
        found = re.findall(rf"^{series}(?:\{{[^}}]*\}})? (\S+)$", metrics_text, re.M)
        return sum(float(value) for value in found)

    return {
        "groups": total(f"{GROUPS}_count"),
        "claims": total(f"{GROUPS}_sum"),
        "writing": total(f"{WRITING}_sum"),
    }


def intake_groups(
    before: dict[str, float], after: dict[str, float], seconds: float
) -> dict[str, float]:
    """Groups a second, claims a group and the writer's busy share between two readings of
    ``group_totals`` ``seconds`` apart."""
    groups = after["groups"] - before["groups"]
    return {
        "groups_per_s": round(groups / seconds, 1),
        "claims_per_group": round((after["claims"] - before["claims"]) / groups, 2)
        if groups
        else 0.0,
        "writer_busy": round((after["writing"] - before["writing"]) / seconds, 3),
    }

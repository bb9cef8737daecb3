"""Kill -9 every kind of worker while 2,000 claims flow through the distributed pipeline.

Each worker runs in its own process on the real broker and PostgreSQL; the claims and
prior-auth APIs run in this process. The claims worker's outbox relay is killed after a batch
reached the broker but before the rows were marked sent, the prior-auth and notifications
consumers between their effect and its commit, and then every kind of worker at seeded
random moments. Afterwards nothing is lost and no effect happened twice.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
    ClaimSubmitted,
)
from notifications.delivery.testing import LoopbackReceiver, Reply
from tests.integration.chaos import Chaos
from tests.integration.cluster import Cluster
from tests.integration.flow import claim_body, scalar, subscribe

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

CLAIMS = 2000
BATCH = 50
AUTHORIZED_EVERY = 10
SEED = 20261124
SERVED = date.today() - timedelta(days=7)
KINDS = ("claims", "code-catalog", "prior-auth", "notifications")
QUICK_HANDOVER = {"KAFKA_SESSION_TIMEOUT_MS": "6000"}
FAST_RETRIES = QUICK_HANDOVER | {
    "DELIVERY_LEASE_SECONDS": "5",
    "DELIVERY_ATTEMPT_DEADLINE": "4",
    "DELIVERY_POLL_SECONDS": "0.2",
    "DELIVERY_PER_SUBSCRIPTION": "64",
    "HTTP_CLIENT_SPANS": "false",
}


def claim(number: int) -> dict[str, Any]:
    """Claim ``number``: every tenth bills E0114 against the authorization, the rest G0008.

    Each differs from the others in patient or charge, so the duplicate-claim edit passes all.
    """
    if number % AUTHORIZED_EVERY == 0:
        body = claim_body(code="E0114")
        charge = f"{40 + number / 100:.2f}"
    else:
        body = claim_body() | {"patient_ref": f"SYNTH-CRASH-{number:05d}"}
        charge = "25.00"
    body["lines"][0]["charge"] = body["total_charge"] = charge
    return body


async def approved_authorization(cluster: Cluster, submitter: str, payer: str, units: int) -> str:
    """One E0114 authorization for the synthetic patient, approved in total."""
    request = {
        "payer_id": "DEMO-PAYER",
        "patient_ref": claim_body()["patient_ref"],
        "subscriber_ref": claim_body()["patient_ref"],
        "requesting_npi": "1234567893",
        "servicing_npi": "1234567893",
        "lines": [
            {
                "code": "E0114",
                "units": units,
                "start_date": (SERVED - timedelta(days=30)).isoformat(),
                "end_date": (SERVED + timedelta(days=30)).isoformat(),
                "diagnosis_codes": ["J101"],
            }
        ],
    }
    async with cluster.api("prior-auth") as priorauth:
        created = await priorauth.post(
            "/v1/authorizations", json=request, headers={"X-API-Key": submitter}
        )
        assert created.status_code == 201, created.text
        authorization_id = str(created.json()["id"])
        decided = await priorauth.post(
            f"/v1/authorizations/{authorization_id}/decisions",
            json={"action_code": "A1", "authorization_number": "AUTH-CRASH-1"},
            headers={"X-API-Key": payer},
        )
        assert decided.status_code == 200, decided.text
    return authorization_id


@dataclass
class Submission:
    """What the API answered while the claims went in."""

    claim_ids: list[str]
    server_errors: int


async def submit(client: httpx.AsyncClient, key: str) -> Submission:
    """All claims in batches of ``BATCH``, one request after the other."""
    ids: list[str] = []
    errors = 0
    for start in range(0, CLAIMS, BATCH):
        body = {"claims": [claim(n) for n in range(start, start + BATCH)]}
        response = await client.post("/v1/claims/batch", json=body, headers={"X-API-Key": key})
        if response.status_code >= 500:
            errors += 1
            continue
        assert response.status_code == 202, response.text
        answer = response.json()
        assert answer["refused"] == 0, answer
        ids += [item["claim"]["claim_id"] for item in answer["items"]]
    return Submission(ids, errors)


def webhooks_by_status(receiver: LoopbackReceiver) -> dict[tuple[str, str], set[str]]:
    """Distinct webhook-ids received per (claim, status)."""
    seen: dict[tuple[str, str], set[str]] = {}
    for request in receiver.requests:
        data = json.loads(request.body)["data"]
        key = (data["claim_id"], data["to_status"])
        seen.setdefault(key, set()).add(request.headers["webhook-id"])
    return seen


async def settle(cluster: Cluster, receiver: LoopbackReceiver, *, timeout: float) -> None:
    """Wait until every claim left 'received' and every status webhook arrived."""
    claims_url = cluster.urls["claims"]
    deadline = time.monotonic() + timeout
    final = webhooks = 0
    shown = 0.0
    while (now := time.monotonic()) < deadline:
        final = await scalar(claims_url, "SELECT count(*) FROM claims WHERE status <> 'received'")
        webhooks = len(webhooks_by_status(receiver))
        if final == CLAIMS and webhooks == 2 * CLAIMS:
            return
        if now - shown >= 10:
            print(f"  settling: {final} claims final, {webhooks} status webhooks")
            shown = now
        await asyncio.sleep(0.5)
    raise AssertionError(f"after {timeout}s: {final} claims final, {webhooks} status webhooks")


async def effects_applied_twice(cluster: Cluster, authorization_id: str) -> dict[str, int]:
    """Effects beyond the first, per kind, counted in each service's own store or topic."""
    urls = cluster.urls
    transitions = await scalar(
        urls["claims"],
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM claim_transitions"
        " GROUP BY claim_id, to_status) AS t",
    )
    consumptions = await scalar(
        urls["prior-auth"],
        "SELECT count(*) - count(DISTINCT (claim_id, claim_line_number)) FROM unit_consumptions",
    )
    authorized = CLAIMS // AUTHORIZED_EVERY
    used = await scalar(
        urls["prior-auth"],
        "SELECT sum(used_units) FROM authorization_lines WHERE authorization_id = :a",
        a=uuid.UUID(authorization_id),
    )
    deliveries = await scalar(
        urls["notifications"],
        "SELECT count(*) - count(DISTINCT (subscription_id, subject,"
        " convert_from(payload, 'UTF8')::jsonb -> 'data' ->> 'to_status')) FROM deliveries",
    )
    reviews = await results_beyond_one(cluster, "codecatalog.events", ClaimCodeReviewCompleted.type)
    checks = await results_beyond_one(
        cluster, "priorauth.events", ClaimAuthorizationCheckCompleted.type
    )
    return {
        "claim transitions": int(transitions),
        "unit consumptions": int(consumptions),
        "units used beyond claims": int(used) - authorized,
        "webhook deliveries": int(deliveries),
        "code reviews": reviews,
        "authorization checks": checks,
    }


async def results_beyond_one(cluster: Cluster, topic: str, event_type: str) -> int:
    """Distinct events of ``event_type`` per claim beyond the first (repeats of one id are the
    at-least-once relay's and do not count)."""
    ids: dict[str, set[str]] = {}
    for envelope in await cluster.envelopes(topic):
        if envelope.type == event_type:
            ids.setdefault(envelope.key, set()).add(envelope.id)
    assert len(ids) == CLAIMS
    return sum(len(found) - 1 for found in ids.values())


async def repeats_on(cluster: Cluster, topic: str) -> int:
    """Records on ``topic`` that repeat an event id already there (relay re-sends)."""
    counts = Counter(e.id for e in await cluster.envelopes(topic))
    return sum(n - 1 for n in counts.values())


class TestCrashSafety:
    async def test_workers_killed_mid_batch_and_at_random_lose_nothing_and_repeat_nothing(
        self, cluster: Cluster, submitter_key: str, service_urls: dict[str, str], tmp_path: Path
    ) -> None:
        payer_key = (
            await create_key(
                service_urls.values(), tenant_id="DEMO-PAYER", roles=(Role.PAYER,), name="payer"
            )
        ).secret
        authorization_id = await approved_authorization(
            cluster, submitter_key, payer_key, units=CLAIMS // AUTHORIZED_EVERY + 50
        )
        receiver = LoopbackReceiver([Reply(204)])
        await receiver.start()
        async with cluster.api("notifications") as notifications:
            await subscribe(notifications, submitter_key, receiver.url())
        markers = {name: tmp_path / f"{name}.paused" for name in KINDS}
        cluster.start_worker(
            "claims",
            spans=False,
            settings=QUICK_HANDOVER,
            CLAIMFLOW_PAUSE_RELAY_BEFORE_COMMIT=str(markers["claims"]),
        )
        cluster.start_worker("code-catalog", spans=False, settings=QUICK_HANDOVER)
        cluster.start_worker(
            "prior-auth",
            spans=False,
            settings=QUICK_HANDOVER,
            CLAIMFLOW_PAUSE_BEFORE_COMMIT=str(markers["prior-auth"]),
            CLAIMFLOW_PAUSE_EVENT_TYPE=ClaimSubmitted.type,
        )
        cluster.start_worker(
            "notifications",
            spans=False,
            settings=FAST_RETRIES,
            CLAIMFLOW_PAUSE_BEFORE_COMMIT=str(markers["notifications"]),
        )
        del markers["code-catalog"]
        chaos = Chaos(cluster, random.Random(SEED))

        async def kill_all_kinds() -> None:
            await chaos.at_pauses(markers)
            await chaos.at_random(KINDS, rounds=1, gap=(1.0, 4.0))

        started = time.monotonic()
        killing = asyncio.create_task(kill_all_kinds())
        async with cluster.api("claims", spans=False) as client:
            submitted = await submit(client, submitter_key)
        print(f"\n  {CLAIMS} claims submitted in {time.monotonic() - started:.0f}s")
        await killing
        await settle(cluster, receiver, timeout=240)
        elapsed = time.monotonic() - started
        await receiver.close()

        statuses = json.loads(
            await scalar(
                service_urls["claims"],
                "SELECT json_object_agg(status, n)::text FROM"
                " (SELECT status, count(*) AS n FROM claims GROUP BY status) AS s",
            )
        )
        twice = await effects_applied_twice(cluster, authorization_id)
        by_status = webhooks_by_status(receiver)
        expected = {(c, s) for c in submitted.claim_ids for s in ("received", "accepted")}
        webhook_repeats = len(receiver.requests) - sum(len(ids) for ids in by_status.values())
        bus_repeats = await repeats_on(cluster, "claims.events")
        lost = CLAIMS - statuses.get("accepted", 0) + len(expected - by_status.keys())
        duplicated = sum(twice.values()) + sum(len(ids) - 1 for ids in by_status.values())

        print()
        for kill in chaos.kills:
            print(f"  kill -9 at {kill.at:5.1f}s  {kill.worker:13}  {kill.moment}")
        print(f"  claim statuses: {statuses}; effects beyond the first: {twice}")
        print(
            f"  relay re-sends on claims.events: {bus_repeats}; webhook repeats by id:"
            f" {webhook_repeats}; {elapsed:.0f}s, {CLAIMS / elapsed:.0f} claims/s end to end"
        )
        print(f"  {'scenario':32} {'claims':>6} {'lost':>5} {'duplicated effects':>19} {'5xx':>4}")
        print(
            f"  {'kill -9 (mid-batch + random)':32} {CLAIMS:>6} {lost:>5}"
            f" {duplicated:>19} {submitted.server_errors:>4}"
        )
        assert len(set(submitted.claim_ids)) == CLAIMS
        assert statuses == {"accepted": CLAIMS}
        assert {k.worker for k in chaos.kills} == set(KINDS)
        assert len(chaos.kills) == len(KINDS) + len(markers)
        assert twice == dict.fromkeys(twice, 0)
        assert expected == by_status.keys()
        assert all(len(ids) == 1 for ids in by_status.values())
        assert submitted.server_errors == 0
        assert (lost, duplicated) == (0, 0)

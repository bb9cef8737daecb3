"""The thin claim flow across processes on a real Kafka broker and PostgreSQL."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from claimflow.services import definitions
from claimflow_shared.events import Envelope
from claimflow_shared.events.contracts import ClaimCodeReviewCompleted, ClaimSubmitted
from notifications.delivery.testing import LoopbackReceiver, Reply
from tests.integration.cluster import Cluster
from tests.integration.flow import (
    claim_body,
    final_claim,
    read_spans,
    scalar,
    signed_statuses,
    subscribe,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


@pytest.fixture
async def cluster(
    service_urls: dict[str, str], kafka_bootstrap: str, tmp_path: Path
) -> AsyncIterator[Cluster]:
    running = Cluster(service_urls, kafka_bootstrap, tmp_path)
    yield running
    running.stop()


async def messages_of(cluster: Cluster, topic: str, type_: str, claim_id: str) -> list[Envelope]:
    bus = cluster.bus()
    found = [
        Envelope.from_message(key=m.key, value=m.value, headers=m.headers)
        for m in await bus.read_all(topic)
    ]
    return [e for e in found if e.type == type_ and e.key == claim_id]


class TestDistributedFlow:
    async def test_claim_crosses_four_services_in_one_trace_with_one_effect_each(
        self, cluster: Cluster, submitter_key: str, service_urls: dict[str, str]
    ) -> None:
        for service in definitions():
            cluster.start_worker(service)
        receiver = LoopbackReceiver([Reply(204)])
        await receiver.start()
        async with cluster.api("notifications") as notifications:
            secret = await subscribe(notifications, submitter_key, receiver.url())
        async with cluster.claims_api() as client:
            response = await client.post(
                "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
            )
            assert response.status_code == 202
            claim_id = response.json()["claim_id"]
            claim = await final_claim(client, submitter_key, claim_id, timeout=120)
        assert claim["status"] == "accepted"
        assert sorted(await signed_statuses(receiver, secret, 2)) == ["accepted", "received"]
        await receiver.close()
        webhook_ids = {r.headers["webhook-id"] for r in receiver.requests}
        assert len(webhook_ids) == 2

        async def attempt_spans_written() -> bool:
            return webhook_ids <= {
                s["attributes"].get("claimflow.delivery_id") for s in read_spans(cluster.spans)
            }

        await wait_for(attempt_spans_written, what="the webhook attempt spans")
        spans = read_spans(cluster.spans)
        [intake] = [s for s in spans if s["name"] == "POST /v1/claims"]
        trace = [s for s in spans if s["trace_id"] == intake["trace_id"]]
        assert {s["service"] for s in trace} == set(definitions())
        by_id = {s["span_id"]: s for s in trace}
        consumers = [s for s in trace if s["kind"] == "CONSUMER"]
        assert consumers and all(by_id[s["parent_id"]]["kind"] == "PRODUCER" for s in consumers)
        webhooks = [s for s in trace if "claimflow.delivery_id" in s["attributes"]]
        assert {s["attributes"]["claimflow.delivery_id"] for s in webhooks} == webhook_ids

        [submitted] = await messages_of(cluster, "claims.events", ClaimSubmitted.type, claim_id)
        await cluster.bus().publish(
            [
                m
                for m in await cluster.bus().read_all("claims.events")
                if m.header("ce_id") == submitted.id
            ]
        )

        def duplicates_seen() -> set[str]:
            return {
                s["attributes"].get("messaging.consumer.group.name")
                for s in read_spans(cluster.spans)
                if s["attributes"].get("claimflow.duplicate")
                and s["attributes"].get("messaging.message.id") == submitted.id
            }

        async def both_groups_skipped() -> bool:
            return duplicates_seen() >= {"codecatalog.review", "priorauth.claim-check"}

        await wait_for(both_groups_skipped, what="the duplicate to be skipped")
        reviews = await messages_of(
            cluster, "codecatalog.events", ClaimCodeReviewCompleted.type, claim_id
        )
        assert len(reviews) == 1
        assert (
            await scalar(
                service_urls["claims"],
                "SELECT count(*) FROM claim_transitions WHERE claim_id = :c",
                c=uuid.UUID(claim_id),
            )
            == 2
        )

    async def test_a_worker_killed_before_commit_applies_the_event_once(
        self, cluster: Cluster, submitter_key: str, service_urls: dict[str, str], tmp_path: Path
    ) -> None:
        pause = tmp_path / "paused"
        for service in ("claims", "prior-auth", "notifications"):
            cluster.start_worker(service)
        victim = cluster.start_worker("code-catalog", CLAIMFLOW_PAUSE_BEFORE_COMMIT=str(pause))
        async with cluster.claims_api() as client:
            response = await client.post(
                "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
            )
            claim_id = response.json()["claim_id"]

            async def paused() -> bool:
                return pause.exists()

            await wait_for(paused, timeout=120, what="the code-catalog worker to hold its commit")
            assert ClaimSubmitted.type in pause.read_text()
            victim.kill()
            assert await scalar(service_urls["code-catalog"], "SELECT count(*) FROM inbox") == 0
            cluster.start_worker("code-catalog")
            claim = await final_claim(client, submitter_key, claim_id, timeout=120)
        assert claim["status"] == "accepted"
        reviews = await messages_of(
            cluster, "codecatalog.events", ClaimCodeReviewCompleted.type, claim_id
        )
        assert len(reviews) == 1
        assert (
            await scalar(
                service_urls["code-catalog"],
                "SELECT count(*) FROM inbox WHERE event_type = :t",
                t=ClaimSubmitted.type,
            )
            == 1
        )

"""The thin claim flow with all four services in one process on the in-process bus."""

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from claimflow.embedded import EmbeddedSystem
from notifications.delivery.testing import LoopbackReceiver, Reply
from tests.integration.flow import (
    EmbeddedFactory,
    claim_body,
    final_claim,
    scalar,
    signed_statuses,
    subscribe,
    wait_for,
)


@pytest.fixture
async def system(
    start_embedded: EmbeddedFactory,
) -> tuple[EmbeddedSystem, InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    return await start_embedded(span_exporters=[spans]), spans


async def claims_client(embedded: EmbeddedSystem) -> httpx.AsyncClient:
    app = embedded.apps["claims"]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://claims")


class TestEmbeddedFlow:
    async def test_a_clean_claim_is_accepted_and_notified(
        self,
        system: tuple[EmbeddedSystem, InMemorySpanExporter],
        submitter_key: str,
        service_urls: dict[str, str],
    ) -> None:
        embedded, spans = system
        receiver = LoopbackReceiver([Reply(204)])
        await receiver.start()
        notifications = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=embedded.apps["notifications"]),
            base_url="http://notifications",
        )
        async with notifications, await claims_client(embedded) as client:
            secret = await subscribe(notifications, submitter_key, receiver.url())
            response = await client.post(
                "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
            )
            assert response.status_code == 202
            claim_id = response.json()["claim_id"]
            claim = await final_claim(client, submitter_key, claim_id)
        assert claim["status"] == "accepted"
        assert [h["to_status"] for h in claim["history"]] == ["received", "accepted"]
        assert sorted(await signed_statuses(receiver, secret, 2)) == ["accepted", "received"]
        await receiver.close()
        await wait_for(
            lambda: scalar(
                service_urls["notifications"],
                "SELECT count(*) = 2 FROM deliveries WHERE subject = :c AND status = 'succeeded'",
                c=claim_id,
            ),
            what="two deliveries recorded as succeeded",
        )
        trace_ids = {
            s.context.trace_id
            for s in spans.get_finished_spans()
            if s.attributes.get("claimflow.claim_id") == claim_id
        }
        assert len(trace_ids) == 1

    async def test_an_unknown_code_is_rejected_with_the_finding(
        self, system: tuple[EmbeddedSystem, InMemorySpanExporter], submitter_key: str
    ) -> None:
        embedded, _ = system
        async with await claims_client(embedded) as client:
            response = await client.post(
                "/v1/claims", json=claim_body(code="Q9999"), headers={"X-API-Key": submitter_key}
            )
            claim = await final_claim(client, submitter_key, response.json()["claim_id"])
        assert claim["status"] == "rejected"
        assert [f["rule"] for f in claim["code_review"]["findings"]] == ["CODE_UNKNOWN"]

    async def test_equipment_needing_authorization_is_pended(
        self, system: tuple[EmbeddedSystem, InMemorySpanExporter], submitter_key: str
    ) -> None:
        embedded, _ = system
        async with await claims_client(embedded) as client:
            response = await client.post(
                "/v1/claims", json=claim_body(code="E0114"), headers={"X-API-Key": submitter_key}
            )
            claim = await final_claim(client, submitter_key, response.json()["claim_id"])
        assert claim["status"] == "pended_auth"
        assert claim["auth_check"]["lines"][0]["status"] == "missing"

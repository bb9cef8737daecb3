"""Webhooks across services, all four in one process: one claim's trace reaches the webhook,
and prior-auth's authorization events reach a subscriber of theirs."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from claimflow.embedded import EmbeddedSystem
from claimflow_shared.webhooks import verify
from notifications.delivery.testing import Receivers, Reply
from tests.integration.flow import EmbeddedFactory, claim_body, final_claim


@pytest.fixture
async def system(
    start_embedded: EmbeddedFactory,
) -> tuple[EmbeddedSystem, InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    return await start_embedded(span_exporters=[spans]), spans


def client_of(embedded: EmbeddedSystem, service: str) -> httpx.AsyncClient:
    """An HTTP client on one service's app."""
    transport = httpx.ASGITransport(app=embedded.apps[service])
    return httpx.AsyncClient(transport=transport, base_url=f"http://{service}")


async def subscribe(embedded: EmbeddedSystem, key: str, url: str, patterns: list[str]) -> str:
    """Subscribe the key's tenant; return the signing secret."""
    async with client_of(embedded, "notifications") as notifications:
        response = await notifications.post(
            "/v1/subscriptions",
            json={"url": url, "event_types": patterns},
            headers={"X-API-Key": key},
        )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


def finished(spans: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    """The finished spans called ``name``."""
    return [s for s in spans.get_finished_spans() if s.name == name]


class TestAcrossServices:
    async def test_one_claims_trace_reaches_its_webhooks(
        self,
        system: tuple[EmbeddedSystem, InMemorySpanExporter],
        submitter_key: str,
        receivers: Receivers,
    ) -> None:
        embedded, spans = system
        receiver = await receivers.start(Reply(204))
        secret = await subscribe(embedded, submitter_key, receiver.url(), ["claims.claim.*"])
        async with client_of(embedded, "claims") as claims:
            answer = await claims.post(
                "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
            )
            claim_id = answer.json()["claim_id"]
            await final_claim(claims, submitter_key, claim_id)
        async with asyncio.timeout(60):
            await receiver.wait_for_requests(2)
            while len(attempts := finished(spans, "deliver webhook")) < 2:
                await asyncio.sleep(0.05)

        for request in receiver.requests:
            verify(request.body, request.headers, secret)
        [intake] = finished(spans, "POST /v1/claims")
        trace_id = intake.context.trace_id
        assert len(attempts) == 2
        assert {s.context.trace_id for s in attempts} == {trace_id}
        assert {r.headers["traceparent"].split("-")[1] for r in receiver.requests} == {
            format(trace_id, "032x")
        }
        assert {json.loads(r.body)["subject"] for r in receiver.requests} == {claim_id}

    async def test_an_authorization_request_notifies_a_prior_auth_subscriber(
        self,
        system: tuple[EmbeddedSystem, InMemorySpanExporter],
        submitter_key: str,
        receivers: Receivers,
    ) -> None:
        embedded, _ = system
        receiver = await receivers.start(Reply(204))
        secret = await subscribe(
            embedded, submitter_key, receiver.url(), ["priorauth.authorization.*"]
        )
        start = date.today() + timedelta(days=3)
        request_body = {
            "payer_id": "DEMO-PAYER",
            "patient_ref": "SYNTH-PATIENT-0002",
            "subscriber_ref": "SYNTH-SUBSCRIBER-0002",
            "requesting_npi": "1234567893",
            "servicing_npi": "1234567893",
            "lines": [
                {
                    "code": "E0114",
                    "units": 1,
                    "start_date": start.isoformat(),
                    "end_date": (start + timedelta(days=30)).isoformat(),
                    "diagnosis_codes": ["J101"],
                }
            ],
        }
        async with client_of(embedded, "prior-auth") as prior_auth:
            answer = await prior_auth.post(
                "/v1/authorizations", json=request_body, headers={"X-API-Key": submitter_key}
            )
        assert answer.status_code == 201, answer.text
        authorization_id = answer.json()["id"]
        async with asyncio.timeout(60):
            await receiver.wait_for_requests(1)

        [request] = receiver.requests[:1]
        verify(request.body, request.headers, secret)
        event = json.loads(request.body)
        assert event["type"] == "priorauth.authorization.status_changed.v1"
        assert event["data"]["authorization_id"] == authorization_id
        assert "patient_ref" not in event["data"] and "SYNTH-PATIENT" not in request.body.decode()


@pytest.fixture
async def receivers() -> AsyncIterator[Receivers]:
    async with Receivers() as started:
        yield started

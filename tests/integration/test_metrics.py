"""After a claim's flow, each service's /metrics shows the platform's series."""

import asyncio
import re

import httpx
import pytest

from claimflow.embedded import EmbeddedSystem
from tests.integration.flow import EmbeddedFactory, claim_body, final_claim, wait_for


@pytest.fixture
async def system(start_embedded: EmbeddedFactory) -> EmbeddedSystem:
    return await start_embedded()


def client(embedded: EmbeddedSystem, service: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=embedded.apps[service]), base_url=f"http://{service}"
    )


def value(text: str, series: str) -> float:
    """The value of the first sample whose line starts with ``series``."""
    for line in text.splitlines():
        if line.startswith(series):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not in the exposition")


class TestMetrics:
    async def test_flow_leaves_its_series_on_every_service(
        self, system: EmbeddedSystem, submitter_key: str
    ) -> None:
        async with client(system, "claims") as claims:
            response = await claims.post(
                "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
            )
            await final_claim(claims, submitter_key, response.json()["claim_id"])
            await asyncio.sleep(0.3)
            for worker in system.workers.values():
                await worker.relay.observe_backlog()
            scraped = await claims.get("/metrics")
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
        text = scraped.text
        assert "# TYPE http_server_request_duration_seconds histogram" in text
        assert (
            value(
                text,
                'http_server_request_duration_seconds_count{service="claims",'
                'http_request_method="POST",http_route="/v1/claims",'
                'http_response_status_code="202"}',
            )
            == 1
        )
        assert (
            value(
                text,
                'claimflow_events_published_total{service="claims",'
                'event_type="claims.claim.submitted.v1"}',
            )
            == 1
        )
        assert (
            value(
                text,
                'claimflow_events_consumed_total{service="claims",'
                'event_type="codecatalog.claim_review.completed.v1"',
            )
            == 1
        )
        assert value(text, 'claimflow_outbox_backlog{service="claims"}') == 0
        assert re.search(r'^db_client_connections_usage\{service="claims"', text, re.M)
        async with client(system, "notifications") as notifications:
            text = (await notifications.get("/metrics")).text
        assert (
            value(
                text,
                'claimflow_events_consumed_total{service="notifications",'
                'event_type="claims.claim.status_changed.v1"',
            )
            == 2
        )

    async def test_gauges_are_exposed(self, system: EmbeddedSystem, submitter_key: str) -> None:
        async with client(system, "claims") as claims:
            response = await claims.post(
                "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
            )
            await final_claim(claims, submitter_key, response.json()["claim_id"])

        async def exposed(service: str, series: str) -> bool:
            async with client(system, service) as scraper:
                return series in (await scraper.get("/metrics")).text

        for service, series in (
            ("prior-auth", 'claimflow_authorizations_overdue{service="prior-auth"} 0'),
            ("claims", "# TYPE claimflow_claims_by_status gauge"),
            ("claims", 'claimflow_consumer_lag{service="claims",consumer_group="claims.review"'),
        ):
            await wait_for(lambda: exposed(service, series), what=series)  # noqa: B023

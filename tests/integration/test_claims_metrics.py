"""The claims worker keeps claimflow_claims_by_status current on the service's /metrics."""

import re

import httpx
import pytest

from claimflow.embedded import EmbeddedSystem
from tests.integration.flow import EmbeddedFactory, claim_body, final_claim, wait_for


@pytest.fixture
async def system(start_embedded: EmbeddedFactory) -> EmbeddedSystem:
    return await start_embedded(status_gauge_seconds=0.2)


async def test_the_gauge_follows_claims_into_their_statuses(
    system: EmbeddedSystem, submitter_key: str
) -> None:
    transport = httpx.ASGITransport(app=system.apps["claims"])
    async with httpx.AsyncClient(transport=transport, base_url="http://claims") as claims:
        accepted = await claims.post(
            "/v1/claims", json=claim_body(), headers={"X-API-Key": submitter_key}
        )
        await final_claim(claims, submitter_key, accepted.json()["claim_id"])
        await claims.post(
            "/v1/claims", json=claim_body(code="E0114"), headers={"X-API-Key": submitter_key}
        )

        async def counted() -> dict[str, float] | None:
            text = (await claims.get("/metrics")).text
            found = {
                status: float(value)
                for status, value in re.findall(
                    r'^claimflow_claims_by_status\{[^}]*status="(\w+)"[^}]*\} (\S+)$', text, re.M
                )
            }
            return found if found.get("pended_auth") == 1 else None

        values = await wait_for(counted, what="the gauge to count both claims")
    assert values["accepted"] == 1 and values["rejected"] == 0
    assert set(values) == {
        "received",
        "accepted",
        "rejected",
        "pended_auth",
        "pended_review",
        "returned",
        "voided",
        "replaced",
    }

"""A claim pended on a missing authorization is accepted once the payer approves, through the
real pipeline: claims, code-catalog, prior-auth and notifications in one process."""

from datetime import date, timedelta
from typing import Any

import httpx

from claimflow.embedded import EmbeddedSystem
from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from tests.integration.flow import EmbeddedFactory, claim_body, wait_for

PATIENT = "SYNTH-PATIENT-0001"


def authorization_body() -> dict[str, Any]:
    """A request covering the crutches around the demo claim's date of service (a week ago)."""
    return {
        "payer_id": "DEMO-PAYER",
        "patient_ref": PATIENT,
        "subscriber_ref": "SYNTH-SUBSCRIBER-0001",
        "requesting_npi": "1234567893",
        "servicing_npi": "1234567893",
        "lines": [
            {
                "code": "E0114",
                "units": 1,
                "start_date": (date.today() - timedelta(days=30)).isoformat(),
                "end_date": (date.today() + timedelta(days=30)).isoformat(),
                "diagnosis_codes": ["M2351"],
            }
        ],
    }


def client_of(embedded: EmbeddedSystem, name: str) -> httpx.AsyncClient:
    app = embedded.apps[name]
    app.state.runtime = embedded.runtimes[name]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")


async def claim_in_status(
    claims: httpx.AsyncClient, key: str, claim_id: str, status: str
) -> dict[str, Any]:
    """The claim once it reached the status."""

    async def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = (
            await claims.get(f"/v1/claims/{claim_id}", headers={"X-API-Key": key})
        ).json()
        return body if body["status"] == status else None

    result: dict[str, Any] = await wait_for(probe, what=f"claim {claim_id} {status}")
    return result


async def pended_claim(claims: httpx.AsyncClient, key: str) -> str:
    """Submit the demo crutches claim and wait until it is pended for authorization."""
    response = await claims.post(
        "/v1/claims", json=claim_body(code="E0114"), headers={"X-API-Key": key}
    )
    claim_id: str = response.json()["claim_id"]
    pended = await claim_in_status(claims, key, claim_id, "pended_auth")
    assert pended["auth_check"]["lines"][0]["status"] == "missing"
    return claim_id


class TestPriorAuthFlow:
    async def test_a_pended_claim_is_accepted_after_the_payer_approves(
        self, start_embedded: EmbeddedFactory, service_urls: dict[str, str], submitter_key: str
    ) -> None:
        payer = await create_key(
            service_urls.values(), tenant_id="DEMO-PAYER", roles=(Role.PAYER,), name="payer"
        )
        embedded = await start_embedded()
        async with (
            client_of(embedded, "claims") as claims,
            client_of(embedded, "prior-auth") as prior_auth,
        ):
            claim_id = await pended_claim(claims, submitter_key)
            requested = await prior_auth.post(
                "/v1/authorizations",
                json=authorization_body(),
                headers={"X-API-Key": submitter_key},
            )
            assert requested.status_code == 201, requested.text
            decided = await prior_auth.post(
                f"/v1/authorizations/{requested.json()['id']}/decisions",
                json={"action_code": "A1", "authorization_number": "DEMO-0001"},
                headers={"X-API-Key": payer.secret},
            )
            assert decided.status_code == 200, decided.text
            accepted = await claim_in_status(claims, submitter_key, claim_id, "accepted")
        line = accepted["auth_check"]["lines"][0]
        assert (line["status"], line["authorization_id"]) == ("authorized", requested.json()["id"])
        assert [h["to_status"] for h in accepted["history"]] == [
            "received",
            "pended_auth",
            "accepted",
        ]

    async def test_the_simulated_payer_approves_a_gold_carded_code_by_itself(
        self, start_embedded: EmbeddedFactory, service_urls: dict[str, str], submitter_key: str
    ) -> None:
        admin = await create_key(
            service_urls.values(), tenant_id="platform", roles=(Role.ADMIN,), name="admin"
        )
        embedded = await start_embedded(simulator=True, simulator_poll_seconds=0.1)
        async with (
            client_of(embedded, "claims") as claims,
            client_of(embedded, "prior-auth") as prior_auth,
        ):
            profile = await prior_auth.put(
                "/v1/payers/DEMO-PAYER/simulator",
                json={"gold_card_codes": ["E0114"], "approve_after_seconds": 0},
                headers={"X-API-Key": admin.secret},
            )
            assert profile.status_code == 200, profile.text
            claim_id = await pended_claim(claims, submitter_key)
            requested = await prior_auth.post(
                "/v1/authorizations",
                json=authorization_body(),
                headers={"X-API-Key": submitter_key},
            )
            assert requested.status_code == 201, requested.text
            accepted = await claim_in_status(claims, submitter_key, claim_id, "accepted")
            authorization = await prior_auth.get(
                f"/v1/authorizations/{requested.json()['id']}",
                headers={"X-API-Key": submitter_key},
            )
        assert accepted["auth_check"]["outcome"] == "clear"
        assert authorization.json()["status"] == "approved"
        assert authorization.json()["lines"][0]["used_units"] == 1

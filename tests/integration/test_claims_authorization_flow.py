"""Claims and prior-auth together, in one process on the in-process bus: a claim pended for an
authorization resumes when the payer approves it; an X12 claim meets the authorization its
submitter requested under the patient reference the claims service gave it (or that its 278
request got); a void gives the units back."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from claimflow.embedded import EmbeddedSystem
from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.x12.p278 import synthetic as synthetic_278
from claimflow_shared.x12.p837 import synthetic
from tests.integration.flow import EmbeddedFactory, claim_body, final_claim, scalar, wait_for

SERVED = date.today() - timedelta(days=7)


@pytest.fixture
async def system(start_embedded: EmbeddedFactory) -> EmbeddedSystem:
    return await start_embedded()


@pytest.fixture
async def payer_key(service_urls: dict[str, str]) -> str:
    key = await create_key(
        service_urls.values(), tenant_id="DEMO-PAYER", roles=(Role.PAYER,), name="payer"
    )
    return key.secret


def client(embedded: EmbeddedSystem, service: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=embedded.apps[service]), base_url=f"http://{service}"
    )


async def approved_authorization(
    embedded: EmbeddedSystem, submitter: str, payer: str, patient_ref: str
) -> str:
    """Request an authorization for one E0114 and have the payer approve it in total."""
    request = {
        "payer_id": "DEMO-PAYER",
        "patient_ref": patient_ref,
        "subscriber_ref": patient_ref,
        "requesting_npi": "1234567893",
        "servicing_npi": "1234567893",
        "lines": [
            {
                "code": "E0114",
                "units": 1,
                "start_date": (SERVED - timedelta(days=30)).isoformat(),
                "end_date": (SERVED + timedelta(days=30)).isoformat(),
                "diagnosis_codes": ["J101"],
            }
        ],
    }
    async with client(embedded, "prior-auth") as priorauth:
        created = await priorauth.post(
            "/v1/authorizations", json=request, headers={"X-API-Key": submitter}
        )
        assert created.status_code == 201, created.text
        authorization_id = str(created.json()["id"])
        decided = await priorauth.post(
            f"/v1/authorizations/{authorization_id}/decisions",
            json={"action_code": "A1", "authorization_number": "AUTH-E2E-1"},
            headers={"X-API-Key": payer},
        )
        assert decided.status_code == 200, decided.text
    return authorization_id


def x12_claim(member_id: str) -> bytes:
    """An 837P with one E0114 claim to DEMO-PAYER for ``member_id``, served last week."""
    body = synthetic.body(1, lines=1)
    changed: list[synthetic.Segment] = []
    for segment in body:
        tag = segment[0]
        if tag == "NM1" and segment[1] == "IL":
            segment = [*segment[:-1], member_id]
        elif tag == "NM1" and segment[1] == "PR":
            segment = [*segment[:-1], "DEMO-PAYER"]
        elif tag == "CLM":
            segment = [segment[0], "E2E-PCN-1", "42.25", *segment[3:]]
        elif tag == "REF" and segment[1] == "G1":
            continue
        elif tag == "HI":
            segment = ["HI", ("ABK", "J101")]
        elif tag == "SV1":
            segment = ["SV1", ("HC", "E0114"), "42.25", "UN", "1", "", "", ("1",)]
        elif tag == "DTP":
            segment = ["DTP", "472", "D8", SERVED.strftime("%Y%m%d")]
        changed.append(segment)
    return synthetic.interchange([[changed]])


class TestAuthorizationFlow:
    async def test_a_pended_claim_resumes_when_the_payer_approves(
        self, system: EmbeddedSystem, submitter_key: str, payer_key: str
    ) -> None:
        document = claim_body(code="E0114")
        document["lines"][0]["charge"] = document["total_charge"] = "42.25"
        async with client(system, "claims") as claims:
            response = await claims.post(
                "/v1/claims", json=document, headers={"X-API-Key": submitter_key}
            )
            claim_id = response.json()["claim_id"]
            pended = await final_claim(claims, submitter_key, claim_id)
            assert pended["status"] == "pended_auth"
            await approved_authorization(system, submitter_key, payer_key, document["patient_ref"])

            async def accepted() -> dict[str, Any] | None:
                got = await claims.get(
                    f"/v1/claims/{claim_id}", headers={"X-API-Key": submitter_key}
                )
                body: dict[str, Any] = got.json()
                return body if body["status"] == "accepted" else None

            claim = await wait_for(accepted, what="the pended claim to resume")
        assert [h["to_status"] for h in claim["history"]] == ["received", "pended_auth", "accepted"]
        assert claim["auth_check"]["lines"][0]["status"] == "authorized"

    async def test_an_x12_claim_meets_its_authorization_and_a_void_gives_the_units_back(
        self,
        system: EmbeddedSystem,
        submitter_key: str,
        payer_key: str,
        service_urls: dict[str, str],
    ) -> None:
        headers = {"X-API-Key": submitter_key}
        async with client(system, "claims") as claims:
            reference = await claims.post(
                "/v1/patient-refs",
                json={"payer_id": "DEMO-PAYER", "member_id": "SYNTH-MEMBER-77"},
                headers=headers,
            )
            patient_ref = reference.json()["patient_ref"]
            authorization_id = await approved_authorization(
                system, submitter_key, payer_key, patient_ref
            )
            answer = await claims.post(
                "/v1/x12/837",
                content=x12_claim("SYNTH-MEMBER-77"),
                headers=headers | {"content-type": "application/edi-x12"},
            )
            [taken] = answer.json()["claims"]
            assert taken["accepted"], taken["errors"]
            claim = await final_claim(claims, submitter_key, taken["claim_id"])
            assert claim["status"] == "accepted", claim["findings"]
            assert claim["patient_ref"] == patient_ref
            assert claim["auth_check"]["lines"][0]["authorization_id"] == authorization_id

            used = "SELECT sum(used_units) FROM authorization_lines WHERE authorization_id = :a"
            assert await scalar(service_urls["prior-auth"], used, a=authorization_id) == 1
            void = claim_body(code="E0114") | {
                "frequency": "8",
                "original_claim_ref": taken["claim_id"],
                "patient_ref": patient_ref,
            }
            void["lines"][0]["charge"] = void["total_charge"] = "42.25"
            void["lines"][0]["service_date"] = SERVED.isoformat()
            voided = await claims.post("/v1/claims", json=void, headers=headers)
            assert voided.json()["status"] == "received", voided.text

            async def units_back() -> bool:
                return bool(await scalar(service_urls["prior-auth"], used, a=authorization_id) == 0)

            await wait_for(units_back, what="prior-auth to give the voided claim's units back")
            original = await claims.get(f"/v1/claims/{taken['claim_id']}", headers=headers)
        assert original.json()["status"] == "voided"

    async def test_an_x12_claim_meets_the_authorization_its_278_request_made(
        self, system: EmbeddedSystem, submitter_key: str, payer_key: str
    ) -> None:
        headers = {"X-API-Key": submitter_key}
        window = f"{SERVED - timedelta(days=30):%Y%m%d}-{SERVED + timedelta(days=30):%Y%m%d}"
        spec = synthetic_278.RequestSpec(
            payer_id="DEMO-PAYER",
            member_id="SYNTH-MEMBER-88",
            diagnoses=("J101",),
            services=(synthetic_278.ServiceSpec("E0114", units="1", dates=window),),
        )
        async with client(system, "prior-auth") as priorauth:
            answer = await priorauth.post(
                "/v1/x12/278",
                content=synthetic_278.interchange([synthetic_278.request(spec)]),
                headers=headers | {"content-type": "application/edi-x12"},
            )
            [requested] = answer.json()["requests"]
            assert requested["accepted"], requested["errors"]
            authorization_id = requested["authorization"]["id"]
            decided = await priorauth.post(
                f"/v1/authorizations/{authorization_id}/decisions",
                json={"action_code": "A1", "authorization_number": "AUTH-278-1"},
                headers={"X-API-Key": payer_key},
            )
            assert decided.status_code == 200, decided.text
        async with client(system, "claims") as claims:
            sent = await claims.post(
                "/v1/x12/837",
                content=x12_claim("SYNTH-MEMBER-88"),
                headers=headers | {"content-type": "application/edi-x12"},
            )
            [taken] = sent.json()["claims"]
            claim = await final_claim(claims, submitter_key, taken["claim_id"])
        assert claim["status"] == "accepted", claim["findings"]
        assert claim["patient_ref"] == requested["authorization"]["patient_ref"]
        assert claim["auth_check"]["lines"][0]["authorization_id"] == authorization_id

"""POST /v1/x12/278 on PostgreSQL: 278 requests through the JSON intake, answered in X12."""

from __future__ import annotations

import re
from typing import Any

import httpx

from claimflow_shared.db import Database
from claimflow_shared.patient_refs import DEVELOPMENT_PATIENT_REF_KEY, derive_patient_ref
from claimflow_shared.x12.p278.synthetic import (
    REQUESTER_NPI,
    SERVICING_NPI,
    RequestSpec,
    ServiceSpec,
    interchange,
    request,
)
from claimflow_shared.x12.p837.synthetic import Style

from .helpers import PAYER, Keys, auth, published

EDI = {"content-type": "application/edi-x12"}
STATUS_CHANGED = "priorauth.authorization.status_changed.v1"
TWO_LINES = RequestSpec(
    services=(
        ServiceSpec("E0114", ("RR",), "2", "20251001-20251231"),
        ServiceSpec("97110", ("GP",), "12", "20251002"),
    ),
    diagnoses=("M2351", "M25561"),
)


async def post_278(
    client: httpx.AsyncClient, body: bytes, secret: str, **headers: str
) -> httpx.Response:
    """Send an interchange as the given key."""
    return await client.post(
        "/v1/x12/278", content=body, headers={**EDI, **auth(secret), **headers}
    )


def reference(spec: RequestSpec, tenant: str = "tenant-a") -> str:
    """The member's patient reference, as the claims service derives it for its 837P claims."""
    return derive_patient_ref(
        key=DEVELOPMENT_PATIENT_REF_KEY.encode(),
        tenant_id=tenant,
        payer_id=spec.payer_id,
        member_id=spec.member_id,
    )


def json_twin(spec: RequestSpec) -> dict[str, Any]:
    """The JSON request that asks for what the 278 of `spec` asks for."""
    return {
        "payer_id": spec.payer_id,
        "patient_ref": reference(spec),
        "subscriber_ref": reference(spec),
        "requesting_npi": REQUESTER_NPI,
        "servicing_npi": SERVICING_NPI,
        "priority": "standard",
        "place_of_service": spec.place_of_service,
        "lines": [
            {
                "code": "E0114",
                "modifiers": ["RR"],
                "units": 2,
                "start_date": "2025-10-01",
                "end_date": "2025-12-31",
                "diagnosis_codes": ["M2351", "M25561"],
            },
            {
                "code": "97110",
                "modifiers": ["GP"],
                "units": 12,
                "start_date": "2025-10-02",
                "end_date": "2025-10-02",
                "diagnosis_codes": ["M2351", "M25561"],
            },
        ],
    }


def comparable(authorization: dict[str, Any]) -> dict[str, Any]:
    """An authorization without what differs between two requests: its id."""
    return {key: value for key, value in authorization.items() if key != "id"}


class TestAcceptedRequests:
    async def test_a_278_creates_the_same_authorization_as_its_json_twin(
        self, client: httpx.AsyncClient, keys: Keys, database: Database
    ) -> None:
        response = await post_278(client, interchange([request(TWO_LINES)]), keys.submitter)
        assert response.status_code == 200, response.text
        answer = response.json()
        [taken] = answer["requests"]
        assert taken["accepted"] and taken["errors"] == []
        made = taken["authorization"]
        twin = await client.post(
            "/v1/authorizations", json=json_twin(TWO_LINES), headers=auth(keys.submitter)
        )
        assert twin.status_code == 201
        assert comparable(made) == comparable(twin.json())
        stored = await client.get(f"/v1/authorizations/{made['id']}", headers=auth(keys.submitter))
        assert comparable(stored.json()) == comparable(twin.json())
        events = [e for e in await published(database, STATUS_CHANGED) if e["action"] == "receive"]
        assert [e["authorization_id"] for e in events] == [made["id"], twin.json()["id"]]
        assert all("SYNTHMEM0042" not in str(event) for event in events)

    async def test_the_answer_holds_a_clean_999_and_a_278_response_per_service(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        pipes = Style(element="|", component="^", repetition="{", segment="\n")
        answer = (
            await post_278(client, interchange([request(TWO_LINES)], pipes), keys.submitter)
        ).json()
        made = answer["requests"][0]["authorization"]
        assert answer["interchange_status"] == "A"
        assert "IK5|A" in answer["ack999"] and "AK9|A|1|1|1" in answer["ack999"]
        response = answer["response278"]
        assert "BHT|0007|11|REF0001|" in response
        assert f"REF|NT|{made['id']}" in response
        assert re.findall(r"HCR\|[^\n]*", response) == ["HCR|A4", "HCR|A4"]
        assert "SV1|HC^E0114^RR|0|UN|2" in response

    async def test_an_urgent_dependent_request_is_expedited_under_the_members_reference(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        spec = RequestSpec(dependent=True, level_of_service="U")
        answer = (await post_278(client, interchange([request(spec)]), keys.submitter)).json()
        made = answer["requests"][0]["authorization"]
        assert made["priority"] == "expedited"
        assert made["subscriber_ref"] == made["patient_ref"] == reference(spec)
        assert made["patient_ref"].startswith("pr_") and "SYNTHMEM0042" not in str(
            answer["requests"]
        )

    async def test_edi_accept_gets_the_278_response_alone(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        response = await post_278(
            client, interchange([request()]), keys.submitter, accept="application/edi-x12"
        )
        assert response.headers["content-type"].startswith("application/edi-x12")
        assert response.text.startswith("ISA*") and "ST*278*0001*005010X217~" in response.text


class TestRequestErrors:
    async def test_errors_come_back_as_aaa_and_make_no_authorization(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        bad = RequestSpec(member_id="", services=(ServiceSpec(code="E01"),))
        body = interchange([request(bad, reference="BAD"), request(RequestSpec(), reference="OK")])
        answer = (await post_278(client, body, keys.submitter)).json()
        refused, taken = answer["requests"]
        assert not refused["accepted"] and refused["authorization"] is None
        assert refused["errors"] == [
            "2010C AAA*N**72: the member id is missing or invalid",
            "2000F AAA*N**33: SV101 is not an HC procedure code",
        ]
        assert taken["accepted"]
        assert "IK5*A" in answer["ack999"] and "AK9*A*2*2*2" in answer["ack999"]
        response = answer["response278"]
        assert "NM1*IL*1*SYNTHETIC*SAM****MI~AAA*N**72*C~" in response
        assert response.count("AAA*") == 2 and response.count("HCR*A4") == 1
        listed = await client.get("/v1/authorizations", headers=auth(keys.submitter))
        assert [a["id"] for a in listed.json()] == [taken["authorization"]["id"]]

    async def test_a_request_the_json_rules_refuse_is_answered_not_failed(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        spec = RequestSpec(payer_id="P" * 81)
        answer = (await post_278(client, interchange([request(spec)]), keys.submitter)).json()
        [refused] = answer["requests"]
        assert refused["errors"] == [
            "2000E AAA*N**33: the request breaks the API's rules at payer_id"
        ]
        assert "AAA*N**33*C" in answer["response278"]


class TestEnvelopeErrors:
    async def test_a_bad_segment_count_gets_a_999_rejection_and_no_278(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        body = re.sub(rb"SE\*(\d+)\*", rb"SE*7*", interchange([request()]))
        response = await post_278(client, body, keys.submitter, accept="application/edi-x12")
        assert response.status_code == 200
        assert "IK5*R*4" in response.text and "AK9*R*1*1*0" in response.text
        listed = await client.get("/v1/authorizations", headers=auth(keys.submitter))
        assert listed.json() == []

    async def test_an_unsupported_interchange_version_gets_a_ta1_rejection(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        body = interchange([request()]).replace(b"*00501*", b"*00401*", 1)
        answer = (await post_278(client, body, keys.submitter)).json()
        assert answer["interchange_status"] == "R" and answer["response278"] is None
        assert "TA1*000000001*" in answer["ack999"] and "*R*017~" in answer["ack999"]
        assert answer["requests"] == []

    async def test_a_278_response_sent_to_us_is_rejected_in_the_999(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        body = interchange([request()]).replace(b"BHT*0007*13*", b"BHT*0007*11*")
        answer = (await post_278(client, body, keys.submitter)).json()
        assert "IK3*BHT*2**8~IK4*2**7*11~IK5*R*I5" in answer["ack999"]
        assert answer["requests"][0]["errors"] == [
            "transaction set 0001 was rejected (see the 999)"
        ]

    async def test_no_isa_is_400_and_other_media_is_415(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        unreadable = await post_278(client, b"HELLO~", keys.submitter)
        assert unreadable.status_code == 400
        assert unreadable.headers["content-type"] == "application/problem+json"
        as_json = await client.post("/v1/x12/278", json={"x": 1}, headers=auth(keys.submitter))
        assert as_json.status_code == 415

    async def test_only_submitters_may_send(self, client: httpx.AsyncClient, keys: Keys) -> None:
        response = await post_278(client, interchange([request()]), keys.payer)
        assert response.status_code == 403


class TestIdempotency:
    async def test_the_same_key_and_bytes_replay_the_answer_once_taken(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        body = interchange([request()])
        first = await post_278(client, body, keys.submitter, **{"idempotency-key": "k-278"})
        again = await post_278(client, body, keys.submitter, **{"idempotency-key": "k-278"})
        assert again.status_code == 200 and again.json() == first.json()
        listed = await client.get("/v1/authorizations", headers=auth(keys.submitter))
        assert len(listed.json()) == 1

    async def test_the_same_key_with_other_bytes_is_422(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        key = {"idempotency-key": "k-278b"}
        await post_278(client, interchange([request()]), keys.submitter, **key)
        other = await post_278(client, interchange([request()], control=2), keys.submitter, **key)
        assert other.status_code == 422
        assert other.json()["field"] == "Idempotency-Key"

    async def test_keys_are_per_tenant(self, client: httpx.AsyncClient, keys: Keys) -> None:
        key = {"idempotency-key": "shared-key"}
        await post_278(client, interchange([request()]), keys.submitter, **key)
        theirs = await post_278(client, interchange([request()]), keys.other_submitter, **key)
        made = theirs.json()["requests"][0]["authorization"]
        assert made["payer_id"] == PAYER
        assert made["patient_ref"] == reference(RequestSpec(), "tenant-b")
        assert made["patient_ref"] != reference(RequestSpec())


class TestLaterDecisions:
    async def test_a_coded_denial_reason_is_kept_and_shown(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        answer = (await post_278(client, interchange([request()]), keys.submitter)).json()
        made = answer["requests"][0]["authorization"]
        denied = await client.post(
            f"/v1/authorizations/{made['id']}/decisions",
            json={"action_code": "A3", "reason": "Not medically necessary", "reason_code": "0U"},
            headers=auth(keys.payer),
        )
        assert denied.status_code == 200 and denied.json()["reason_code"] == "0U"
        bad = await client.post(
            f"/v1/authorizations/{made['id']}/decisions",
            json={"action_code": "A3", "reason": "x", "reason_code": "not a code"},
            headers=auth(keys.payer),
        )
        assert bad.status_code == 422

"""Reading claims: one in full; pages in (submitted_at, id) order with an opaque cursor; the
status inquiry with category codes; the claims-by-status gauge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claimflow_shared.runtime import build_runtime
from claims.definition import DEFINITION
from claims.settings import ClaimsSettings
from claims.status.gauge import StatusCounter

Claim = Callable[..., dict[str, Any]]


async def submit_many(api: Any, claim: Claim, clock: Any, count: int) -> list[str]:
    """Claims for different patients, one second apart."""
    ids = []
    for index in range(count):
        ids.append((await api.submitted(claim(patient_ref=f"SYNTH-{index}")))["claim_id"])
        clock.advance(seconds=1)
    return ids


class TestOneClaim:
    async def test_a_claim_reads_back_with_lines_findings_and_history(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim(rendering_npi="1245319599")))["claim_id"]
        await reviews.code(claim_id, ("MUE", "warn", 1))
        await reviews.auth(claim_id, "not_required", "not_required")
        stored = await api.claim(claim_id)
        assert stored["claim_number"] == "PCN-0001" and stored["rendering_npi"] == "1245319599"
        assert stored["lines"][0]["modifiers"] == ["25"]
        assert stored["lines"][0]["diagnosis_pointers"] == [1, 2]
        assert stored["findings"] == [
            {
                "source": "code_review",
                "rule": "MUE",
                "severity": "warn",
                "message": "MUE on 1",
                "line": 1,
                "related_claim_id": None,
                "overridden": False,
            }
        ]
        assert [(h["from_status"], h["to_status"]) for h in stored["history"]] == [
            (None, "received"),
            ("received", "pended_review"),
        ]

    async def test_an_unknown_claim_is_a_404(self, api: Any) -> None:
        response = await api.client.get(
            "/v1/claims/00000000-0000-0000-0000-000000000000", headers=api.headers()
        )
        assert response.status_code == 404


class TestPages:
    async def test_pages_walk_every_claim_once_in_order(
        self, api: Any, claim: Claim, clock: Any
    ) -> None:
        ids = await submit_many(api, claim, clock, 7)
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = (await api.client.get("/v1/claims", params=params, headers=api.headers())).json()
            seen += [item["claim_id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ids

    async def test_claims_submitted_together_are_still_paged_exactly(
        self, api: Any, claim: Claim
    ) -> None:
        body = {"claims": [claim(patient_ref=f"SYNTH-{i}") for i in range(9)]}
        await api.client.post("/v1/claims/batch", json=body, headers=api.headers())
        first = (await api.client.get("/v1/claims?limit=4", headers=api.headers())).json()
        rest = (
            await api.client.get(
                f"/v1/claims?limit=10&cursor={first['next_cursor']}", headers=api.headers()
            )
        ).json()
        ids = [i["claim_id"] for i in first["items"] + rest["items"]]
        assert len(ids) == len(set(ids)) == 9 and rest["next_cursor"] is None

    async def test_status_and_since_filter(
        self, api: Any, claim: Claim, clock: Any, line: Any
    ) -> None:
        ids = await submit_many(api, claim, clock, 3)
        late = await api.submitted(
            claim(patient_ref="LATE", lines=[line(charge="150.00", days_ago=900)])
        )
        rejected = (
            await api.client.get("/v1/claims?status=rejected", headers=api.headers())
        ).json()
        assert [i["claim_id"] for i in rejected["items"]] == [late["claim_id"]]
        both = await api.client.get(
            "/v1/claims?status=rejected&status=received&limit=10", headers=api.headers()
        )
        assert len(both.json()["items"]) == 4
        second = await api.claim(ids[1])
        since = await api.client.get(
            "/v1/claims", params={"since": second["submitted_at"]}, headers=api.headers()
        )
        assert [i["claim_id"] for i in since.json()["items"]] == [ids[1], ids[2], late["claim_id"]]

    async def test_another_tenants_claims_are_not_listed(self, api: Any, claim: Claim) -> None:
        await api.submitted(claim())
        page = await api.client.get("/v1/claims", headers=api.headers(api.keys.other_submitter))
        assert page.json() == {"items": [], "next_cursor": None}

    @pytest.mark.parametrize("cursor", ["garbage", "bm90LWpzb24", "WyJ4IiwieSJd"])
    async def test_a_cursor_we_did_not_issue_is_a_422(self, api: Any, cursor: str) -> None:
        response = await api.client.get(f"/v1/claims?cursor={cursor}", headers=api.headers())
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "cursor"]

    async def test_an_unknown_status_is_a_422(self, api: Any) -> None:
        response = await api.client.get("/v1/claims?status=paid", headers=api.headers())
        assert response.status_code == 422


class TestInquiry:
    async def inquire(self, api: Any, body: dict[str, Any], key: str | None = None) -> Any:
        return await api.client.post("/v1/claims/inquiry", json=body, headers=api.headers(key))

    async def test_by_claim_id_answers_the_category_code(
        self, api: Any, claim: Claim, reviews: Any
    ) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        answer = (await self.inquire(api, {"claim_id": claim_id})).json()
        assert [(c["status"], c["category_code"]) for c in answer["claims"]] == [("received", "A1")]
        await reviews.code(claim_id)
        await reviews.auth(claim_id, "missing", "not_required")
        answer = (await self.inquire(api, {"claim_id": claim_id})).json()
        assert answer["claims"][0]["category_code"] == "P3"

    async def test_by_payer_provider_patient_and_date(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        mine = await api.submitted(claim())
        await api.submitted(claim(patient_ref="SOMEONE-ELSE"))
        served = line()["service_date"]
        body = {
            "payer_id": "PAYER-A",
            "billing_npi": "1234567893",
            "patient_ref": "SYNTH-PATIENT-0001",
            "service_date": served,
        }
        answer = (await self.inquire(api, body)).json()
        assert [c["claim_id"] for c in answer["claims"]] == [mine["claim_id"]]
        other_day = body | {"service_date": line(days_ago=5)["service_date"]}
        assert (await self.inquire(api, other_day)).json()["category_code"] == "A4"

    async def test_a_rejected_claim_answers_a7_with_its_rules(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        late = await api.submitted(claim(lines=[line(charge="150.00", days_ago=500)]))
        answer = (await self.inquire(api, {"claim_id": late["claim_id"]})).json()
        assert answer["claims"][0]["category_code"] == "A7"
        assert answer["claims"][0]["rules"] == ["TIMELY_FILING"]

    async def test_another_tenants_claim_is_not_found(self, api: Any, claim: Claim) -> None:
        claim_id = (await api.submitted(claim()))["claim_id"]
        answer = await self.inquire(api, {"claim_id": claim_id}, api.keys.other_submitter)
        assert answer.json() == {
            "category_code": "A4",
            "category": "Acknowledgement/Not Found",
            "claims": [],
        }

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"payer_id": "PAYER-A"},
            {"claim_id": "00000000-0000-0000-0000-000000000000", "payer_id": "X"},
        ],
        ids=["nothing", "partial", "both"],
    )
    async def test_an_inquiry_must_name_a_claim_one_way(
        self, api: Any, body: dict[str, Any]
    ) -> None:
        assert (await self.inquire(api, body)).status_code == 422


class TestGauge:
    async def test_the_gauge_counts_claims_per_status(
        self, api: Any, claim: Claim, line: Any, settings: ClaimsSettings
    ) -> None:
        await api.submitted(claim())
        await api.submitted(claim(patient_ref="LATE", lines=[line(charge="150.00", days_ago=900)]))
        runtime = build_runtime(DEFINITION, settings)
        try:
            counter = StatusCounter(runtime)
            assert await counter.refresh() == 2
        finally:
            await runtime.close()
        values = {dict(labels)["status"]: value for labels, value in counter.store.values.items()}
        assert values["received"] == 1 and values["rejected"] == 1 and values["voided"] == 0

"""The intake edits: dates in the future, timely filing (per payer), duplicate claims, and
voids and replacements acting on the original they name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

Claim = Callable[..., dict[str, Any]]


def rules(answer: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in answer["findings"]]


class TestDates:
    async def test_a_date_of_service_in_the_future_rejects_the_claim(
        self, api: Any, claim: Claim, line: Any, sql: Any
    ) -> None:
        answer = await api.submitted(claim(lines=[line(charge="150.00", days_ago=-2)]))
        assert answer["status"] == "rejected"
        assert rules(answer) == ["DATE_IN_FUTURE"]
        stored = await api.claim(answer["claim_id"])
        assert [h["to_status"] for h in stored["history"]] == ["received", "rejected"]
        assert stored["history"][1]["actor"] == "system:intake"
        submitted = await sql(
            "SELECT count(*) AS n FROM outbox WHERE event_type = 'claims.claim.submitted.v1'"
        )
        assert submitted[0].n == 0

    async def test_today_is_not_in_the_future(self, api: Any, claim: Claim, line: Any) -> None:
        answer = await api.submitted(claim(lines=[line(charge="150.00", days_ago=0)]))
        assert answer["status"] == "received"

    async def test_every_late_line_is_a_finding(self, api: Any, claim: Claim, line: Any) -> None:
        lines = [line(charge="50.00", days_ago=366), line(charge="100.00", days_ago=370)]
        answer = await api.submitted(claim(lines=lines))
        assert answer["status"] == "rejected"
        assert rules(answer) == ["TIMELY_FILING", "TIMELY_FILING"]
        assert [f["line"] for f in answer["findings"]] == [1, 2]

    async def test_the_default_limit_is_365_days(self, api: Any, claim: Claim, line: Any) -> None:
        answer = await api.submitted(claim(lines=[line(charge="150.00", days_ago=365)]))
        assert answer["status"] == "received"

    async def test_a_range_counts_from_its_last_day(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        span = line(charge="150.00", days_ago=400)
        span["service_date_to"] = line(days_ago=300)["service_date"]
        answer = await api.submitted(claim(lines=[span]))
        assert answer["status"] == "received"


class TestPayerPolicies:
    async def test_an_admin_sets_a_payers_limit_and_intake_uses_it(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        put = await api.client.put(
            "/v1/payers/PAYER-A",
            json={"timely_filing_days": 90},
            headers=api.headers(api.keys.admin),
        )
        assert put.status_code == 200
        assert put.json()["updated_by"].startswith("key:")
        late = await api.submitted(claim(lines=[line(charge="150.00", days_ago=91)]))
        assert late.get("status") == "rejected" and rules(late) == ["TIMELY_FILING"]
        other = await api.submitted(
            claim(payer_id="PAYER-B", lines=[line(charge="150.00", days_ago=91)])
        )
        assert other["status"] == "received"

    async def test_policies_are_listed_and_read_back(self, api: Any) -> None:
        admin = api.headers(api.keys.admin)
        for payer, days in (("PAYER-B", 180), ("PAYER-A", 90), ("PAYER-C", 730)):
            await api.client.put(
                f"/v1/payers/{payer}", json={"timely_filing_days": days}, headers=admin
            )
        first = (await api.client.get("/v1/payers?limit=2", headers=admin)).json()
        assert [p["payer_id"] for p in first["items"]] == ["PAYER-A", "PAYER-B"]
        rest = await api.client.get(f"/v1/payers?after={first['next_after']}", headers=admin)
        assert [p["payer_id"] for p in rest.json()["items"]] == ["PAYER-C"]
        one = await api.client.get("/v1/payers/PAYER-C", headers=admin)
        assert one.json()["timely_filing_days"] == 730
        missing = await api.client.get("/v1/payers/NOPE", headers=admin)
        assert missing.status_code == 404

    @pytest.mark.parametrize("days", [0, 5000])
    async def test_an_unreasonable_limit_is_a_422(self, api: Any, days: int) -> None:
        response = await api.client.put(
            "/v1/payers/PAYER-A",
            json={"timely_filing_days": days},
            headers=api.headers(api.keys.admin),
        )
        assert response.status_code == 422

    async def test_only_admins_manage_policies(self, api: Any) -> None:
        for key in (api.keys.submitter, api.keys.ops):
            response = await api.client.put(
                "/v1/payers/PAYER-A", json={"timely_filing_days": 30}, headers=api.headers(key)
            )
            assert response.status_code == 403


class TestDuplicates:
    async def test_the_same_service_billed_again_is_rejected_as_a_duplicate(
        self, api: Any, claim: Claim
    ) -> None:
        first = await api.submitted(claim())
        again = await api.submitted(claim(claim_number="PCN-0002"))
        assert again["status"] == "rejected"
        assert set(rules(again)) == {"DUPLICATE_CLAIM"}
        assert {f["related_claim_id"] for f in again["findings"]} == {first["claim_id"]}

    @pytest.mark.parametrize(
        "change",
        [
            {"patient_ref": "SYNTH-PATIENT-0002"},
            {"billing_npi": "1245319599"},
            {"payer_id": "PAYER-B"},
        ],
        ids=["patient", "provider", "payer"],
    )
    async def test_another_patient_provider_or_payer_is_not_a_duplicate(
        self, api: Any, claim: Claim, change: dict[str, Any]
    ) -> None:
        await api.submitted(claim())
        assert (await api.submitted(claim(**change)))["status"] == "received"

    @pytest.mark.parametrize(
        "line_change",
        [{"days_ago": 31}, {"code": "99214"}, {"charge": "150.01"}],
        ids=["date", "code", "charge"],
    )
    async def test_another_date_code_or_charge_is_not_a_duplicate(
        self, api: Any, claim: Claim, line: Any, line_change: dict[str, Any]
    ) -> None:
        await api.submitted(claim(lines=[line(charge="150.00")], diagnosis_codes=["J101"]))
        changed = line(**({"charge": "150.00"} | line_change))
        answer = await api.submitted(
            claim(lines=[changed], total_charge=changed["charge"], diagnosis_codes=["J101"])
        )
        assert answer["status"] == "received"

    async def test_a_rejected_claim_does_not_block_its_corrected_resubmission(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        first = await api.submitted(claim())
        await sql("UPDATE claims SET status = 'rejected' WHERE id = :i", i=first["claim_id"])
        await sql("DELETE FROM claim_fingerprints WHERE claim_id = :i", i=first["claim_id"])
        assert (await api.submitted(claim()))["status"] == "received"

    async def test_duplicates_inside_one_batch_keep_the_first(self, api: Any, claim: Claim) -> None:
        response = await api.client.post(
            "/v1/claims/batch", json={"claims": [claim(), claim()]}, headers=api.headers()
        )
        statuses = [item["claim"]["status"] for item in response.json()["items"]]
        assert statuses == ["received", "rejected"]

    async def test_duplicates_racing_in_two_requests_let_one_through(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        answers = await asyncio.gather(*(api.submitted(claim()) for _ in range(6)))
        assert sorted(a["status"] for a in answers) == ["received"] + ["rejected"] * 5
        held = await sql("SELECT DISTINCT claim_id FROM claim_fingerprints")
        assert [str(r.claim_id) for r in held] == [
            a["claim_id"] for a in answers if a["status"] == "received"
        ]


class TestVoidsAndReplacements:
    async def test_a_void_voids_the_original_named_by_claim_id(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        original = await api.submitted(claim())
        void = await api.submitted(claim(frequency="8", original_claim_ref=original["claim_id"]))
        assert void["status"] == "received"
        stored = await api.claim(original["claim_id"])
        assert stored["status"] == "voided"
        assert stored["history"][-1]["reason"] == f"voided by claim {void['claim_id']}"
        [event] = await sql(
            "SELECT payload FROM outbox WHERE key = :k AND event_type = :t",
            k=void["claim_id"],
            t="claims.claim.submitted.v1",
        )
        assert b'"frequency":"8"' in event.payload
        assert f'"original_claim_id":"{original["claim_id"]}"'.encode() in event.payload

    async def test_a_replacement_supersedes_the_original_named_by_claim_number(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        original = await api.submitted(claim())
        corrected = claim(
            frequency="7",
            original_claim_ref="PCN-0001",
            lines=[line(charge="150.00", code="99214")],
            diagnosis_codes=["J101"],
        )
        replacement = await api.submitted(corrected)
        assert replacement["status"] == "received"
        assert (await api.claim(original["claim_id"]))["status"] == "replaced"
        stored = await api.claim(replacement["claim_id"])
        assert stored["original_claim_id"] == original["claim_id"]

    async def test_a_replacement_with_the_same_lines_is_not_its_own_duplicate(
        self, api: Any, claim: Claim
    ) -> None:
        original = await api.submitted(claim())
        same = await api.submitted(claim(frequency="7", original_claim_ref=original["claim_id"]))
        assert same["status"] == "received"

    async def test_an_unknown_original_rejects_the_void(self, api: Any, claim: Claim) -> None:
        void = await api.submitted(claim(frequency="8", original_claim_ref="NO-SUCH-PCN"))
        assert void["status"] == "rejected" and rules(void) == ["ORIGINAL_NOT_FOUND"]

    async def test_a_voided_original_cannot_be_voided_again(self, api: Any, claim: Claim) -> None:
        original = await api.submitted(claim())
        ref = original["claim_id"]
        await api.submitted(claim(frequency="8", original_claim_ref=ref))
        again = await api.submitted(claim(frequency="8", original_claim_ref=ref))
        assert again["status"] == "rejected" and rules(again) == ["ORIGINAL_NOT_ACTIVE"]

    async def test_another_tenants_claim_cannot_be_voided(self, api: Any, claim: Claim) -> None:
        theirs = await api.submitted(claim(), key=api.keys.other_submitter)
        void = await api.submitted(claim(frequency="8", original_claim_ref=theirs["claim_id"]))
        assert rules(void) == ["ORIGINAL_NOT_FOUND"]
        other = await api.claim(theirs["claim_id"], key=api.keys.other_submitter)
        assert other["status"] == "received"

    async def test_a_late_void_leaves_the_original_alone(
        self, api: Any, claim: Claim, line: Any, clock: Any
    ) -> None:
        original = await api.submitted(claim())
        clock.advance(days=400)
        void = await api.submitted(claim(frequency="8", original_claim_ref=original["claim_id"]))
        assert rules(void) == ["TIMELY_FILING", "TIMELY_FILING"]
        assert (await api.claim(original["claim_id"]))["status"] == "received"

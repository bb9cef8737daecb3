"""Idempotency-Key: same key and body replay the answer, another body is a 422, keys belong to
a tenant, and requests racing with one key make one claim (on real PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

Claim = Callable[..., dict[str, Any]]


async def count(sql: Any, table: str = "claims") -> int:
    rows = await sql(f"SELECT count(*) AS n FROM {table}")
    return int(rows[0].n)


class TestSingleClaim:
    async def test_the_same_key_and_body_get_the_same_answer_and_one_claim(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        first = await api.submit(claim(), idempotency="key-1")
        second = await api.submit(claim(), idempotency="key-1")
        assert (first.status_code, second.status_code) == (202, 202)
        assert second.content == first.content
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert await count(sql) == 1
        assert await count(sql, "outbox WHERE event_type = 'claims.claim.submitted.v1'") == 1

    async def test_key_order_and_spacing_do_not_make_another_body(
        self, api: Any, claim: Claim
    ) -> None:
        document = claim()
        first = await api.submit(document, idempotency="key-order")
        reordered = dict(reversed(list(document.items())))
        second = await api.submit(reordered, idempotency="key-order")
        assert second.json()["claim_id"] == first.json()["claim_id"]

    async def test_the_same_key_with_another_body_is_a_422_and_stores_nothing_new(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        await api.submit(claim(), idempotency="key-2")
        response = await api.submit(claim(patient_ref="SYNTH-OTHER"), idempotency="key-2")
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
        assert await count(sql) == 1

    async def test_keys_are_scoped_to_the_tenant(self, api: Any, claim: Claim, sql: Any) -> None:
        mine = await api.submit(claim(), idempotency="shared-key")
        theirs = await api.submit(claim(), idempotency="shared-key", key=api.keys.other_submitter)
        assert theirs.status_code == 202
        assert theirs.json()["claim_id"] != mine.json()["claim_id"]
        assert await count(sql) == 2

    async def test_a_key_used_on_the_batch_endpoint_is_another_request(
        self, api: Any, claim: Claim
    ) -> None:
        await api.submit(claim(), idempotency="key-3")
        response = await api.client.post(
            "/v1/claims/batch",
            json={"claims": [claim()]},
            headers=api.headers(**{"Idempotency-Key": "key-3"}),
        )
        assert response.status_code == 422

    async def test_a_rejected_claim_answer_is_replayed_too(
        self, api: Any, claim: Claim, line: Any, sql: Any
    ) -> None:
        late = claim(lines=[line(charge="150.00", days_ago=400)])
        first = await api.submit(late, idempotency="key-late")
        second = await api.submit(late, idempotency="key-late")
        assert first.json()["status"] == "rejected"
        assert second.json() == first.json()
        assert await count(sql) == 1

    async def test_a_refused_request_does_not_use_up_the_key(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        bad = await api.submit(claim(total_charge="1.00"), idempotency="key-4")
        assert bad.status_code == 422
        good = await api.submit(claim(), idempotency="key-4")
        assert good.status_code == 202
        assert await count(sql) == 1

    async def test_a_malformed_key_is_a_422(self, api: Any, claim: Claim) -> None:
        response = await api.submit(claim(), idempotency="x" * 256)
        assert response.status_code == 422


class TestRaces:
    async def test_requests_racing_with_one_key_make_one_claim(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        responses = await asyncio.gather(
            *(api.submit(claim(), idempotency="race-key") for _ in range(8))
        )
        assert [r.status_code for r in responses] == [202] * 8
        assert len({r.json()["claim_id"] for r in responses}) == 1
        assert sum(1 for r in responses if "idempotent-replayed" in r.headers) == 7
        assert await count(sql) == 1
        assert await count(sql, "idempotency_keys") == 1

    async def test_batches_racing_with_one_key_make_one_set_of_claims(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        body = {"claims": [claim(patient_ref=f"SYNTH-{i}") for i in range(20)]}

        async def send() -> Any:
            return await api.client.post(
                "/v1/claims/batch", json=body, headers=api.headers(**{"Idempotency-Key": "b"})
            )

        responses = await asyncio.gather(*(send() for _ in range(4)))
        assert {r.status_code for r in responses} == {202}
        assert len({r.content for r in responses}) == 1
        assert await count(sql) == 20

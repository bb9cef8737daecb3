"""JSON intake: a claim is durable with its event when the 202 goes out; bad input is a 422
naming the field; a batch answers per claim; bodies past the limit are a 413."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from claims.settings import ClaimsSettings

Claim = Callable[..., dict[str, Any]]


class TestOneClaim:
    async def test_a_claim_is_stored_with_lines_history_and_one_submitted_event(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        answer = await api.submitted(claim())
        assert answer["status"] == "received"
        assert answer["status_url"] == f"/v1/claims/{answer['claim_id']}"
        stored = await api.claim(answer["claim_id"])
        assert stored["total_charge"] == "150.00"
        assert stored["diagnosis_codes"] == ["J101", "R509"]
        assert [line["code"] for line in stored["lines"]] == ["99213", "G0008"]
        assert [h["to_status"] for h in stored["history"]] == ["received"]
        events = await sql(
            "SELECT event_type FROM outbox WHERE key = :k ORDER BY id", k=answer["claim_id"]
        )
        assert [e.event_type for e in events] == [
            "claims.claim.status_changed.v1",
            "claims.claim.submitted.v1",
        ]

    async def test_the_submitted_event_carries_codes_and_references_but_no_identity(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        answer = await api.submitted(claim(rendering_npi="1245319599", prior_auth_number="PA-1"))
        [row] = await sql(
            "SELECT payload FROM outbox WHERE key = :k AND event_type = :t",
            k=answer["claim_id"],
            t="claims.claim.submitted.v1",
        )
        payload = row.payload.decode()
        event = json.loads(payload)
        assert event["patient_ref"] == "SYNTH-PATIENT-0001"
        assert event["frequency"] == "1" and event["intake_format"] == "json"
        assert event["lines"][0]["rendering_npi"] == "1245319599"
        assert event["lines"][0]["prior_auth_number"] == "PA-1"
        for identity in ("SYNTH-MEMBER-01", "Synthetic", "1980-01-15", "PCN-0001"):
            assert identity not in payload

    async def test_lines_demographics_and_history_go_in_one_statement_with_exact_values(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        document = claim()
        document["lines"][0].update(units=2.5, charge="125.07", rendering_npi="1245319599")
        document["total_charge"] = "150.07"
        statements: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        event.listen(Engine, "before_cursor_execute", note)
        try:
            answer = await api.submitted(document)
        finally:
            event.remove(Engine, "before_cursor_execute", note)
        parts = ("claim_lines", "claim_demographics", "claim_transitions")
        assert len([s for s in statements if any(part in s for part in parts)]) == 1
        lines = await sql(
            "SELECT line_number, code, modifiers, units, charge, service_from, service_to,"
            " diagnosis_pointers, rendering_npi, place_of_service FROM claim_lines"
            " WHERE claim_id = :c ORDER BY line_number",
            c=answer["claim_id"],
        )
        day = date.fromisoformat(document["lines"][0]["service_date"])
        assert [tuple(line) for line in lines] == [
            (
                1,
                "99213",
                ["25"],
                Decimal("2.500"),
                Decimal("125.07"),
                day,
                day,
                [1, 2],
                "1245319599",
                None,
            ),
            (2, "G0008", [], Decimal("1.000"), Decimal("25.00"), day, day, [1], None, None),
        ]
        [demographics] = await sql(
            "SELECT subscriber, patient FROM claim_demographics WHERE claim_id = :c",
            c=answer["claim_id"],
        )
        assert demographics.subscriber["birth_date"] == "1980-01-15"
        [history] = await sql(
            "SELECT from_status, to_status, actor FROM claim_transitions WHERE claim_id = :c",
            c=answer["claim_id"],
        )
        assert (history.from_status, history.to_status) == (None, "received")

    async def test_demographics_are_kept_apart_from_the_claim(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        answer = await api.submitted(claim())
        [row] = await sql(
            "SELECT member_id, subscriber FROM claim_demographics WHERE claim_id = :c",
            c=answer["claim_id"],
        )
        assert row.member_id == "SYNTH-MEMBER-01"
        assert row.subscriber["birth_date"] == "1980-01-15"
        stored = await api.claim(answer["claim_id"])
        assert "SYNTH-MEMBER-01" not in json.dumps(stored)


class TestValidation:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"billing_npi": "1234567890"}, "billing_npi"),
            ({"billing_npi": "12345"}, "billing_npi"),
            ({"total_charge": "99.00"}, "total_charge"),
            ({"diagnosis_codes": []}, "diagnosis_codes"),
            ({"diagnosis_codes": [f"J10{i}" for i in range(13)]}, "diagnosis_codes"),
            ({"diagnosis_codes": ["123"]}, "diagnosis_codes"),
            ({"place_of_service": "1"}, "place_of_service"),
            ({"frequency": "7"}, "original_claim_ref"),
            ({"frequency": "1", "original_claim_ref": "X"}, "original_claim_ref"),
            ({"frequency": "5"}, "frequency"),
            ({"payer_id": ""}, "payer_id"),
            ({"unexpected": 1}, "unexpected"),
        ],
    )
    async def test_a_bad_claim_field_is_a_422_naming_it_and_stores_nothing(
        self, api: Any, claim: Claim, sql: Any, change: dict[str, Any], field: str
    ) -> None:
        response = await api.submit(claim(**change))
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        paths = [".".join(str(p) for p in e["loc"]) for e in response.json()["errors"]]
        assert any(field in path for path in paths), paths
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 0

    @pytest.mark.parametrize(
        ("line_change", "field"),
        [
            ({"code": "9921"}, "code"),
            ({"code": "ABCDE"}, "code"),
            ({"modifiers": ["25", "59", "76", "77", "91"]}, "modifiers"),
            ({"modifiers": ["2"]}, "modifiers"),
            ({"units": 0}, "units"),
            ({"charge": "-1.00"}, "charge"),
            ({"diagnosis_pointers": [1, 2, 1, 2, 1]}, "diagnosis_pointers"),
            ({"diagnosis_pointers": [13]}, "diagnosis_pointers"),
            ({"service_date_to": "2020-01-01"}, "service_date_to"),
            ({"rendering_npi": "1234567890"}, "rendering_npi"),
        ],
    )
    async def test_a_bad_line_field_is_a_422_with_the_line_path(
        self, api: Any, claim: Claim, line: Any, line_change: dict[str, Any], field: str
    ) -> None:
        document = claim(lines=[line(**({"charge": "150.00"} | line_change))])
        response = await api.submit(document)
        assert response.status_code == 422
        paths = [".".join(str(p) for p in e["loc"]) for e in response.json()["errors"]]
        assert any(path.startswith("body.lines.0") and field in path for path in paths), paths

    async def test_a_pointer_past_the_diagnoses_names_the_line(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        document = claim(
            diagnosis_codes=["J101"], lines=[line(charge="150.00", diagnosis_pointers=[2])]
        )
        response = await api.submit(document)
        assert response.status_code == 422
        assert "line 1 points at diagnosis 2" in response.text

    async def test_fifty_lines_are_taken_and_fifty_one_are_refused(
        self, api: Any, claim: Claim, line: Any
    ) -> None:
        fifty = [line(charge="1.00", code=f"{99200 + i}") for i in range(50)]
        assert (await api.submit(claim(lines=fifty, total_charge="50.00"))).status_code == 202
        fifty_one = fifty + [line(charge="1.00", code="99299")]
        response = await api.submit(claim(lines=fifty_one, total_charge="51.00"))
        assert response.status_code == 422
        assert "lines" in response.text

    async def test_malformed_json_is_a_422(self, api: Any) -> None:
        response = await api.client.post(
            "/v1/claims",
            content=b'{"payer_id": ',
            headers=api.headers(**{"content-type": "application/json"}),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["type"] == "json_invalid"

    async def test_a_body_over_the_json_limit_is_a_413_and_stores_nothing(
        self, api: Any, claim: Claim, settings: ClaimsSettings, sql: Any
    ) -> None:
        padding = "x" * (settings.json_max_body_bytes + 10)
        response = await api.client.post(
            "/v1/claims",
            content=json.dumps(claim(payer_id=padding)).encode(),
            headers=api.headers(**{"content-type": "application/json"}),
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 0

    async def test_a_streamed_body_without_length_over_the_limit_is_a_413(
        self, api: Any, settings: ClaimsSettings
    ) -> None:
        async def body() -> Any:
            for _ in range(settings.json_max_body_bytes // 65536 + 2):
                yield b" " * 65536

        response = await api.client.post(
            "/v1/claims",
            content=body(),
            headers=api.headers(**{"content-type": "application/json"}),
        )
        assert response.status_code == 413


class TestBatch:
    async def test_each_claim_is_stored_or_refused_on_its_own(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        documents = [
            claim(patient_ref="SYNTH-A"),
            claim(patient_ref="SYNTH-B", billing_npi="1234567890"),
            claim(patient_ref="SYNTH-C"),
        ]
        response = await api.client.post(
            "/v1/claims/batch", json={"claims": documents}, headers=api.headers()
        )
        assert response.status_code == 202
        body = response.json()
        assert (body["stored"], body["refused"]) == (2, 1)
        assert [item["index"] for item in body["items"]] == [0, 1, 2]
        assert body["items"][0]["claim"]["status"] == "received"
        assert body["items"][1]["claim"] is None
        assert body["items"][1]["errors"][0]["loc"][:4] == ["body", "claims", 1, "billing_npi"]
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 2

    async def test_more_than_a_thousand_claims_are_refused_whole(
        self, api: Any, claim: Claim, sql: Any
    ) -> None:
        response = await api.client.post(
            "/v1/claims/batch", json={"claims": [claim()] * 1001}, headers=api.headers()
        )
        assert response.status_code == 422
        assert "at most 1000" in response.text
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 0

    async def test_an_empty_or_shapeless_batch_is_a_422(self, api: Any) -> None:
        for body in ({"claims": []}, {"claims": {}}, {"claim": []}):
            response = await api.client.post("/v1/claims/batch", json=body, headers=api.headers())
            assert response.status_code == 422, body


class TestRoles:
    async def test_only_submitters_send_claims(self, api: Any, claim: Claim) -> None:
        for key in (api.keys.ops, api.keys.payer):
            assert (await api.submit(claim(), key=key)).status_code == 403

    async def test_another_tenants_claim_is_not_found(self, api: Any, claim: Claim) -> None:
        answer = await api.submitted(claim())
        response = await api.client.get(
            f"/v1/claims/{answer['claim_id']}", headers=api.headers(api.keys.other_submitter)
        )
        assert response.status_code == 404

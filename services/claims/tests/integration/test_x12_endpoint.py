"""X12 intake edge cases through the endpoint: delimiters, several sets and groups, bad counts,
truncation, a 10 MB file, garbage, repeats, voids, answer shapes and limits."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from claimflow_shared.http.app import build_app
from claimflow_shared.x12.p837 import synthetic
from claims.definition import DEFINITION
from claims.settings import ClaimsSettings

SERVED = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
Segment = list[Any]


def segments(reply: str) -> list[list[str]]:
    """A reply interchange split with the delimiters its own ISA declares."""
    element, terminator = reply[3], reply[105]
    return [s.strip().split(element) for s in reply.split(terminator) if s.strip()]


def claims_set(first: int, count: int = 2, *, reference: str = "0001") -> list[Segment]:
    """A transaction set body of ``count`` valid synthetic claims."""
    return synthetic.body(count, lines=2, first=first, reference=reference)


def with_bad_rendering_npi(body: list[Segment], claim_id: str) -> list[Segment]:
    """The body with one claim's rendering provider NPI failing its check digit."""
    changed, inside = [], False
    for segment in body:
        if segment[0] == "CLM":
            inside = segment[1] == claim_id
        if inside and segment[:2] == ["NM1", "82"]:
            segment = [*segment[:-1], "1234567890"]
        changed.append(segment)
    return changed


def as_void(body: list[Segment], original: str) -> list[Segment]:
    """The body with its claims turned into voids (CLM05-3 = 8) of ``original``."""
    changed: list[Segment] = []
    for segment in body:
        if segment[0] == "CLM":
            segment = [*segment[:5], ("11", "B", "8"), *segment[6:]]
            changed.append(segment)
            changed.append(["REF", "F8", original])
            continue
        changed.append(segment)
    return changed


@pytest.fixture(autouse=True)
def served_recently(clock: Any) -> None:
    """The synthetic claims are served 2024-01-15: file them two weeks later."""
    clock.now = SERVED


class TestReading:
    @pytest.mark.parametrize(
        "style",
        [
            synthetic.Style(
                element="|", component=">", repetition="{", segment="~", line_break="\n"
            ),
            synthetic.Style(
                element="^", component="\\", repetition="!", segment="'", line_break="\r\n"
            ),
        ],
        ids=["pipe-gt-newline", "caret-backslash-quote-crlf"],
    )
    async def test_custom_delimiters_are_read_and_answered_in_kind(
        self, api: Any, style: synthetic.Style
    ) -> None:
        data = synthetic.interchange([[claims_set(0)]], style)
        answer = (await api.x12(data)).json()
        assert [c["accepted"] for c in answer["claims"]] == [True, True]
        assert answer["ack999"][3] == style.element
        assert ["IK5", "A"] in segments(answer["ack999"])

    async def test_several_sets_and_groups_all_come_in(self, api: Any, sql: Any) -> None:
        data = synthetic.interchange(
            [[claims_set(0), claims_set(2)], [claims_set(4, 3)]], control=7
        )
        answer = (await api.x12(data)).json()
        assert len(answer["claims"]) == 7 and all(c["accepted"] for c in answer["claims"])
        assert {c["transaction_set"] for c in answer["claims"]} == {"1001", "1002", "2001"}
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 7
        assert [s[1] for s in segments(answer["ack999"]) if s[0] == "AK9"] == ["A", "A"]

    async def test_a_set_with_a_wrong_count_is_rejected_and_the_others_come_in(
        self, api: Any, sql: Any
    ) -> None:
        text = synthetic.interchange([[claims_set(0), claims_set(2)]]).decode()
        text = text.replace("~SE*", "~SE*9", 1)
        answer = (await api.x12(text.encode())).json()
        assert [c["accepted"] for c in answer["claims"]] == [False, False, True, True]
        ik5 = [s for s in segments(answer["ack999"]) if s[0] == "IK5"]
        assert ik5 == [["IK5", "R", "4"], ["IK5", "A"]]
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 2

    async def test_a_truncated_file_keeps_the_sets_it_completed(self, api: Any) -> None:
        text = synthetic.interchange([[claims_set(0), claims_set(2)]]).decode()
        cut = text[: text.rindex("LX*2")]
        answer = (await api.x12(cut.encode())).json()
        assert [c["accepted"] for c in answer["claims"]][:2] == [True, True]
        assert not any(c["accepted"] for c in answer["claims"][2:])
        assert ["IK5", "R", "2"] in segments(answer["ack999"])

    async def test_a_partly_bad_set_takes_the_good_claims_and_rejects_the_bad_one(
        self, api: Any, sql: Any
    ) -> None:
        body = with_bad_rendering_npi(claims_set(0, 3), "CLM00000001")
        answer = (await api.x12(synthetic.interchange([[body]]))).json()
        verdicts = {c["claim_number"]: c["accepted"] for c in answer["claims"]}
        assert verdicts == {"CLM00000000": True, "CLM00000001": False, "CLM00000002": True}
        rejected = next(c for c in answer["claims"] if not c["accepted"])
        assert any("check digit" in e for e in rejected["errors"])
        statuses = [s[1] for s in segments(answer["ack277ca"]) if s[0] == "STC"]
        assert sum(1 for s in statuses if s.startswith("A7")) == 1
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 2

    @pytest.mark.parametrize(
        "garbage",
        [os.urandom(4096), b"\x00" * 200, b"\xff\xfe" + "ISA".encode("utf-16-le") * 50, b""],
        ids=["random", "zeros", "utf16", "empty"],
    )
    async def test_binary_garbage_is_a_400(self, api: Any, garbage: bytes) -> None:
        response = await api.x12(garbage)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"

    async def test_a_ten_megabyte_file_streams_in(self, api: Any, sql: Any) -> None:
        claims = 6000
        data = synthetic.interchange(
            [[synthetic.body(500, lines=25, first=i) for i in range(0, claims, 500)]]
        )
        assert len(data) >= 10 * 1024 * 1024, len(data)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(data), 1 << 20):
                yield data[start : start + (1 << 20)]

        response = await api.client.post(
            "/v1/x12/837",
            content=chunks(),
            headers=api.headers(**{"content-type": "text/plain"}),
            timeout=600,
        )
        assert response.status_code == 200
        answer = response.json()
        assert len(answer["claims"]) == claims
        assert all(c["accepted"] and c["status"] == "received" for c in answer["claims"])
        assert (await sql("SELECT count(*) AS n FROM claim_lines"))[0].n == claims * 25


class TestRepeats:
    async def test_the_same_interchange_twice_makes_no_new_claims(self, api: Any, sql: Any) -> None:
        data = synthetic.interchange([[claims_set(0)]])
        first = (await api.x12(data)).json()
        second = (await api.x12(data)).json()
        assert [c["claim_id"] for c in second["claims"]] == [c["claim_id"] for c in first["claims"]]
        assert all(c["repeated"] for c in second["claims"])
        assert not any(c["repeated"] for c in first["claims"])
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 2
        events = await sql("SELECT count(*) AS n FROM outbox WHERE event_type LIKE '%submitted%'")
        assert events[0].n == 2

    async def test_the_same_interchange_racing_itself_makes_one_set_of_claims(
        self, api: Any, sql: Any
    ) -> None:
        data = synthetic.interchange([[claims_set(0, 5)]])
        answers = await asyncio.gather(*(api.x12(data) for _ in range(4)))
        assert [r.status_code for r in answers] == [200] * 4
        ids = {tuple(c["claim_id"] for c in r.json()["claims"]) for r in answers}
        assert len(ids) == 1
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 5

    async def test_another_tenant_sending_the_same_interchange_gets_its_own_claims(
        self, api: Any, sql: Any
    ) -> None:
        data = synthetic.interchange([[claims_set(0)]])
        await api.x12(data)
        await api.x12(data, key=api.keys.other_submitter)
        rows = await sql("SELECT tenant_id, count(*) AS n FROM claims GROUP BY 1 ORDER BY 1")
        assert [(r.tenant_id, r.n) for r in rows] == [("tenant-a", 2), ("tenant-b", 2)]

    async def test_a_repeated_claim_number_in_one_set_is_two_claims(self, api: Any) -> None:
        body = claims_set(0, 2)
        for segment in body:
            if segment[0] == "CLM":
                segment[1] = "SAMEPCN"
        answer = (await api.x12(synthetic.interchange([[body]]))).json()
        assert len({c["claim_id"] for c in answer["claims"]}) == 2


class TestClaimsFromX12:
    async def test_the_patient_reference_is_derived_and_matches_the_lookup_endpoint(
        self, api: Any, sql: Any
    ) -> None:
        answer = (await api.x12(synthetic.interchange([[claims_set(0, 1)]]))).json()
        stored = await api.claim(answer["claims"][0]["claim_id"])
        lookup = await api.client.post(
            "/v1/patient-refs",
            json={"payer_id": "ACME01", "member_id": "MEM000000000"},
            headers=api.headers(),
        )
        assert stored["patient_ref"] == lookup.json()["patient_ref"]
        assert stored["patient_ref"].startswith("pr_")
        [event] = await sql(
            "SELECT payload FROM outbox WHERE event_type = 'claims.claim.submitted.v1'"
        )
        payload = event.payload.decode()
        assert json.loads(payload)["intake_format"] == "x12"
        for identity in ("MEM000000000", "PATIENT0", "19800115", "ELM ST"):
            assert identity not in payload

    async def test_a_void_in_x12_voids_the_original_it_names(self, api: Any) -> None:
        first = (await api.x12(synthetic.interchange([[claims_set(0, 1)]], control=1))).json()
        original = first["claims"][0]["claim_id"]
        void = as_void(claims_set(0, 1, reference="0002"), original)
        answer = (await api.x12(synthetic.interchange([[void]], control=2))).json()
        assert answer["claims"][0]["accepted"], answer["claims"][0]["errors"]
        assert (await api.claim(original))["status"] == "voided"
        voiding = await api.claim(answer["claims"][0]["claim_id"])
        assert voiding["frequency"] == "8" and voiding["original_claim_id"] == original


class TestAnswerShapes:
    async def test_edi_accept_gets_the_raw_999_and_the_submission_keeps_the_277ca(
        self, api: Any
    ) -> None:
        response = await api.x12(
            synthetic.interchange([[claims_set(0)]]), accept="application/edi-x12"
        )
        assert response.headers["content-type"].startswith("application/edi-x12")
        assert response.text.startswith("ISA") and "999" in response.text
        kept = await api.client.get(
            f"/v1/x12/submissions/{response.headers['x12-submission']}", headers=api.headers()
        )
        assert kept.json()["ack999"] == response.text
        assert kept.json()["ack277ca"].startswith("ISA")
        other = await api.client.get(
            f"/v1/x12/submissions/{response.headers['x12-submission']}",
            headers=api.headers(api.keys.other_submitter),
        )
        assert other.status_code == 404

    async def test_multipart_accept_gets_both_acknowledgments_as_parts(self, api: Any) -> None:
        response = await api.x12(synthetic.interchange([[claims_set(0)]]), accept="multipart/mixed")
        media_type, _, boundary = response.headers["content-type"].partition("; boundary=")
        assert media_type == "multipart/mixed"
        parts = [p for p in response.text.split(f"--{boundary}") if p.strip() not in ("", "--")]
        assert len(parts) == 2
        assert all("Content-Type: application/edi-x12" in p for p in parts)
        assert "*999*" in parts[0] and "*277*" in parts[1]

    async def test_a_json_body_is_a_415(self, api: Any) -> None:
        response = await api.client.post("/v1/x12/837", json={"isa": "no"}, headers=api.headers())
        assert response.status_code == 415

    async def test_past_the_body_limit_is_a_413_while_streaming(
        self, settings: ClaimsSettings, api: Any, sql: Any
    ) -> None:
        small = settings.model_copy(update={"max_body_bytes": 256 * 1024})
        app = build_app(DEFINITION, small)
        data = synthetic.interchange([[claims_set(0, 1000)]])
        assert len(data) > small.max_body_bytes

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(data), 65536):
                yield data[start : start + 65536]

        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://c") as client:
                response = await client.post(
                    "/v1/x12/837",
                    content=chunks(),
                    headers=api.headers(**{"content-type": "application/edi-x12"}),
                )
        assert response.status_code == 413
        assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 0

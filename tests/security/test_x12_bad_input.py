"""Malformed 837P interchanges get a 999 rejection (or a 400 when there is no ISA to answer),
never a 5xx, and the service goes on taking good interchanges afterwards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from claimflow_shared.auth.keys import Role
from tests.security.conftest import issue
from tests.security.x12_corpus import FLAGGED, NOT_X12, REJECTED, corpus, valid

EDI = "application/edi-x12"


def segments(interchange: str) -> list[list[str]]:
    """An interchange split by the delimiters its own ISA declares."""
    element, terminator = interchange[3], interchange[105]
    return [s.strip().split(element) for s in interchange.split(terminator) if s.strip()]


def reported_errors(answer: dict[str, Any]) -> list[str]:
    """The errors the 999 and its TA1 report: TA1 R/E, IK3 segments, IK5 and AK9 not A."""
    found = []
    for segment in segments(str(answer["ack999"])):
        tag = segment[0]
        if tag == "TA1" and segment[4] in ("R", "E"):
            found.append(f"TA1-{segment[4]}-{segment[5]}")
        elif tag == "IK3" or (tag in ("IK5", "AK9") and segment[1] != "A"):
            found.append(f"{tag}-{segment[1] if tag != 'IK3' else segment[4]}")
    return found


async def test_every_malformed_interchange_is_refused_without_a_server_error(
    clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str]
) -> None:
    claims = clients["claims"]
    headers = {"X-API-Key": await issue(service_urls, "tenant-x12", Role.SUBMITTER)}
    outcomes: dict[str, str] = {}
    for entry in corpus():
        response = await claims.post(
            "/v1/x12/837", content=entry.body, headers=headers | {"content-type": EDI}
        )
        assert response.status_code < 500, (entry.name, response.text[:500])
        if entry.expect == NOT_X12:
            assert response.status_code == 400, (entry.name, response.text[:500])
            assert response.headers["content-type"] == "application/problem+json"
            outcomes[entry.name] = "400"
        else:
            assert response.status_code == 200, (entry.name, response.text[:500])
            answer = response.json()
            reported = reported_errors(answer)
            assert reported, (entry.name, answer["ack999"])
            taken = [c["claim_number"] for c in answer["claims"] if c["accepted"]]
            if entry.expect == REJECTED:
                assert taken == [], (entry.name, answer["ack999"])
            else:
                assert entry.expect == FLAGGED and taken, (entry.name, answer["ack999"])
            outcomes[entry.name] = f"{entry.expect}: " + ",".join(sorted(set(reported))[:4])
        assert (await claims.get("/health")).status_code == 200
    print(f"\nX12 corpus: {len(outcomes)} bodies, 5xx: 0")
    for name, outcome in outcomes.items():
        print(f"  {name:<36} {outcome}")
    after = await claims.post(
        "/v1/x12/837", content=valid(), headers=headers | {"content-type": EDI}
    )
    assert after.status_code == 200 and not reported_errors(after.json()), after.text[:500]
    assert [c["accepted"] for c in after.json()["claims"]] == [True]


@pytest.mark.parametrize("content_type", ["application/json", "image/png", None])
async def test_a_body_that_is_not_x12_text_is_a_415(
    clients: dict[str, httpx.AsyncClient], service_urls: dict[str, str], content_type: str | None
) -> None:
    headers = {"X-API-Key": await issue(service_urls, "tenant-x12", Role.SUBMITTER)}
    if content_type:
        headers["content-type"] = content_type
    response = await clients["claims"].post("/v1/x12/837", content=valid(), headers=headers)
    assert response.status_code == 415, response.text

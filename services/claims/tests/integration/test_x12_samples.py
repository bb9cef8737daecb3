"""The public 837P samples through the endpoint: the claims the shared reader accepts become
claims, the others are rejected in the 999 or 277CA; files meant to fail never give a 500."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from claimflow_shared.testing.plugin import repository_root
from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader
from claimflow_shared.x12.transactions import TransactionSetClosed

DATA = repository_root().parent / "shared" / "data" / "x12"
GOOD = sorted(p for folder in ("lfh", "badx12", "databricks") for p in (DATA / folder).iterdir())
BAD = sorted(
    p for folder in ("badx12_errors", "databricks_malformed") for p in (DATA / folder).iterdir()
)


def segments(reply: str) -> list[list[str]]:
    """A reply interchange split with the delimiters its own ISA declares."""
    element, terminator = reply[3], reply[105]
    return [s.strip().split(element) for s in reply.split(terminator) if s.strip()]


def library_verdict(data: bytes) -> tuple[list[str], list[str]]:
    """CLM01 of the claims the shared reader accepts and of those it rejects (by set verdict)."""
    accepted: list[str] = []
    rejected: list[str] = []
    pending: list[ClaimRead] = []
    for event in Professional837Reader().read(data):
        if isinstance(event, ClaimRead):
            pending.append(event)
        elif isinstance(event, TransactionSetClosed):
            for read in pending:
                ok = event.ack.accepted and read.accepted
                (accepted if ok else rejected).append(read.claim.claim_id)
            pending = []
    return accepted, rejected


@pytest.mark.parametrize("path", GOOD, ids=lambda p: f"{p.parent.name}/{p.name}")
async def test_a_sample_file_makes_exactly_the_claims_the_reader_accepts(
    api: Any, sql: Any, path: Path
) -> None:
    data = await asyncio.to_thread(path.read_bytes)
    accepted, rejected = library_verdict(data)
    response = await api.x12(data)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["ack999"].startswith("ISA")
    taken = [c for c in answer["claims"] if c["accepted"]]
    assert sorted(c["claim_number"] for c in taken) == sorted(accepted)
    assert sorted(c["claim_number"] for c in answer["claims"] if not c["accepted"]) == sorted(
        rejected
    )
    assert all(c["claim_id"] and c["status_url"] for c in taken)
    stored = await sql("SELECT count(*) AS n FROM claims WHERE source = 'x12'")
    assert stored[0].n == len(accepted)
    if accepted:
        assert answer["ack277ca"] is not None
        references = {s[2] for s in segments(answer["ack277ca"]) if s[:2] == ["REF", "1K"]}
        assert references == {c["claim_id"] for c in taken}
    if ".837i" in path.name or "837I" in path.name:
        assert ["IK5", "R", "I6"] in segments(answer["ack999"])


@pytest.mark.parametrize("path", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
async def test_a_file_meant_to_fail_is_rejected_never_a_500(api: Any, sql: Any, path: Path) -> None:
    response = await api.x12(await asyncio.to_thread(path.read_bytes))
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert "ISA" in response.json()["detail"]
    else:
        answer = response.json()
        assert not any(c["accepted"] for c in answer["claims"])
        replies = segments(answer["ack999"])
        assert any(
            (s[0] in ("IK5", "AK9") and s[1] == "R") or (s[0] == "TA1" and s[4] == "R")
            for s in replies
        ), replies
    assert (await sql("SELECT count(*) AS n FROM claims"))[0].n == 0

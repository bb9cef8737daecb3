"""Helpers for the cross-service flow tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from claimflow.embedded import EmbeddedSystem
from claimflow_shared.db import connect
from claimflow_shared.webhooks import verify
from notifications.delivery.testing import LoopbackReceiver

EmbeddedFactory = Callable[..., Awaitable[EmbeddedSystem]]


def claim_body(*, code: str = "G0008", payer: str = "DEMO-PAYER") -> dict[str, Any]:
    """A minimal valid claim for a synthetic patient, served a week ago (inside timely filing)."""
    served = (date.today() - timedelta(days=7)).isoformat()
    return {
        "payer_id": payer,
        "billing_npi": "1234567893",
        "patient_ref": "SYNTH-PATIENT-0001",
        "place_of_service": "11",
        "diagnosis_codes": ["J101"],
        "lines": [{"code": code, "units": 1, "charge": "25.00", "service_date": served}],
        "total_charge": "25.00",
    }


async def wait_for(
    probe: Callable[[], Awaitable[Any]], *, timeout: float = 60, what: str = "condition"
) -> Any:
    """Poll ``probe`` until it returns something truthy."""
    async with asyncio.timeout(timeout):
        while True:
            if result := await probe():
                return result
            await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")  # pragma: no cover


async def final_claim(
    client: httpx.AsyncClient, key: str, claim_id: str, *, timeout: float = 60
) -> dict[str, Any]:
    """The claim once it left 'received'."""

    async def probe() -> dict[str, Any] | None:
        response = await client.get(f"/v1/claims/{claim_id}", headers={"X-API-Key": key})
        body = response.json()
        return body if body["status"] != "received" else None

    result: dict[str, Any] = await wait_for(probe, timeout=timeout, what=f"claim {claim_id}")
    return result


async def scalar(url: str, sql: str, **params: Any) -> Any:
    """One value from a service database."""
    database = connect(url, pool_size=1)
    try:
        async with database.session() as session:
            return await session.scalar(text(sql), params)
    finally:
        await database.dispose()


async def subscribe(notifications: httpx.AsyncClient, key: str, target: str) -> str:
    """Subscribe the key's tenant to claim events at ``target``; return the signing secret."""
    response = await notifications.post(
        "/v1/subscriptions",
        json={"url": target, "event_types": ["claims.claim.*"]},
        headers={"X-API-Key": key},
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


async def signed_statuses(receiver: LoopbackReceiver, secret: str, count: int) -> list[str]:
    """Wait for ``count`` webhooks, verify each signature, return the statuses they carry."""
    async with asyncio.timeout(60):
        await receiver.wait_for_requests(count)
    statuses = []
    for request in receiver.requests[:count]:
        verify(request.body, request.headers, [secret])
        statuses.append(json.loads(request.body)["data"]["to_status"])
    return statuses


def read_spans(path: Path) -> list[dict[str, Any]]:
    """Spans written by the file exporter of every process."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

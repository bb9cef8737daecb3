"""Helpers for the prior-auth database tests: a movable clock, request bodies, API calls."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from claimflow_shared.db import Database
from claimflow_shared.messaging.models import OutboxRecord

PAYER = "PAYER-1"
PATIENT = "SYNTH-PATIENT-0042"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward and return the new time."""
        self.now += timedelta(**delta)
        return self.now


@dataclass(frozen=True)
class Keys:
    """API key secrets by who holds them."""

    submitter: str
    other_submitter: str
    payer: str
    other_payer: str
    admin: str
    ops: str


def auth(secret: str) -> dict[str, str]:
    """The header presenting an API key."""
    return {"X-API-Key": secret}


def line(
    code: str = "E0114", *, units: int = 2, start: str = "2025-10-01", end: str = "2025-12-31"
) -> dict[str, Any]:
    """A requested service line."""
    return {
        "code": code,
        "units": units,
        "start_date": start,
        "end_date": end,
        "diagnosis_codes": ["M2351"],
    }


def document(title: str = "Clinical notes") -> dict[str, Any]:
    """A document's metadata."""
    return {
        "document_type": "clinical_notes",
        "title": title,
        "reference": f"https://docs.example.test/{title.replace(' ', '-')}",
        "sha256": hashlib.sha256(title.encode()).hexdigest(),
    }


def request_body(
    *lines: dict[str, Any], priority: str = "standard", **extra: Any
) -> dict[str, Any]:
    """An authorization request for a synthetic patient."""
    return {
        "payer_id": PAYER,
        "patient_ref": PATIENT,
        "subscriber_ref": "SYNTH-SUBSCRIBER-0042",
        "requesting_npi": "1234567893",
        "servicing_npi": "1245319599",
        "priority": priority,
        "place_of_service": "12",
        "lines": list(lines) or [line()],
        **extra,
    }


async def submit(client: httpx.AsyncClient, keys: Keys, **options: Any) -> dict[str, Any]:
    """Submit a request as tenant-a; return the authorization."""
    lines = options.pop("lines", ())
    response = await client.post(
        "/v1/authorizations", json=request_body(*lines, **options), headers=auth(keys.submitter)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def decision(code: str, **fields: Any) -> dict[str, Any]:
    """A payer decision with what its code requires, unless overridden."""
    defaults: dict[str, dict[str, Any]] = {
        "A1": {"authorization_number": "AUTH-1"},
        "A2": {
            "authorization_number": "AUTH-2",
            "reason": "Only one unit is medically necessary",
            "approved_lines": [
                {"line_number": 1, "units": 1, "start_date": "2025-10-01", "end_date": "2025-12-31"}
            ],
        },
        "A3": {"reason": "Not medically necessary under policy DME-7"},
        "A4": {"information_needed": "Physician's order and clinical notes"},
        "A6": {
            "authorization_number": "AUTH-6",
            "modification": "Approved through November only",
            "approved_lines": [
                {"line_number": 1, "units": 2, "start_date": "2025-10-01", "end_date": "2025-11-30"}
            ],
        },
    }
    return {"action_code": code, **defaults.get(code, {}), **fields}


async def decide(
    client: httpx.AsyncClient, keys: Keys, authorization_id: str, code: str, **fields: Any
) -> httpx.Response:
    """Send a payer decision as PAYER-1."""
    return await client.post(
        f"/v1/authorizations/{authorization_id}/decisions",
        json=decision(code, **fields),
        headers=auth(keys.payer),
    )


async def published(database: Database, event_type: str) -> list[dict[str, Any]]:
    """The payloads of the outbox events of one type, oldest first."""
    async with database.session() as session:
        rows = await session.scalars(
            select(OutboxRecord)
            .where(OutboxRecord.event_type == event_type)
            .order_by(OutboxRecord.id)
        )
        return [orjson.loads(row.payload) for row in rows]

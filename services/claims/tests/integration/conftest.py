"""A migrated claims database, the claims API on it with a clock the test moves, and API keys.

Helpers are fixtures (these folders have no ``__init__.py``: package names collide across
services), so a test asks for ``api`` and ``claim`` instead of importing them.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from claimflow_shared.auth.keys import Role, new_key, store_key
from claimflow_shared.db import Database, connect
from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
)
from claimflow_shared.events.contracts.codecatalog import CodeFinding
from claimflow_shared.events.contracts.priorauth import LineAuthorization
from claimflow_shared.http.app import build_app
from claimflow_shared.testing.plugin import DatabaseFactory
from claims.definition import DEFINITION
from claims.review import service
from claims.settings import ClaimsSettings

TODAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
BILLING_NPI = "1234567893"
OTHER_NPI = "1245319599"


class Clock:
    """A clock the test sets and moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Keys:
    """API key secrets by who holds them."""

    submitter: str
    other_submitter: str
    ops: str
    other_ops: str
    admin: str
    payer: str


def claim_document(**changes: Any) -> dict[str, Any]:
    """A valid JSON claim for a synthetic patient, dated a month before TODAY."""
    service_date = (TODAY.date() - timedelta(days=30)).isoformat()
    document: dict[str, Any] = {
        "claim_number": "PCN-0001",
        "payer_id": "PAYER-A",
        "billing_npi": BILLING_NPI,
        "patient_ref": "SYNTH-PATIENT-0001",
        "place_of_service": "11",
        "diagnosis_codes": ["J10.1", "R50.9"],
        "lines": [
            {
                "code": "99213",
                "modifiers": ["25"],
                "units": 1,
                "charge": "125.00",
                "service_date": service_date,
                "diagnosis_pointers": [1, 2],
            },
            {
                "code": "G0008",
                "units": 1,
                "charge": "25.00",
                "service_date": service_date,
                "diagnosis_pointers": [1],
            },
        ],
        "total_charge": "150.00",
        "subscriber": {
            "member_id": "SYNTH-MEMBER-01",
            "last_name": "Synthetic",
            "first_name": "Pat",
            "birth_date": "1980-01-15",
            "gender": "F",
            "relationship": "18",
        },
    }
    document.update(copy.deepcopy(changes))
    return document


class ClaimsApi:
    """The claims API as a submitter or ops person calls it."""

    def __init__(self, client: httpx.AsyncClient, keys: Keys) -> None:
        self.client = client
        self.keys = keys

    def headers(self, key: str | None = None, **extra: str) -> dict[str, str]:
        return {"X-API-Key": key or self.keys.submitter, **extra}

    async def submit(
        self, document: dict[str, Any], *, key: str | None = None, idempotency: str | None = None
    ) -> httpx.Response:
        extra = {"Idempotency-Key": idempotency} if idempotency else {}
        return await self.client.post(
            "/v1/claims", json=document, headers=self.headers(key, **extra)
        )

    async def submitted(self, document: dict[str, Any], **options: Any) -> dict[str, Any]:
        response = await self.submit(document, **options)
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    async def claim(self, claim_id: str, *, key: str | None = None) -> dict[str, Any]:
        response = await self.client.get(f"/v1/claims/{claim_id}", headers=self.headers(key))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def x12(
        self, data: bytes, *, key: str | None = None, accept: str | None = None
    ) -> httpx.Response:
        headers = self.headers(key, **{"content-type": "application/edi-x12"})
        if accept:
            headers["accept"] = accept
        return await self.client.post("/v1/x12/837", content=data, headers=headers)


@pytest.fixture
def clock() -> Clock:
    return Clock(TODAY)


@pytest.fixture
async def database_url(database_factory: DatabaseFactory) -> str:
    """A fresh claims database, migrated."""
    return await database_factory(DEFINITION)


@pytest.fixture
def settings(database_url: str, clock: Clock) -> ClaimsSettings:
    """The service's settings on that database, reading time from the test's clock."""
    return ClaimsSettings(database_url=database_url, clock=clock, bus="memory")


@pytest.fixture
async def database(settings: ClaimsSettings) -> AsyncIterator[Database]:
    """A connection pool of the test's own, beside the app's."""
    pool = connect(settings.database_url, pool_size=4)
    try:
        yield pool
    finally:
        await pool.dispose()


KEY_HOLDERS = (
    ("submitter", "tenant-a", Role.SUBMITTER),
    ("other_submitter", "tenant-b", Role.SUBMITTER),
    ("ops", "tenant-a", Role.OPS),
    ("other_ops", "tenant-a", Role.OPS),
    ("admin", "platform", Role.ADMIN),
    ("payer", "PAYER-A", Role.PAYER),
)


@pytest.fixture
async def keys(database: Database) -> Keys:
    """One stored API key per holder in KEY_HOLDERS."""
    issued = {name: new_key(tenant_id=t, roles=(role,)) for name, t, role in KEY_HOLDERS}
    async with database.session() as session:
        for name, key in issued.items():
            await store_key(session, key, name=name)
    return Keys(**{name: key.secret for name, key in issued.items()})


@pytest.fixture
async def client(settings: ClaimsSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(DEFINITION, settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://claims") as http:
            yield http


@pytest.fixture
def api(client: httpx.AsyncClient, keys: Keys) -> ClaimsApi:
    return ClaimsApi(client, keys)


@pytest.fixture
def claim() -> Callable[..., dict[str, Any]]:
    """Build a JSON claim document: ``claim(payer_id=..., lines=[...])``."""
    return claim_document


@pytest.fixture
def line() -> Callable[..., dict[str, Any]]:
    """Build one service line dated ``days_ago`` before TODAY."""

    def build(
        code: str = "99213", charge: str = "100.00", days_ago: int = 30, **extra: Any
    ) -> dict[str, Any]:
        day: date = TODAY.date() - timedelta(days=days_ago)
        return {
            "code": code,
            "units": 1,
            "charge": charge,
            "service_date": day.isoformat(),
            **extra,
        }

    return build


class Reviews:
    """Deliver code-catalog's and prior-auth's results as the claims worker would."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def code(self, claim_id: str, *findings: tuple[str, str, int]) -> None:
        """A code review with (rule, severity, line) findings."""
        event = ClaimCodeReviewCompleted(
            claim_id=claim_id,
            tenant_id="tenant-a",
            findings=[
                CodeFinding(line=line, rule=rule, severity=severity, message=f"{rule} on {line}")
                for rule, severity, line in findings
            ],
            reviewed_at=self.clock(),
        )
        async with self.database.session() as session:
            await service.record_results(
                session=session, arrivals=[service.Arrival(event)], now=self.clock()
            )

    async def auth(self, claim_id: str, *statuses: str) -> None:
        """An authorization check answering each line with a status, in order."""
        event = ClaimAuthorizationCheckCompleted(
            claim_id=claim_id,
            tenant_id="tenant-a",
            lines=[
                LineAuthorization(line=number, status=status)  # type: ignore[arg-type]
                for number, status in enumerate(statuses, start=1)
            ],
            checked_at=self.clock(),
        )
        async with self.database.session() as session:
            await service.record_results(
                session=session, arrivals=[service.Arrival(event)], now=self.clock()
            )


@pytest.fixture
def reviews(database: Database, clock: Clock) -> Reviews:
    return Reviews(database, clock)


@pytest.fixture
def sql(database: Database) -> Callable[..., Any]:
    """Run one SQL statement on the claims database and return its rows."""

    async def run(statement: str, **params: Any) -> list[Any]:
        async with database.session() as session:
            result = await session.execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []

    return run

"""Claims submitted continuously over HTTP during an outage, and what became of them."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text

from claimflow_shared.db import connect
from tests.integration.flow import claim_body, wait_for


@dataclass
class ClaimLoad:
    """Posts one claim after another, each with its own Idempotency-Key, until stopped.

    A 503 (or a dropped connection) is retried with the same key, as a clearinghouse would;
    only a 202 counts as accepted.
    """

    client: httpx.AsyncClient
    key: str
    pause: float = 0.05
    retry_pause: float = 0.5
    accepted: dict[str, str] = field(default_factory=dict)
    answers: Counter[int] = field(default_factory=Counter)
    unavailable: list[httpx.Response] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        """Submit until ``stop`` is called."""
        while not self._stop.is_set():
            await self._submit(uuid.uuid4().hex)
            await asyncio.sleep(self.pause)

    async def _submit(self, serial: str) -> None:
        # Each claim its own synthetic patient, or the duplicate-claim edit rejects it at intake.
        body = claim_body() | {"patient_ref": f"SYNTH-LOAD-{serial[:12]}"}
        while True:
            try:
                response = await self.client.post(
                    "/v1/claims",
                    json=body,
                    headers={"X-API-Key": self.key, "Idempotency-Key": f"load-{serial}"},
                )
            except httpx.TransportError as exc:
                self.errors.append(type(exc).__name__)
                await asyncio.sleep(self.retry_pause)
                continue
            self.answers[response.status_code] += 1
            if response.status_code == 202:
                self.accepted[serial] = response.json()["claim_id"]
                return
            if response.status_code >= 500:
                self.unavailable.append(response)
                await asyncio.sleep(self.retry_pause)
                continue
            self.errors.append(f"{response.status_code}: {response.text[:200]}")
            return

    def stop(self) -> None:
        """Finish the claim in flight, then end ``run``."""
        self._stop.set()

    @property
    def server_errors(self) -> int:
        """How many answers were 5xx."""
        return sum(n for status, n in self.answers.items() if status >= 500)


async def query(url: str, sql: str, **params: Any) -> list[Any]:
    """Rows of one query on a service database."""
    database = connect(url, pool_size=1)
    try:
        async with database.session() as session:
            return list((await session.execute(text(sql), params)).all())
    finally:
        await database.dispose()


@dataclass(frozen=True)
class Tally:
    """What became of the accepted claims."""

    claims: int
    final: int
    lost: int
    duplicated: int
    statuses: dict[str, int]


async def tally(claims_url: str, accepted: dict[str, str]) -> Tally:
    """Count the accepted claims that are final, missing, or took effect more than once."""
    ids = [uuid.UUID(c) for c in accepted.values()]
    rows = await query(
        claims_url, "SELECT status, count(*) FROM claims WHERE id = ANY(:ids) GROUP BY 1", ids=ids
    )
    statuses = {status: count for status, count in rows}
    repeated = await query(
        claims_url,
        "SELECT count(*) FROM (SELECT claim_id, to_status FROM claim_transitions "
        "WHERE claim_id = ANY(:ids) GROUP BY 1, 2 HAVING count(*) > 1) AS twice",
        ids=ids,
    )
    stored = sum(statuses.values())
    extra = await query(claims_url, "SELECT count(*) FROM claims WHERE id <> ALL(:ids)", ids=ids)
    return Tally(
        claims=len(ids),
        final=stored - statuses.get("received", 0),
        lost=len(ids) - stored,
        duplicated=repeated[0][0] + extra[0][0] + len(ids) - len(set(ids)),
        statuses=statuses,
    )


async def settled(claims_url: str, accepted: dict[str, str], *, timeout: float) -> Tally:
    """The tally once every accepted claim left 'received' (or the timeout's failure)."""

    async def all_final() -> Tally | None:
        found = await tally(claims_url, accepted)
        return found if found.final == found.claims else None

    try:
        result: Tally = await wait_for(all_final, timeout=timeout, what="every claim to be final")
    except TimeoutError:
        return await tally(claims_url, accepted)
    return result


def summary(scenario: str, found: Tally, load: ClaimLoad) -> str:
    """One row: scenario, claims, lost, duplicated, 5xx."""
    return (
        f"\n| {scenario} | claims {found.claims} | final {found.final} | lost {found.lost} "
        f"| duplicated {found.duplicated} | 5xx {load.server_errors} "
        f"| answers {dict(sorted(load.answers.items()))} | statuses {found.statuses} |"
    )

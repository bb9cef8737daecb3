"""Claim checks on PostgreSQL: units held under row locks, given back, and re-checks."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from sqlalchemy import func, select

from claimflow_shared.db import Database
from claimflow_shared.events import Envelope, Event
from claimflow_shared.events.contracts import (
    AuthorizationStatusChanged,
    ClaimStatusChanged,
    ClaimSubmitted,
)
from claimflow_shared.events.contracts.claims import SubmittedLine
from claimflow_shared.messaging.consumer import BatchHandler, HandlerContext
from prior_auth.authorizations.models import AuthorizationLine
from prior_auth.claim_checks.handlers import claim_handlers, recheck_handlers
from prior_auth.claim_checks.models import UnitConsumption

from .helpers import PATIENT, PAYER, Clock, Keys, auth, decide, line, published, submit

CHECKED = "priorauth.claim_check.completed.v1"


def claim(
    *,
    patient: str = PATIENT,
    code: str = "E0114",
    units: str = "1",
    frequency: str = "1",
    original: str | None = None,
    tenant: str = "tenant-a",
) -> ClaimSubmitted:
    """A submitted claim with one line for a synthetic patient."""
    return ClaimSubmitted(
        claim_id=str(uuid.uuid4()),
        tenant_id=tenant,
        payer_id=PAYER,
        billing_npi="1234567893",
        patient_ref=patient,
        place_of_service="12",
        frequency=frequency,  # type: ignore[arg-type]
        original_claim_id=original,
        diagnosis_codes=["M2351"],
        lines=[
            SubmittedLine(
                line_number=1,
                code=code,
                units=Decimal(units),
                charge=Decimal("90.00"),
                service_date_from=date(2025, 10, 15),
                service_date_to=date(2025, 10, 15),
            )
        ],
        total_charge=Decimal("90.00"),
        submitted_at=datetime(2025, 10, 16, tzinfo=UTC),
    )


async def deliver(database: Database, clock: Clock, event: Event) -> None:
    """Run the prior-auth handler of the event in its own transaction, as the consumer does."""
    handlers = {**claim_handlers(clock), **recheck_handlers(clock)}
    async with database.session() as session:
        context = HandlerContext(session, Envelope.wrap(event), trace.INVALID_SPAN)
        await handlers[event.type](context, event)


def rejection(submitted: ClaimSubmitted, clock: Clock) -> ClaimStatusChanged:
    """The claims service's rejection of a submitted claim."""
    return ClaimStatusChanged(
        claim_id=submitted.claim_id,
        tenant_id="tenant-a",
        from_status="received",
        to_status="rejected",
        reason="code review rejected the claim",
        changed_at=clock(),
    )


async def deliver_run(database: Database, clock: Clock, events: list[Event]) -> None:
    """Run the claims' events handler on a run of events in one transaction, as the consumer
    does with a batch."""
    handler = claim_handlers(clock)[ClaimSubmitted.type]
    assert isinstance(handler, BatchHandler)
    async with database.session() as session:
        await handler.apply(
            [(HandlerContext(session, Envelope.wrap(e), trace.INVALID_SPAN), e) for e in events]
        )


class _Status:
    """Equal to a line answer with this status."""

    def __init__(self, status: str) -> None:
        self.status = status

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict) and other.get("status") == self.status

    def __repr__(self) -> str:
        return f"<{self.status} answer>"


ANY_AUTHORIZED, ANY_MISSING = _Status("authorized"), _Status("missing")


async def answers(database: Database, claim_id: str) -> list[dict[str, Any]]:
    """Every check published for the claim, oldest first: its first line's answer each."""
    return [e["lines"][0] for e in await published(database, CHECKED) if e["claim_id"] == claim_id]


async def used_units(database: Database, authorization_id: str) -> int:
    """Units claims hold on the authorization's first line."""
    async with database.session() as session:
        row = await session.get(AuthorizationLine, (uuid.UUID(authorization_id), 1))
        assert row is not None
        return row.used_units


async def consumptions(database: Database) -> int:
    """Unit consumptions not given back."""
    async with database.session() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(UnitConsumption)
            .where(UnitConsumption.released_at.is_(None))
        )
        return int(count or 0)


@pytest.fixture
async def rule(client: httpx.AsyncClient, keys: Keys) -> str:
    """E0100–E0999 need authorization at the payer."""
    body = {
        "payer_id": PAYER,
        "code_from": "E0100",
        "code_to": "E0999",
        "effective_from": "2025-01-01",
    }
    response = await client.post("/v1/requirements", json=body, headers=auth(keys.payer))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def approved(
    client: httpx.AsyncClient, keys: Keys, *, units: int = 1, patient: str = PATIENT
) -> str:
    """An approved authorization of E0114 for the patient; its id."""
    created = await submit(client, keys, lines=[line(units=units)], patient_ref=patient)
    assert (await decide(client, keys, created["id"], "A1")).status_code == 200
    return str(created["id"])


class TestUnits:
    async def test_two_claims_racing_for_the_last_unit_one_wins(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        for round_number in range(3):
            patient = f"SYNTH-RACE-{round_number}"
            authorization_id = await approved(client, keys, units=1, patient=patient)
            first, second = claim(patient=patient), claim(patient=patient)
            await asyncio.gather(deliver(database, clock, first), deliver(database, clock, second))
            statuses = sorted(
                [(await answers(database, c.claim_id))[0]["status"] for c in (first, second)]
            )
            assert statuses == ["authorized", "missing"], f"round {round_number}"
            assert await used_units(database, authorization_id) == 1
        assert await consumptions(database) == 3

    async def test_a_claim_needing_no_authorization_does_not_wait_on_the_patients_lines(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database
    ) -> None:
        """No rule covers E0114 here: the claim's check neither reads nor locks the patient's
        authorization lines, so a transaction holding them (a payer decision, another claim
        drawing units) does not hold it up."""
        authorization_id = await approved(client, keys, units=1)
        unneeded = claim()
        async with database.session() as holder:
            await holder.execute(
                select(AuthorizationLine)
                .where(AuthorizationLine.authorization_id == uuid.UUID(authorization_id))
                .with_for_update()
            )
            await asyncio.wait_for(deliver(database, clock, unneeded), 10)
        [answer] = await answers(database, unneeded.claim_id)
        assert answer["status"] == "not_required"
        assert await used_units(database, authorization_id) == 0

    async def test_the_losing_claim_is_told_the_units_are_used_up(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        authorization_id = await approved(client, keys, units=3)
        first, second = claim(units="2"), claim(units="2")
        await deliver(database, clock, first)
        await deliver(database, clock, second)
        [won], [lost] = (
            await answers(database, first.claim_id),
            await answers(database, second.claim_id),
        )
        assert (won["status"], won["authorization_id"], won["rule_id"]) == (
            "authorized",
            authorization_id,
            rule,
        )
        assert lost["status"] == "missing" and "used up" in lost["message"]
        assert await used_units(database, authorization_id) == 2

    async def test_a_void_gives_its_units_back(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        authorization_id = await approved(client, keys, units=1)
        original = claim()
        await deliver(database, clock, original)
        assert await used_units(database, authorization_id) == 1
        void = claim(frequency="8", original=original.claim_id)
        await deliver(database, clock, void)
        assert [a["status"] for a in await answers(database, void.claim_id)] == ["not_required"]
        assert await used_units(database, authorization_id) == 0
        later = claim()
        await deliver(database, clock, later)
        assert (await answers(database, later.claim_id))[0]["status"] == "authorized"

    async def test_a_replacement_draws_again_after_giving_back_the_original(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        authorization_id = await approved(client, keys, units=1)
        original = claim()
        await deliver(database, clock, original)
        replacement = claim(frequency="7", original=original.claim_id)
        await deliver(database, clock, replacement)
        assert (await answers(database, replacement.claim_id))[0]["status"] == "authorized"
        assert await used_units(database, authorization_id) == 1

    async def test_a_rejected_claim_gives_its_units_back(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        authorization_id = await approved(client, keys, units=1)
        rejected = claim()
        await deliver(database, clock, rejected)
        change = rejection(rejected, clock)
        await deliver(database, clock, change)
        await deliver(database, clock, change)
        assert await used_units(database, authorization_id) == 0

    async def test_a_claim_checked_twice_holds_its_units_once(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        authorization_id = await approved(client, keys, units=2)
        repeated = claim()
        await deliver(database, clock, repeated)
        await deliver(database, clock, repeated)
        assert [a["status"] for a in await answers(database, repeated.claim_id)] == [
            "authorized",
            "authorized",
        ]
        assert await used_units(database, authorization_id) == 1

    async def test_another_tenants_authorization_is_not_drawn_on(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        await approved(client, keys, units=5)
        foreign = claim(tenant="tenant-b")
        await deliver(database, clock, foreign)
        assert (await answers(database, foreign.claim_id))[0]["status"] == "missing"


async def decide_and_recheck(
    client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, *, code: str
) -> list[str]:
    """Submit a request, check a claim that waits on it, let the payer decide and deliver the
    decision to the re-check; the claim's answers in order."""
    created = await submit(client, keys)
    waiting = claim()
    await deliver(database, clock, waiting)
    clock.advance(days=1)
    assert (await decide(client, keys, created["id"], code)).status_code == 200
    decided = (await published(database, AuthorizationStatusChanged.type))[-1]
    await deliver(database, clock, AuthorizationStatusChanged.model_validate(decided))
    later = await answers(database, waiting.claim_id)
    assert all(a["authorization_id"] == created["id"] for a in later)
    return [a["status"] for a in later]


class TestOneRunOfEvents:
    """The worker applies a run of claims' events in one call, exactly as one at a time."""

    async def test_claims_of_one_patient_in_one_run_draw_units_in_order(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        authorization_id = await approved(client, keys, units=1)
        other_patient = await approved(client, keys, units=1, patient="SYNTH-OTHER")
        first, second, third = claim(), claim(), claim()
        elsewhere = claim(patient="SYNTH-OTHER")
        rejected = rejection(first, clock)
        await deliver_run(database, clock, [first, second, elsewhere, rejected, third, first])
        assert [(await answers(database, c.claim_id)) for c in (first, second, third)] == [
            [ANY_AUTHORIZED, ANY_AUTHORIZED],  # the repeat gets the answer already given
            [ANY_MISSING],  # the unit was gone
            [ANY_AUTHORIZED],  # the rejection gave it back in between
        ]
        assert (await answers(database, elsewhere.claim_id))[0]["status"] == "authorized"
        assert await used_units(database, authorization_id) == 1
        assert await used_units(database, other_patient) == 1
        assert await consumptions(database) == 2


class TestRecheck:
    async def test_a_waiting_claim_is_checked_again_when_the_payer_approves(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        statuses = await decide_and_recheck(client, keys, clock, database, code="A1")
        assert statuses == ["pending", "authorized"]
        assert await consumptions(database) == 1

    async def test_a_denial_turns_a_waiting_claim_denied(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        statuses = await decide_and_recheck(client, keys, clock, database, code="A3")
        assert statuses == ["pending", "denied"]

    async def test_a_pend_publishes_no_new_answer(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, database: Database, rule: str
    ) -> None:
        statuses = await decide_and_recheck(client, keys, clock, database, code="A4")
        assert statuses == ["pending"]

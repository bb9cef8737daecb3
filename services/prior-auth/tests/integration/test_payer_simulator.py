"""The payer simulator as a worker task: planned decisions applied through the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from claimflow_shared.runtime import Runtime, build_runtime
from claimflow_shared.tasks import PeriodicTask
from prior_auth.definition import DEFINITION
from prior_auth.settings import PriorAuthSettings
from prior_auth.tasks import simulator_task

from .helpers import PAYER, Clock, Keys, auth, document, line, submit

PROFILE = {
    "gold_card_codes": ["E0114"],
    "denied_codes": {"E0100": "Not medically necessary without a gait assessment"},
    "approve_after_seconds": 30,
    "pend_after_seconds": 10,
    "deny_after_seconds": 20,
}


@pytest.fixture
async def runtime(settings: PriorAuthSettings) -> AsyncIterator[Runtime]:
    built = build_runtime(DEFINITION, settings.model_copy(update={"simulator": True}))
    yield built
    await built.close()


@pytest.fixture
async def simulator(
    client: httpx.AsyncClient, keys: Keys, runtime: Runtime, settings: PriorAuthSettings
) -> PeriodicTask:
    response = await client.put(
        f"/v1/payers/{PAYER}/simulator", json=PROFILE, headers=auth(keys.admin)
    )
    assert response.status_code == 200, response.text
    return simulator_task(runtime, settings)


async def current(client: httpx.AsyncClient, keys: Keys, authorization_id: str) -> dict[str, Any]:
    """The authorization as the submitter sees it."""
    response = await client.get(
        f"/v1/authorizations/{authorization_id}", headers=auth(keys.submitter)
    )
    body: dict[str, Any] = response.json()
    return body


class TestSimulator:
    async def test_a_gold_carded_code_is_approved_once_its_delay_has_passed(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, simulator: PeriodicTask
    ) -> None:
        created = await submit(client, keys)
        clock.advance(seconds=29)
        assert await simulator.run_once() == 0
        clock.advance(seconds=1)
        assert await simulator.run_once() == 1
        assert await simulator.run_once() == 0
        decided = await current(client, keys, created["id"])
        assert decided["status"] == "approved"
        assert decided["authorization_number"].startswith("SIM-")
        history = await client.get(
            f"/v1/authorizations/{created['id']}/history", headers=auth(keys.payer)
        )
        last = history.json()["transitions"][-1]
        assert (last["action_code"], last["actor_kind"], last["actor_id"]) == (
            "A1",
            "payer",
            "simulator",
        )

    async def test_other_codes_are_pended_then_approved_once_the_requester_answers(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, simulator: PeriodicTask
    ) -> None:
        created = await submit(client, keys, lines=[line("E0143")])
        clock.advance(seconds=10)
        await simulator.run_once()
        pended = await current(client, keys, created["id"])
        assert (pended["status"], pended["information_needed"]) == (
            "pended",
            "Clinical notes supporting medical necessity",
        )
        clock.advance(hours=1)
        assert await simulator.run_once() == 0, "a pended request waits for the requester"
        await client.post(
            f"/v1/authorizations/{created['id']}/documents",
            json={"documents": [document()]},
            headers=auth(keys.submitter),
        )
        clock.advance(seconds=30)
        await simulator.run_once()
        assert (await current(client, keys, created["id"]))["status"] == "approved"

    async def test_listed_codes_are_denied_with_their_reason_and_the_rest_partly_approved(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, simulator: PeriodicTask
    ) -> None:
        denied = await submit(client, keys, lines=[line("E0100")])
        mixed = await submit(client, keys, lines=[line("E0114"), line("E0100")])
        clock.advance(minutes=1)
        assert await simulator.run_once() == 2
        refused = await current(client, keys, denied["id"])
        assert refused["status"] == "denied"
        assert refused["reason"] == "E0100: Not medically necessary without a gait assessment"
        partial = await current(client, keys, mixed["id"])
        assert partial["status"] == "partially_approved"
        assert [x["approved_units"] for x in partial["lines"]] == [2, None]

    async def test_payers_without_a_profile_are_left_alone(
        self, client: httpx.AsyncClient, keys: Keys, clock: Clock, simulator: PeriodicTask
    ) -> None:
        created = await submit(client, keys, payer_id="OTHER-PAYER")
        clock.advance(days=1)
        assert await simulator.run_once() == 0
        assert (await current(client, keys, created["id"]))["status"] == "submitted"


class TestWiring:
    async def test_the_worker_runs_the_simulator_only_when_enabled(
        self, runtime: Runtime, settings: PriorAuthSettings
    ) -> None:
        enabled = [task.name for task in DEFINITION.tasks(runtime)]
        consumers = [consumer.name for consumer in DEFINITION.consumers(runtime)]
        runtime.settings = settings
        disabled = [task.name for task in DEFINITION.tasks(runtime)]
        assert consumers == ["priorauth.claim-check", "priorauth.recheck"]
        assert enabled == ["priorauth.deadlines", "priorauth.simulator"]
        assert disabled == enabled[:-1]

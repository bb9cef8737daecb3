"""Payers' requirement rules through the API, and the submitter's per-line question."""

from __future__ import annotations

from typing import Any

import httpx

from .helpers import PAYER, Keys, auth


def rule(**fields: Any) -> dict[str, Any]:
    """A requirement rule of PAYER-1 for E0100–E0999, unless overridden."""
    return {
        "payer_id": PAYER,
        "code_from": "E0100",
        "code_to": "E0999",
        "effective_from": "2025-01-01",
        **fields,
    }


async def add(client: httpx.AsyncClient, key: str, **fields: Any) -> str:
    """Create a rule; its id."""
    response = await client.post("/v1/requirements", json=rule(**fields), headers=auth(key))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def ask(
    client: httpx.AsyncClient, keys: Keys, *lines: dict[str, Any], **fields: Any
) -> list[dict[str, Any]]:
    """Ask whether the lines need authorization; the per-line answers."""
    body = {"payer_id": PAYER, "lines": list(lines), **fields}
    response = await client.post("/v1/requirements/check", json=body, headers=auth(keys.submitter))
    assert response.status_code == 200, response.text
    answers: list[dict[str, Any]] = response.json()["lines"]
    return answers


def service(code: str, day: str = "2025-10-01", **fields: Any) -> dict[str, Any]:
    """A line asked about."""
    return {"code": code, "service_date": day, **fields}


class TestQuestion:
    async def test_each_line_is_answered_naming_the_rule_that_decided(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        broad = await add(client, keys.payer)
        exempt = await add(client, keys.payer, code_from="E0114", code_to=None, kind="exempt")
        plan = await add(client, keys.payer, code_from="E0110", code_to="E0118", plan_id="GOLD")
        office = await add(
            client, keys.payer, code_from="99213", code_to="99215", place_of_service="22"
        )
        lines = [
            service("E0143"),
            service("E0114"),
            service("99213", place_of_service="22"),
            service("99213", place_of_service="11"),
            service("E0143", day="2024-12-31"),
            service("J1100"),
        ]
        answers = await ask(client, keys, *lines)
        assert [(a["line_number"], a["required"], a["rule_id"]) for a in answers] == [
            (1, True, broad),
            (2, False, exempt),
            (3, True, office),
            (4, False, None),
            (5, False, None),
            (6, False, None),
        ]
        gold = await ask(client, keys, service("E0114"), plan_id="GOLD")
        assert (gold[0]["required"], gold[0]["rule_id"]) == (True, plan)

    async def test_a_rule_can_be_replaced_and_removed(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        rule_id = await add(client, keys.payer)
        ended = rule(effective_to="2025-06-30")
        replaced = await client.put(
            f"/v1/requirements/{rule_id}", json=ended, headers=auth(keys.payer)
        )
        assert replaced.status_code == 200
        assert (await ask(client, keys, service("E0143")))[0]["required"] is False
        assert (await ask(client, keys, service("E0143", "2025-06-30")))[0]["required"] is True
        deleted = await client.delete(f"/v1/requirements/{rule_id}", headers=auth(keys.payer))
        assert deleted.status_code == 204
        listed = await client.get("/v1/requirements", headers=auth(keys.payer))
        assert listed.json() == []


class TestManagement:
    async def test_a_payer_manages_only_its_own_rules(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        rule_id = await add(client, keys.payer)
        other = auth(keys.other_payer)
        created = await client.post("/v1/requirements", json=rule(), headers=other)
        replaced = await client.put(f"/v1/requirements/{rule_id}", json=rule(), headers=other)
        deleted = await client.delete(f"/v1/requirements/{rule_id}", headers=other)
        listed = await client.get(f"/v1/requirements?payer_id={PAYER}", headers=other)
        assert [r.status_code for r in (created, replaced, deleted, listed)] == [403, 404, 404, 403]

    async def test_an_admin_manages_any_payers_rules(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        await add(client, keys.admin, payer_id="ANY-PAYER")
        listed = await client.get("/v1/requirements?payer_id=ANY-PAYER", headers=auth(keys.admin))
        assert [r["payer_id"] for r in listed.json()] == ["ANY-PAYER"]

    async def test_a_range_mixing_code_formats_is_422_naming_the_field(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        response = await client.post(
            "/v1/requirements", json=rule(code_to="0999T"), headers=auth(keys.payer)
        )
        assert response.status_code == 422
        assert response.json()["field"] == "code_to"

    async def test_a_submitter_cannot_write_rules(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        response = await client.post("/v1/requirements", json=rule(), headers=auth(keys.submitter))
        assert response.status_code == 403


class TestPayerSettings:
    async def test_defaults_apply_until_an_admin_sets_the_payers_policy(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        path = f"/v1/payers/{PAYER}/settings"
        before = (await client.get(path, headers=auth(keys.payer))).json()
        assert (before["configured"], before["standard_days"], before["expedited_hours"]) == (
            False,
            7,
            72,
        )
        policy = {"time_zone": "America/Chicago", "pause_while_pended": True}
        assert (await client.put(path, json=policy, headers=auth(keys.payer))).status_code == 403
        assert (await client.put(path, json=policy, headers=auth(keys.admin))).status_code == 200
        after = (await client.get(path, headers=auth(keys.payer))).json()
        assert (after["configured"], after["time_zone"], after["pause_while_pended"]) == (
            True,
            "America/Chicago",
            True,
        )
        other = await client.get(path, headers=auth(keys.other_payer))
        assert other.status_code == 403

    async def test_an_unknown_time_zone_is_422(self, client: httpx.AsyncClient, keys: Keys) -> None:
        response = await client.put(
            f"/v1/payers/{PAYER}/settings",
            json={"time_zone": "Mars/Olympus"},
            headers=auth(keys.admin),
        )
        assert response.status_code == 422
        assert "time_zone" in response.json()["detail"]

"""The CMS-0057-F metrics endpoint against a hand-computed example."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from .helpers import PAYER, Clock, Keys, auth, decide, document, submit

PERIOD = {"from": "2025-10-01T00:00:00Z", "to": "2025-11-01T00:00:00Z"}


def at(text: str) -> datetime:
    """An instant from ISO text."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
async def example(client: httpx.AsyncClient, keys: Keys, clock: Clock) -> None:
    """PAYER-1 pauses while pended. Standard, all received Oct 1 00:00 UTC:
    S1 A1 after 24 h; S2 A3 after 72 h, appealed, then A1; S3 A2 after 48 h;
    S4 pended on Oct 2, answered Oct 5 (due moves from Oct 8 to Oct 11), A1 Oct 9 after 192 h:
    extended. Expedited: E1 A1 after 6 h; E2 A3 after 24 h. Not counted: S5 first decided in
    November, S6 never decided, and OTHER-PAYER's request.
    """
    await client.put(
        f"/v1/payers/{PAYER}/settings", json={"pause_while_pended": True}, headers=auth(keys.admin)
    )
    clock.now = at("2025-10-01T00:00:00Z")
    s1, s2, s3, s4, s5, _ = [(await submit(client, keys))["id"] for _ in range(6)]
    e1, e2 = [(await submit(client, keys, priority="expedited"))["id"] for _ in range(2)]
    await submit(client, keys, payer_id="OTHER-PAYER")
    steps = [
        ("2025-10-01T06:00:00Z", e1, "A1"),
        ("2025-10-02T00:00:00Z", s1, "A1"),
        ("2025-10-02T00:00:00Z", e2, "A3"),
        ("2025-10-02T00:00:00Z", s4, "A4"),
        ("2025-10-03T00:00:00Z", s3, "A2"),
        ("2025-10-04T00:00:00Z", s2, "A3"),
        ("2025-10-05T00:00:00Z", s2, "appeal"),
        ("2025-10-05T00:00:00Z", s4, "documents"),
        ("2025-10-06T00:00:00Z", s2, "A1"),
        ("2025-10-09T00:00:00Z", s4, "A1"),
        ("2025-11-02T00:00:00Z", s5, "A1"),
    ]
    for when, authorization_id, step in steps:
        clock.now = at(when)
        path = f"/v1/authorizations/{authorization_id}"
        if step == "appeal":
            response = await client.post(f"{path}/appeal", json={}, headers=auth(keys.submitter))
        elif step == "documents":
            body = {"documents": [document()]}
            response = await client.post(
                f"{path}/documents", json=body, headers=auth(keys.submitter)
            )
        else:
            response = await decide(client, keys, authorization_id, step)
        assert response.status_code == 200, response.text


class TestMetrics:
    async def test_the_payers_period_matches_the_hand_computed_figures(
        self, client: httpx.AsyncClient, keys: Keys, example: None
    ) -> None:
        response = await client.get(
            "/v1/metrics/prior-auth", params={**PERIOD, "payer_id": PAYER}, headers=auth(keys.payer)
        )
        assert response.status_code == 200, response.text
        [payer] = response.json()["payers"]
        assert payer["payer_id"] == PAYER
        assert payer["standard"] == {
            "decided": 4,
            "approved_percent": 75.0,
            "denied_percent": 25.0,
            "approved_after_appeal_percent": 25.0,
            "extended_timeframe_percent": 25.0,
            "extended_and_approved_percent": 25.0,
            "average_decision_seconds": 84 * 3600.0,
            "median_decision_seconds": 60 * 3600.0,
        }
        assert payer["expedited"] == {
            "decided": 2,
            "approved_percent": 50.0,
            "denied_percent": 50.0,
            "approved_after_appeal_percent": 0.0,
            "extended_timeframe_percent": 0.0,
            "extended_and_approved_percent": 0.0,
            "average_decision_seconds": 15 * 3600.0,
            "median_decision_seconds": 15 * 3600.0,
        }

    async def test_ops_see_every_payer_and_a_payer_only_itself(
        self, client: httpx.AsyncClient, keys: Keys, example: None
    ) -> None:
        everyone = await client.get("/v1/metrics/prior-auth", params=PERIOD, headers=auth(keys.ops))
        assert [p["payer_id"] for p in everyone.json()["payers"]] == [PAYER]
        other = await client.get(
            "/v1/metrics/prior-auth",
            params={**PERIOD, "payer_id": PAYER},
            headers=auth(keys.other_payer),
        )
        assert other.status_code == 403
        quiet = await client.get(
            "/v1/metrics/prior-auth",
            params={**PERIOD, "payer_id": "OTHER-PAYER"},
            headers=auth(keys.ops),
        )
        [empty] = quiet.json()["payers"]
        assert empty["standard"]["decided"] == 0 and empty["standard"]["approved_percent"] is None

    async def test_a_period_ending_before_it_starts_is_422(
        self, client: httpx.AsyncClient, keys: Keys
    ) -> None:
        response = await client.get(
            "/v1/metrics/prior-auth",
            params={"from": PERIOD["to"], "to": PERIOD["from"]},
            headers=auth(keys.ops),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "to"

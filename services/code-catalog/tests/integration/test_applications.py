"""New-code applications: checked, audited, published transitions; tenancy; custom codes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow_shared.auth.keys import Role
from claimflow_shared.db import Database
from code_catalog.testing.harness import Importer, KeyMaker, rows
from code_catalog.testing.layouts import write_cpt

TODAY = datetime.now(UTC).date()
COMPLETE = {
    "procedure": {
        "purpose": "Relieve a made-up joint condition",
        "steps": ["Prepare", "Perform the made-up procedure", "Close"],
        "typical_duration_minutes": 45,
    },
    "inadequacy_of_existing_codes": "No code describes the made-up technique",
    "evidence": [{"citation": "Synthetic et al., Journal of Tests, 2025"}],
    "usage": {"annual_procedures": 1200, "sites": 30},
    "economic_impact": "Shorter stays",
    "specialty_societies": ["Society of Made-up Surgery"],
    "resources": {"physician_minutes": 40, "equipment": ["Test device"]},
}


class Actors:
    """Keys of an applicant, another tenant's submitter and the panel."""

    def __init__(self, api: httpx.AsyncClient, keys: dict[str, str]) -> None:
        self.api = api
        self.keys = keys

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.request(method, path, headers={"X-API-Key": self.keys[who]}, **kwargs)

    async def act(self, who: str, app_id: str, action: str, **body: Any) -> httpx.Response:
        return await self.call(
            who, "POST", f"/v1/applications/{app_id}/transitions", json={"action": action, **body}
        )


@pytest.fixture
async def actors(api: httpx.AsyncClient, make_key: KeyMaker) -> Actors:
    keys = {
        "applicant": await make_key("tenant-a", Role.SUBMITTER),
        "stranger": await make_key("tenant-b", Role.SUBMITTER),
        "panel": await make_key("coding-panel", Role.OPS),
    }
    actors = Actors(api, keys)
    for days_to_deadline, days_to_meeting in ((-1, 5), (10, 40), (100, 130)):
        response = await actors.call(
            "panel",
            "POST",
            "/v1/panel-meetings",
            json={
                "name": f"Panel in {days_to_meeting} days",
                "meeting_date": str(TODAY + timedelta(days=days_to_meeting)),
                "agenda_deadline": str(TODAY + timedelta(days=days_to_deadline)),
            },
        )
        assert response.status_code == 201, response.text
    return actors


async def draft(actors: Actors, details: dict[str, Any] | None = None, category: str = "I") -> str:
    response = await actors.call(
        "applicant",
        "POST",
        "/v1/applications",
        json={
            "title": "A made-up procedure",
            "category": category,
            "details": details or {},
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


class TestTransitions:
    async def test_a_draft_cannot_be_approved(self, actors: Actors) -> None:
        app_id = await draft(actors, COMPLETE)
        response = await actors.act("panel", app_id, "approve")
        assert response.status_code == 409
        assert response.json()["current_status"] == "draft"
        assert "cannot approve an application that is draft" in response.json()["detail"]

    async def test_an_incomplete_draft_cannot_be_submitted(self, actors: Actors) -> None:
        app_id = await draft(actors, {"procedure": {"purpose": "Something"}})
        response = await actors.act("applicant", app_id, "submit")
        assert response.status_code == 422
        assert "details.procedure.steps" in response.json()["missing"]
        assert "details.procedure.purpose" not in response.json()["missing"]

    async def test_submission_joins_the_next_meeting_whose_agenda_is_open(
        self, actors: Actors
    ) -> None:
        app_id = await draft(actors, COMPLETE)
        body = (await actors.act("applicant", app_id, "submit")).json()
        assert body["status"] == "scheduled"
        assert body["meeting"]["meeting_date"] == str(TODAY + timedelta(days=40))
        listed = (await actors.call("applicant", "GET", "/v1/applications")).json()["items"]
        assert listed[0]["meeting"] == body["meeting"]

    async def test_the_whole_way_to_publication_is_audited_and_published(
        self, actors: Actors, catalog_db: Database
    ) -> None:
        app_id = await draft(actors, COMPLETE)
        steps = [
            ("applicant", "submit", {}),
            ("panel", "start_review", {}),
            ("panel", "request_information", {"reason": "Add cost data"}),
            ("applicant", "respond", {}),
            ("panel", "start_review", {}),
            ("panel", "approve", {"reason": "Meets the criteria"}),
            ("panel", "publish", {"assigned_code": "99999"}),
        ]
        for who, action, extra in steps:
            response = await actors.act(who, app_id, action, **extra)
            assert response.status_code == 200, (action, response.text)
        body = response.json()
        assert (body["status"], body["assigned_code"]) == ("published", "99999")
        assert body["effective_date"] == str(date(TODAY.year + 1, 1, 1))
        assert [(h["action"], h["to_status"], h["actor_role"]) for h in body["history"]] == [
            ("create", "draft", "submitter"),
            ("submit", "scheduled", "submitter"),
            ("start_review", "under_review", "ops"),
            ("request_information", "information_requested", "ops"),
            ("respond", "scheduled", "submitter"),
            ("start_review", "under_review", "ops"),
            ("approve", "approved", "ops"),
            ("publish", "published", "ops"),
        ]
        assert body["history"][3]["reason"] == "Add cost data"
        events = await rows(
            catalog_db,
            "SELECT payload FROM outbox WHERE event_type = :type ORDER BY id",
            type="codecatalog.application.status_changed.v1",
        )
        published = [json.loads(bytes(payload)) for (payload,) in events]
        assert [e["to_status"] for e in published][-2:] == ["approved", "published"]
        assert (
            published[-1]["assigned_code"] == "99999" and published[-1]["tenant_id"] == "tenant-a"
        )

    async def test_who_may_act_and_why_is_checked(self, actors: Actors) -> None:
        app_id = await draft(actors, COMPLETE)
        await actors.act("applicant", app_id, "submit")
        assert (await actors.act("applicant", app_id, "start_review")).status_code == 403
        await actors.act("panel", app_id, "start_review")
        no_reason = await actors.act("panel", app_id, "reject")
        assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
        assert (await actors.act("panel", app_id, "approve")).status_code == 200
        category_iii = await actors.act("panel", app_id, "publish", assigned_code="0999T")
        assert category_iii.status_code == 422
        assert "not CPT Category I" in category_iii.json()["detail"]

    async def test_the_applicant_may_withdraw_an_open_application(self, actors: Actors) -> None:
        app_id = await draft(actors, COMPLETE)
        await actors.act("applicant", app_id, "submit")
        response = await actors.act("applicant", app_id, "withdraw", reason="Not ready")
        assert response.json()["status"] == "withdrawn"
        again = await actors.act("applicant", app_id, "submit")
        assert again.status_code == 409 and again.json()["current_status"] == "withdrawn"


class TestTenancy:
    async def test_another_tenant_sees_nothing(self, actors: Actors) -> None:
        app_id = await draft(actors, COMPLETE)
        assert (
            await actors.call("stranger", "GET", f"/v1/applications/{app_id}")
        ).status_code == 404
        assert (await actors.act("stranger", app_id, "withdraw", reason="x")).status_code == 404
        listed = (await actors.call("stranger", "GET", "/v1/applications")).json()["items"]
        assert listed == []
        panel = (await actors.call("panel", "GET", "/v1/applications")).json()["items"]
        assert [item["id"] for item in panel] == [app_id]

    async def test_only_the_applicant_edits_and_only_while_open_to_edits(
        self, actors: Actors
    ) -> None:
        app_id = await draft(actors, COMPLETE)
        patched = await actors.call(
            "applicant", "PATCH", f"/v1/applications/{app_id}", json={"title": "A better title"}
        )
        assert patched.json()["title"] == "A better title"
        await actors.act("applicant", app_id, "submit")
        locked = await actors.call(
            "applicant", "PATCH", f"/v1/applications/{app_id}", json={"title": "Too late"}
        )
        assert locked.status_code == 409


class TestCategoryIii:
    async def test_a_category_iii_code_joins_the_next_half_year_release(
        self, actors: Actors
    ) -> None:
        app_id = await draft(actors, COMPLETE, category="III")
        for who, action, extra in (
            ("applicant", "submit", {}),
            ("panel", "start_review", {}),
            ("panel", "approve", {}),
            ("panel", "publish", {"assigned_code": "0999T"}),
        ):
            response = await actors.act(who, app_id, action, **extra)
        july = date(TODAY.year, 7, 1)
        expected = july if july > TODAY else date(TODAY.year + 1, 1, 1)
        assert response.json()["effective_date"] == str(expected)


class TestCustomCodes:
    async def test_an_interim_code_is_billed_until_the_new_code_takes_effect(
        self, actors: Actors, import_file: Importer, tmp_path: Path
    ) -> None:
        await import_file(
            "cpt",
            write_cpt(
                tmp_path / "cpt.csv",
                [
                    ("10001", "Test procedure", "Test procedure, long", "I", "2020-01-01", ""),
                ],
            ),
            version="test",
            effective=date(2020, 1, 1),
        )
        app_id = await draft(actors, COMPLETE)
        created = await actors.call(
            "applicant",
            "POST",
            "/v1/custom-codes",
            json={
                "custom_code": "INT-001",
                "billing_code": "10001",
                "application_id": app_id,
            },
        )
        assert created.status_code == 201 and created.json()["billing_code"] == "10001"
        for who, action, extra in (
            ("applicant", "submit", {}),
            ("panel", "start_review", {}),
            ("panel", "approve", {}),
            ("panel", "publish", {"assigned_code": "99999"}),
        ):
            await actors.act(who, app_id, action, **extra)
        effective = date(TODAY.year + 1, 1, 1)
        before = (
            await actors.call(
                "applicant",
                "GET",
                "/v1/custom-codes/INT-001",
                params={"as_of": str(effective - timedelta(days=1))},
            )
        ).json()
        after = (
            await actors.call(
                "applicant", "GET", "/v1/custom-codes/INT-001", params={"as_of": str(effective)}
            )
        ).json()
        assert (before["billing_code"], before["published_code"]) == ("10001", "99999")
        assert (after["billing_code"], after["interim_code"]) == ("99999", "10001")
        other = await actors.call("stranger", "GET", "/v1/custom-codes/INT-001")
        assert other.status_code == 404

    async def test_the_interim_code_must_be_a_known_code(self, actors: Actors) -> None:
        response = await actors.call(
            "applicant",
            "POST",
            "/v1/custom-codes",
            json={
                "custom_code": "INT-002",
                "billing_code": "10002",
            },
        )
        assert response.status_code == 422
        assert "10002 is not a known code" in response.json()["detail"]

"""The codes API over the real code sets: as-of lookups, batch validation, ranked search."""

from __future__ import annotations

import httpx


class TestLookupAsOf:
    async def test_the_version_in_force_on_the_date_is_returned(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        before = (await loaded_api.get("/v1/codes/G0008", params={"as_of": "2025-09-01"})).json()
        after = (await loaded_api.get("/v1/codes/G0008", params={"as_of": "2025-10-01"})).json()
        assert before["short_descriptor"] == "Flu shot admin (July text)"
        assert after["short_descriptor"] == "Admin influenza virus vac"
        assert after["long_descriptor"] == "Administration of influenza virus vaccine"
        assert [v["release"] for v in after["history"]] == [
            "HCPCS 2025 July",
            "HCPCS 2025 October",
        ]
        assert after["effective_date"] == "1994-01-01" and after["termination_date"] is None
        assert (after["system"], after["category"]) == ("HCPCS", "HCPCS Level II")

    async def test_a_terminated_code_is_inactive_after_its_last_day(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        on_last_day = await loaded_api.get("/v1/codes/A9155", params={"as_of": "2025-03-31"})
        after = await loaded_api.get("/v1/codes/a9155", params={"as_of": "2025-04-01"})
        assert on_last_day.json()["active"] is True
        assert after.status_code == 200
        assert (after.json()["active"], after.json()["version"]) == (False, None)
        assert after.json()["termination_date"] == "2025-03-31"

    async def test_icd10cm_codes_are_found_with_or_without_their_dot(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        dotted = (await loaded_api.get("/v1/codes/E11.9", params={"as_of": "2026-05-01"})).json()
        plain = (await loaded_api.get("/v1/codes/E119", params={"as_of": "2026-05-01"})).json()
        assert dotted == plain
        assert (dotted["display"], dotted["billable"], dotted["active"]) == ("E11.9", True, True)
        early = (await loaded_api.get("/v1/codes/E11.9", params={"as_of": "2026-03-31"})).json()
        assert early["active"] is False

    async def test_a_code_spelled_alike_in_two_systems_names_the_other(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        body = (await loaded_api.get("/v1/codes/J1100")).json()
        assert (body["system"], body["other_systems"]) == ("HCPCS", ["ICD-10-CM"])
        icd = (await loaded_api.get("/v1/codes/J1100", params={"system": "ICD-10-CM"})).json()
        assert icd["display"] == "J11.00" and icd["other_systems"] == []

    async def test_malformed_codes_get_a_422_naming_the_format(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        shapeless = await loaded_api.get("/v1/codes/12-34")
        assert shapeless.status_code == 422
        assert "procedure codes are five characters" in shapeless.json()["detail"]
        wrong_system = await loaded_api.get("/v1/codes/G0008", params={"system": "CPT"})
        assert wrong_system.status_code == 422
        assert "shaped like a HCPCS code, not CPT" in wrong_system.json()["detail"]

    async def test_an_unknown_code_is_a_404(self, loaded_api: httpx.AsyncClient) -> None:
        response = await loaded_api.get("/v1/codes/Z9999")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


class TestValidateBatch:
    async def test_every_code_gets_its_own_verdict(self, loaded_api: httpx.AsyncClient) -> None:
        codes = [
            {"code": "G0008"},
            {"code": "A9155", "date": "2025-06-01"},
            {"code": "K9999"},
            {"code": "ABCDEFG1"},
            {"code": "E11", "system": "ICD-10-CM"},
            {"code": "0100T"},
            {"code": "99213"},
            {"code": "G0008", "system": "CPT"},
        ]
        response = await loaded_api.post(
            "/v1/codes/validate", json={"codes": codes, "date": "2025-10-01"}
        )
        assert response.status_code == 200
        body = response.json()
        assert [(r["index"], r["status"]) for r in body["results"]] == [
            (0, "valid"),
            (1, "inactive"),
            (2, "unknown"),
            (3, "malformed"),
            (4, "inactive"),
            (5, "inactive"),
            (6, "valid"),
            (7, "malformed"),
        ]
        assert (body["valid"], body["invalid"]) == (2, 6)
        assert "ICD-10-CM codes are 3 to 7 characters" in body["results"][3]["message"]

    async def test_a_header_code_is_not_billable(self, loaded_api: httpx.AsyncClient) -> None:
        response = await loaded_api.post(
            "/v1/codes/validate", json={"codes": [{"code": "E11"}], "date": "2026-05-01"}
        )
        assert response.json()["results"][0]["status"] == "not_billable"

    async def test_a_thousand_codes_are_answered_and_more_are_refused(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        many = [{"code": f"G{n:04d}"} for n in range(1000)]
        response = await loaded_api.post("/v1/codes/validate", json={"codes": many})
        assert response.status_code == 200 and len(response.json()["results"]) == 1000
        too_many = await loaded_api.post(
            "/v1/codes/validate", json={"codes": [*many, {"code": "G0008"}]}
        )
        assert too_many.status_code == 422


class TestSearch:
    async def search(self, api: httpx.AsyncClient, q: str, **params: str) -> list[str]:
        response = await api.get("/v1/codes/search", params={"q": q, **params})
        assert response.status_code == 200, response.text
        return [item["code"] for item in response.json()["items"]]

    async def test_flu_vaccine_admin_finds_g0008_first(self, loaded_api: httpx.AsyncClient) -> None:
        assert (await self.search(loaded_api, "flu vaccine admin"))[0] == "G0008"

    async def test_knee_arthroscopy_finds_the_knee_arthroscopy_codes(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        found = await self.search(loaded_api, "knee arthroscopy", limit="5")
        assert {"G0289", "S2112", "29881"} <= set(found)

    async def test_filters_narrow_by_system_category_and_date(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        icd = await loaded_api.get(
            "/v1/codes/search", params={"q": "influenza", "system": "ICD-10-CM", "limit": "50"}
        )
        items = icd.json()["items"]
        assert items and {item["system"] for item in items} == {"ICD-10-CM"}
        assert await self.search(
            loaded_api, "emerging", category="CPT Category III", active_on="2024-06-01"
        ) == ["0100T"]
        assert (
            await self.search(
                loaded_api, "emerging", category="CPT Category III", active_on="2025-06-01"
            )
            == []
        )
        assert "0100T" in await self.search(loaded_api, "emerging", active_on="2024-06-01")

    async def test_a_code_typed_as_the_query_comes_first(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        assert (await self.search(loaded_api, "E11.9"))[0] == "E119"

    async def test_empty_huge_and_wordless_queries_are_422(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        for q in ("", "x" * 201, "of the and", " ".join(["knee"] * 11)):
            response = await loaded_api.get("/v1/codes/search", params={"q": q})
            assert response.status_code == 422, q
        assert (await loaded_api.get("/v1/codes/search")).status_code == 422


class TestSmallSystems:
    async def test_modifiers_and_places_of_service_are_listed(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        modifiers = (await loaded_api.get("/v1/modifiers")).json()["items"]
        codes = {item["code"] for item in modifiers}
        assert {"25", "LT", "RT", "TC"} <= codes and len(codes) > 300
        places = (await loaded_api.get("/v1/places-of-service")).json()["items"]
        assert len(places) == 52
        office = next(item for item in places if item["code"] == "11")
        assert office["short_descriptor"] == "Office"
        assert office["attributes"] == {"setting": "Non-Facility"}


class TestAuthentication:
    async def test_every_route_needs_a_key(self, loaded_api: httpx.AsyncClient) -> None:
        for path in (
            "/v1/codes/G0008",
            "/v1/codes/search?q=flu",
            "/v1/modifiers",
            "/v1/releases",
            "/v1/fees/99213",
        ):
            response = await loaded_api.get(path, headers={"X-API-Key": ""})
            assert response.status_code == 401, path

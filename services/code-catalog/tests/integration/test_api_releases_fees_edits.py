"""Releases and their diffs, fee schedule amounts, and edit lookups over HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx

from code_catalog.testing.harness import Importer
from code_catalog.testing.layouts import julian, write_aoc, write_gpci, write_mue, write_ptp


class TestReleases:
    async def test_releases_are_listed_latest_first_with_their_counts(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        items = (await loaded_api.get("/v1/releases", params={"code_system": "HCPCS"})).json()
        labels = [(item["label"], item["effective_date"]) for item in items["items"]]
        assert labels == [("HCPCS 2025 October", "2025-10-01"), ("HCPCS 2025 July", "2025-07-01")]
        october = items["items"][0]
        assert october["added"] == 8846 - 3 and october["changed"] == 1

    async def test_a_diff_pages_through_adds_changes_and_terminations(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        releases = (await loaded_api.get("/v1/releases", params={"code_system": "HCPCS"})).json()
        october = releases["items"][0]["id"]
        changed = (
            await loaded_api.get(f"/v1/releases/{october}/diff", params={"change": "changed"})
        ).json()
        assert changed["baseline"] is False
        assert [
            (row["key"], row["before"]["short"], row["after"]["short"]) for row in changed["items"]
        ] == [("G0008", "Flu shot admin (July text)", "Admin influenza virus vac")]
        first_page = (
            await loaded_api.get(
                f"/v1/releases/{october}/diff", params={"change": "added", "limit": 100}
            )
        ).json()
        second_page = (
            await loaded_api.get(
                f"/v1/releases/{october}/diff",
                params={"change": "added", "limit": 100, "after": first_page["next_after"]},
            )
        ).json()
        keys = [row["key"] for row in first_page["items"] + second_page["items"]]
        assert len(keys) == 200 and keys == sorted(keys) and len(set(keys)) == 200

    async def test_the_first_release_of_a_series_is_a_baseline(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        icd = (await loaded_api.get("/v1/releases", params={"code_system": "ICD-10-CM"})).json()
        diff = (await loaded_api.get(f"/v1/releases/{icd['items'][0]['id']}/diff")).json()
        assert diff["baseline"] is True and diff["items"] == []
        assert diff["counts"]["added"] == diff["release"]["records"]

    async def test_an_unknown_release_is_a_404(self, loaded_api: httpx.AsyncClient) -> None:
        assert (await loaded_api.get("/v1/releases/999999/diff")).status_code == 404


class TestFees:
    async def test_the_national_payment_is_rvus_times_the_factor(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        body = (await loaded_api.get("/v1/fees/99213")).json()
        assert (body["non_facility_payment"], body["facility_payment"]) == ("90.87", "65.24")
        assert body["rvus"]["work"] == "1.30" and body["conversion_factor"] == "33.2875"
        assert body["release"] == "PFS 2024 July" and body["locality"] is None

    async def test_a_modifier_picks_its_own_row(self, loaded_api: httpx.AsyncClient) -> None:
        professional = await loaded_api.get("/v1/fees/93000", params={"modifier": "26"})
        assert professional.status_code == 404
        component = (await loaded_api.get("/v1/fees/71046", params={"modifier": "26"})).json()
        total = (await loaded_api.get("/v1/fees/71046")).json()
        assert component["modifier"] == "26" and total["modifier"] is None
        assert float(component["non_facility_payment"]) < float(total["non_facility_payment"])

    async def test_a_date_outside_the_schedule_says_which_periods_it_covers(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        response = await loaded_api.get("/v1/fees/99213", params={"as_of": "2025-01-01"})
        assert response.status_code == 404
        assert "covers 2024-07-01 to 2024-09-30" in response.json()["detail"]

    async def test_unknown_localities_and_malformed_codes(
        self, loaded_api: httpx.AsyncClient
    ) -> None:
        unknown = await loaded_api.get("/v1/fees/99213", params={"locality": "01112-05"})
        assert unknown.status_code == 404 and "GPCIs" in unknown.json()["detail"]
        assert (await loaded_api.get("/v1/fees/9921")).status_code == 422


class TestLocalities:
    async def test_a_locality_adjusts_each_component_by_its_index(
        self,
        api: httpx.AsyncClient,
        headers: dict[str, str],
        import_file: Importer,
        shared_data: Path,
        tmp_path: Path,
    ) -> None:
        await import_file("rvu", shared_data / "rvu" / "pprrvu_2024_jul.csv")
        gpci = await import_file(
            "gpci",
            write_gpci(
                tmp_path / "GPCI2024.csv",
                2024,
                [
                    ("01112", "CA", "5", "SAN FRANCISCO", "1.094", "1.459", "0.353"),
                ],
            ),
        )
        assert (gpci.label, gpci.effective_date) == ("GPCI 2024", date(2024, 1, 1))
        body = (
            await api.get("/v1/fees/99213", params={"locality": "01112-05"}, headers=headers)
        ).json()
        assert body["locality"]["name"] == "SAN FRANCISCO"
        work, pe, mp, factor = Decimal("1.30"), Decimal("1.33"), Decimal("0.10"), Decimal("33.2875")
        expected = (
            work * Decimal("1.094") + pe * Decimal("1.459") + mp * Decimal("0.353")
        ) * factor
        assert Decimal(body["non_facility_payment"]) == expected.quantize(Decimal("0.01"))
        assert Decimal(body["non_facility_payment"]) > Decimal("90.87")


class TestEditLookup:
    async def test_pairs_limits_and_add_ons_for_a_set_of_codes(
        self,
        api: httpx.AsyncClient,
        headers: dict[str, str],
        import_file: Importer,
        tmp_path: Path,
    ) -> None:
        await import_file(
            "ncci",
            write_ptp(
                tmp_path / "ccipra-v313r0-f1.txt",
                [
                    ("10001", "10002", "", "20200101", "*", "0", "Mutually exclusive"),
                    ("10001", "10009", "", "20200101", "*", "1", "Not among the codes asked"),
                    ("10003", "10001", "", "20200101", "20250101", "1", "Deleted"),
                ],
            ),
        )
        await import_file(
            "mue",
            write_mue(
                tmp_path / "MCR_MUE_PractitionerServices_Eff_10-01-2025.csv",
                [("10001", "1", "1 Line Edit", "Anatomic")],
            ),
        )
        await import_file(
            "addon",
            write_aoc(
                tmp_path / "AOC_2025Q4.txt",
                [
                    ("20001", "", "10001", "", "1", julian(date(2020, 1, 1)), "", ""),
                ],
            ),
        )
        body = {"codes": ["10001", "10002", "10003", "20001"], "date": "2025-10-01"}
        response = await api.post("/v1/edits/lookup", json=body, headers=headers)
        assert response.status_code == 200
        found = response.json()
        assert [(p["column1"], p["column2"], p["release"]) for p in found["ptp"]] == [
            ("10001", "10002", "NCCI PTP 31.3r0")
        ]
        assert [(m["code"], m["max_units"]) for m in found["mue"]] == [("10001", 1)]
        assert [(a["addon_code"], a["primary_code"]) for a in found["addons"]] == [
            ("20001", "10001")
        ]
        undated = await api.post("/v1/edits/lookup", json={"codes": body["codes"]}, headers=headers)
        assert len(undated.json()["ptp"]) == 2

    async def test_malformed_codes_are_named(
        self, api: httpx.AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await api.post(
            "/v1/edits/lookup", json={"codes": ["10001", "1000X"]}, headers=headers
        )
        assert response.status_code == 422
        assert "codes[1]" in response.json()["detail"]

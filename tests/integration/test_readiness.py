"""/health answers while the process lives; an API is ready when its database answers, and
reports the bus too."""

import httpx

from claimflow.services import definitions
from claimflow_shared.http.app import build_app


async def get(app, path: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            return await client.get(path)


class TestReadiness:
    async def test_ready_when_database_and_bus_answer(self, service_urls: dict[str, str]) -> None:
        definition = definitions()["claims"]
        app = build_app(definition, definition.settings_type(database_url=service_urls["claims"]))
        response = await get(app, "/ready")
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok", "bus": "ok"}

    async def test_unready_names_what_is_unreachable(self) -> None:
        definition = definitions()["claims"]
        settings = definition.settings_type(
            database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
            bus="kafka",
            kafka_bootstrap_servers="127.0.0.1:1",
        )
        app = build_app(definition, settings)
        ready = await get(app, "/ready")
        assert ready.status_code == 503 and ready.headers["retry-after"] == "5"
        assert ready.json()["checks"] == {"database": "unreachable", "bus": "unreachable"}
        assert (await get(app, "/health")).status_code == 200

    async def test_an_api_stays_ready_without_the_bus(self, service_urls: dict[str, str]) -> None:
        definition = definitions()["claims"]
        settings = definition.settings_type(
            database_url=service_urls["claims"], bus="kafka", kafka_bootstrap_servers="127.0.0.1:1"
        )
        ready = await get(build_app(definition, settings), "/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "bus": "unreachable"}

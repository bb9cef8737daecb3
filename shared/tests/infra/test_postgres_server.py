import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.testing.infra.postgres import PostgresServer, start_postgres

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[PostgresServer]:
    """Start one private PostgreSQL for the module and stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="pg") as folder:
        started = await start_postgres(Path(folder) / "data")
        yield started
        await started.stop()


async def scalar(url: str, statement: str) -> object:
    """Run one statement on `url` in a committed transaction; return its first value if any."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        await engine.dispose()


class TestUrls:
    async def test_urls_point_at_the_unix_socket(self, server: PostgresServer) -> None:
        socket_dir = str(server.socket_dir)

        assert server.url == f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}"
        assert server.libpq_uri == f"postgresql://postgres@/postgres?host={socket_dir}"
        assert (server.socket_dir / ".s.PGSQL.5432").is_socket()

    async def test_the_url_reaches_postgresql(self, server: PostgresServer) -> None:
        version = await scalar(server.url, "SHOW server_version")

        assert str(version).split(".")[0].isdigit()


class TestDatabases:
    async def test_created_database_accepts_tables_and_rows(self, server: PostgresServer) -> None:
        url = await server.create_database("claims_test")
        await scalar(url, "CREATE TABLE claim (id int PRIMARY KEY)")
        await scalar(url, "INSERT INTO claim VALUES (1), (2)")

        assert url == server.url_for("claims_test")
        assert await scalar(url, "SELECT count(*) FROM claim") == 2
        assert await scalar(url, "SELECT current_database()") == "claims_test"

    async def test_dropped_database_is_gone_even_with_a_session_open(
        self, server: PostgresServer
    ) -> None:
        url = await server.create_database("to-drop")
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                await server.drop_database("to-drop")
                with pytest.raises(DBAPIError):
                    await connection.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

        assert "to-drop" not in await server.databases()
        with pytest.raises(DBAPIError):
            await scalar(url, "SELECT 1")


class TestStopAndStart:
    async def test_data_survives_a_stop(self, server: PostgresServer) -> None:
        url = await server.create_database("kept")
        await scalar(url, "CREATE TABLE note AS SELECT 'still here'::text AS body")

        await server.stop()
        stopped_pid = server.pid
        await server.start()

        assert stopped_pid is None
        assert await scalar(url, "SELECT body FROM note") == "still here"

"""Pooled connections on a real PostgreSQL: an idle one that died is replaced unseen; one that
dies between busy uses costs one statement, then the pool recovers."""

import pytest
from sqlalchemy import text

from claimflow_shared import db
from claimflow_shared.db import Database
from claimflow_shared.errors import is_connection_error


async def backend_pid(database: Database) -> int:
    async with database.reading() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")))


async def terminate(database: Database, pid: int) -> None:
    """End a backend from a connection of another pool (as a restart would)."""
    other = db.connect(database.engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        async with other.engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await other.dispose()


async def test_an_idle_connection_that_died_is_replaced_before_use(
    platform_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await backend_pid(platform_db)
    await terminate(platform_db, first)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # as if it sat idle
    assert await backend_pid(platform_db) not in (first, 0)


async def test_a_busy_connection_that_died_fails_once_then_the_pool_recovers(
    platform_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)  # never pinged
    first = await backend_pid(platform_db)
    await terminate(platform_db, first)
    with pytest.raises(Exception) as failed:
        await backend_pid(platform_db)
    assert is_connection_error(failed.value)
    assert await backend_pid(platform_db) != first

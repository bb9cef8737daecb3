"""A fresh database with the platform tables (outbox, inbox, api_keys) per test."""

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from claimflow_shared.db import Database, PlatformBase, connect
from claimflow_shared.testing.databases import create_database, drop_database


@pytest.fixture
async def platform_db(postgres_url: str) -> AsyncIterator[Database]:
    url = await create_database(postgres_url, f"t_platform_{uuid.uuid4().hex[:10]}")
    database = connect(url, pool_size=4)
    async with database.engine.begin() as connection:
        await connection.run_sync(PlatformBase.metadata.create_all)
        await connection.execute(text("CREATE TABLE effects (event_id text, note text)"))
    yield database
    await database.dispose()
    await drop_database(postgres_url, url)

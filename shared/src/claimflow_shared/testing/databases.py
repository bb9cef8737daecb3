"""Create, migrate and drop throwaway databases on a test server."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.migrations import upgrade_to_head
from claimflow_shared.runtime import ServiceDefinition
from claimflow_shared.settings import database_url_for


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(database_url_for(server_url, "postgres"),
                                 isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def create_database(server_url: str, name: str) -> str:
    """Create database ``name``; return its URL."""
    await _admin(server_url, f'CREATE DATABASE "{name}"')
    return database_url_for(server_url, name)


async def drop_database(server_url: str, url: str) -> None:
    """Drop the database ``url`` names, ending its sessions."""
    name = make_url(url).database
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrate(definition: ServiceDefinition, url: str) -> None:
    """Apply the service's migrations to ``url``."""
    await upgrade_to_head(definition.migrations, url)

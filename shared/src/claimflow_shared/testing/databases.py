"""Create, migrate and drop throwaway databases on a test server."""

from __future__ import annotations

import asyncio
import warnings

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.migrations import upgrade_to_head
from claimflow_shared.runtime import ServiceDefinition
from claimflow_shared.settings import database_url_for


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(
        database_url_for(server_url, "postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (a copy of ``template`` when given); return its URL."""
    copy = f' TEMPLATE "{template}"' if template else ""
    await _admin(server_url, f'CREATE DATABASE "{name}"{copy}')
    return database_url_for(server_url, name)


async def drop_database(server_url: str, url: str) -> None:
    """Drop the database ``url`` names, ending its sessions.

    A session killed with its process can make the first attempt lose its connection, so
    the drop is tried a few times before a warning leaves the database behind.
    """
    name = make_url(url).database
    for attempt in range(3):
        try:
            await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except DBAPIError as exc:
            last = exc
            await asyncio.sleep(0.5 * (attempt + 1))
    warnings.warn(f"could not drop test database {name}: {last}", stacklevel=2)


async def migrate(definition: ServiceDefinition, url: str) -> None:
    """Apply the service's migrations to ``url``."""
    await upgrade_to_head(definition.migrations, url)

"""Databases, migrations and API keys across the services."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.auth.keys import IssuedKey, Role, new_key, revoke_key, store_key
from claimflow_shared.db import connect
from claimflow_shared.migrations import upgrade_to_head
from claimflow_shared.runtime import ServiceDefinition


async def ensure_database(url: str) -> None:
    """Create the database ``url`` names if the server does not have it yet."""
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


async def migrate(definition: ServiceDefinition, url: str) -> None:
    """Create the service's database if needed and apply its migrations."""
    await ensure_database(url)
    await upgrade_to_head(definition.migrations, url)


async def create_key(
    urls: Iterable[str], *, tenant_id: str, roles: tuple[Role, ...], name: str
) -> IssuedKey:
    """Issue one key and store its hash in every service database."""
    key = new_key(tenant_id=tenant_id, roles=roles)
    for url in urls:
        database = connect(url, pool_size=1)
        try:
            async with database.session() as session:
                await store_key(session, key, name=name)
        finally:
            await database.dispose()
    return key


async def revoke(urls: Iterable[str], key_id: uuid.UUID) -> int:
    """Revoke a key in every service database; how many databases had it live."""
    revoked = 0
    for url in urls:
        database = connect(url, pool_size=1)
        try:
            async with database.session() as session:
                revoked += await revoke_key(session, key_id)
        finally:
            await database.dispose()
    return revoked

"""Types of the database-test fixtures and small helpers the tests share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from claimflow_shared.db import Database
from code_catalog.imports.service import ImportOutcome

Importer = Callable[..., Awaitable[ImportOutcome]]
KeyMaker = Callable[..., Awaitable[str]]


async def scalar(database: Database, sql: str, **params: Any) -> Any:
    """One value from the test database."""
    async with database.session() as session:
        return await session.scalar(text(sql), params)


async def rows(database: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Every row of a query on the test database."""
    async with database.session() as session:
        return [tuple(row) for row in (await session.execute(text(sql), params)).all()]

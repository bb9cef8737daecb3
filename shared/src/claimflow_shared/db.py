"""Async SQLAlchemy on PostgreSQL: engine, sessions committed at the edge, the platform's tables."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import MetaData, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class PlatformBase(DeclarativeBase):
    """Declarative base of the tables every service database carries (outbox, inbox, keys)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def service_metadata() -> MetaData:
    """A fresh metadata with the project's constraint naming convention, one per service."""
    return MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True, slots=True)
class Database:
    """An engine and the session factory bound to it."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session committed when the block ends, rolled back if it raises."""
        async with self.sessionmaker() as session:
            try:
                yield session
                if session.in_transaction():  # nothing to commit when it was never used
                    await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads alone, on an autocommit connection.

        Each statement sees the latest committed data, and no BEGIN or COMMIT goes to the
        server: two round trips fewer per request than ``session()`` for a single query.
        Nothing written through it is kept as a unit; use ``session()`` to write.
        """
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                yield session

    async def ping(self) -> bool:
        """Whether the database answers a trivial query."""
        with suppress_instrumentation():
            try:
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            except Exception:
                return False
            return True

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


IDLE_PING_SECONDS = 1.0
"""A pooled connection idle this long is pinged before it is handed out."""


def connect(url: str, *, pool_size: int = 10, **engine_options: Any) -> Database:
    """Build the engine and session factory for ``url`` (PostgreSQL via asyncpg)."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        hide_parameters=True,
        pool_timeout=10,
        connect_args={"timeout": 5, "command_timeout": 60},
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
        **engine_options,
    )
    _ping_idle_connections(engine)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))


def _json_text(value: Any) -> str:
    """JSON and JSONB values as text, by orjson (the standard library's is several times
    slower, and every outbox row's headers go through it)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Ping a pooled connection before use only when it sat idle (ADR 19).

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout, and asyncpg's ping is three round
    trips (BEGIN, an empty statement, ROLLBACK): most of a short request's database time. A
    connection in steady use is known alive; one idle for a while may have been cut by a
    restart or a proxy, and a dead one found here is replaced before anyone sees it. A
    connection that dies between two busy uses fails that one statement, which reports the
    database unavailable (503, or the event back to the bus) and makes the pool drop every
    connection opened before it.
    """
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "connect")
    def _opened(_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkin")
    def _returned(_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _handed_out(connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            connection.ping()
        except Exception as exc:
            raise DisconnectionError("a pooled connection was dead") from exc


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session, committed before the response is sent."""
    database: Database = request.app.state.runtime.database
    async with database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_database(request: Request) -> Database:
    """The app's database, for an endpoint that opens a session only on some paths."""
    database: Database = request.app.state.runtime.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A read-only request's session (autocommit: no BEGIN/COMMIT round trips)."""
    database: Database = request.app.state.runtime.database
    async with database.reading() as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]

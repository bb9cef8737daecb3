"""Alembic helpers: the async ``env.py`` body, the platform tables, upgrade from code."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.db import PlatformBase
from claimflow_shared.settings import ServiceSettings


def run_env(service_metadata: MetaData, settings_type: type[ServiceSettings]) -> None:
    """The body of a service's ``migrations/env.py`` (online, async, PostgreSQL only).

    The URL comes from the Alembic config when set, else from the service's settings.
    """
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or settings_type().database_url
    if not url:
        raise RuntimeError("no database URL: set DATABASE_URL or the service's own variable")
    targets = [service_metadata, PlatformBase.metadata]

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=targets, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run())


def alembic_config(migrations: Path, url: str) -> Config:
    """An Alembic config for one service's migrations folder and database."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_to_head(migrations: Path, url: str) -> None:
    """Apply every migration (in a thread: Alembic's env runs its own event loop)."""
    await asyncio.to_thread(command.upgrade, alembic_config(migrations, url), "head")


def create_platform_tables() -> None:
    """Create the outbox, inbox and API key tables (first revision of every service)."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("headers", postgresql.JSONB(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_outbox_unpublished", "outbox", ["id"], postgresql_where=sa.text("published_at IS NULL")
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.String(100), nullable=False, index=True),
        sa.Column("roles", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def index_inbox_age() -> None:
    """Index the inbox by processing time, so the hourly prune reads only what it deletes."""
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])


def drop_inbox_age_index() -> None:
    """Undo ``index_inbox_age``."""
    op.drop_index("ix_inbox_processed_at", table_name="inbox")


def drop_platform_tables() -> None:
    """Undo ``create_platform_tables``."""
    for table in ("api_keys", "inbox", "outbox"):
        op.drop_table(table)

"""Temporary folders of a benchmark run: its servers' data, its files, its processes' logs."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A new temporary folder, removed when the block ends well. A block that fails keeps it
    and says where, for the logs in it. Without this, a script run on its own left its
    PostgreSQL and Kafka data behind (up to 750 MB), and repeated runs filled the disk."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    except BaseException:
        print(f"kept {folder} (the run failed; its logs are there)", file=sys.stderr)
        raise
    shutil.rmtree(folder, ignore_errors=True)


@asynccontextmanager
async def postgres_server(prefix: str) -> AsyncIterator[str]:
    """The server ``DATABASE_URL`` names (`make bench` starts one), as the URL of its
    ``postgres`` database; without it, a server of the run's own (``private_postgres``)."""
    stop_on_sigterm()
    if given := os.environ.get("DATABASE_URL"):
        from claimflow_shared.settings import database_url_for

        yield database_url_for(given, "postgres")
        return
    async with private_postgres(prefix) as url:
        yield url


def stop_on_sigterm() -> None:
    """Make SIGTERM (``timeout``, ``kill``) cancel the running task, as ``asyncio.run`` does
    with Ctrl-C, so that the blocks that started servers and service processes stop them on
    the way out. Python's default is to exit at once: a benchmark killed that way left its
    broker, its database and five service processes running (in their own sessions), and they
    took the cores from the runs after it."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


@asynccontextmanager
async def private_postgres(prefix: str) -> AsyncIterator[str]:
    """A PostgreSQL server of the run's own, its data in a scratch folder; yields its URL."""
    from claimflow_shared.testing.infra import start_postgres

    with scratch_folder(prefix) as folder:
        server = await start_postgres(folder / "data")
        try:
            yield server.url
        finally:
            await server.stop()


@asynccontextmanager
async def private_kafka(prefix: str) -> AsyncIterator[str]:
    """A Kafka broker of the run's own, its data in a scratch folder; yields its address."""
    from claimflow_shared.testing.infra import start_kafka

    stop_on_sigterm()
    with scratch_folder(prefix) as folder:
        broker = await start_kafka(folder)
        try:
            yield broker.bootstrap_servers
        finally:
            await broker.stop()

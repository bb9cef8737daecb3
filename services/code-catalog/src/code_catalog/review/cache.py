"""The review engine a worker process holds, rebuilt from the database when releases arrive."""

from __future__ import annotations

import asyncio
import logging
import time

from claimflow_shared.db import Database
from claimflow_shared.errors import is_connection_error
from code_catalog.review.engine import ReviewEngine
from code_catalog.review.loading import load_tables

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0
ANY_RELEASE = -1


class CatalogCache:
    """One worker's review engine and the newest release its tables include.

    Built by the worker bootstrap, loaded before the first claim is taken, and replaced whole
    (between two reviews) when a ``CodeSetReleased`` names a release it does not have yet.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._engine: ReviewEngine | None = None
        self._newest_release = -1
        self._lock = asyncio.Lock()

    @property
    def newest_release(self) -> int:
        """The newest release id the loaded tables include (-1 before loading)."""
        return self._newest_release

    async def engine(self) -> ReviewEngine:
        """The loaded engine, loading it first if needed."""
        if self._engine is None:
            await self.refresh()
        assert self._engine is not None
        return self._engine

    async def refresh(self, *, release_id: int | None = None) -> bool:
        """Rebuild the tables unless they already include ``release_id``; True if rebuilt."""
        async with self._lock:
            loaded = self._engine is not None
            if loaded and release_id is not None and self._newest_release >= release_id:
                return False
            started = time.perf_counter()
            async with self._database.session() as session:
                loaded_tables = await load_tables(session)
            if self._engine is None:
                self._engine = ReviewEngine(loaded_tables.tables)
            else:
                self._engine.replace(loaded_tables.tables)
            self._newest_release = loaded_tables.newest_release
            log.info(
                "review tables loaded in %.1fs: %s",
                time.perf_counter() - started,
                loaded_tables.tables.sizes(),
            )
            return True

    async def load_until_ready(self) -> None:
        """Load the tables once at worker start, waiting out an unreachable database."""
        while True:
            try:
                await self.refresh(release_id=ANY_RELEASE)
                return
            except Exception as error:
                if not is_connection_error(error):
                    raise
                log.warning("review tables not loaded (%s); retrying", error)
                await asyncio.sleep(RETRY_SECONDS)

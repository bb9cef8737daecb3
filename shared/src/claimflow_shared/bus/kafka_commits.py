"""A consumer group member's offset commits: after the effect, in the background, spaced out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Offsets = dict[Any, int]
"""The next offset to read, per topic partition."""


class Committer:
    """Commits a member's offsets in the background, at most once every ``interval`` seconds.

    The next batch is applied while the broker records the last ones' offsets, and the offsets
    of every batch applied in between go in one request: a worker busy with small batches
    sends a few commits a second instead of one per batch, and the broker wakes less. An
    offset is still committed only after its batch was applied: a member that dies before
    the commit leaves those batches to be delivered again, and the inbox keeps that to one
    effect. ``flush`` commits at once (a rebalance taking partitions, a shutdown).
    """

    def __init__(
        self,
        consumer: Any,
        *,
        commit: Callable[[Any, Offsets], Awaitable[None]],
        interval: float,
    ) -> None:
        self._consumer = consumer
        self._commit = commit
        self._interval = interval
        self._pending: Offsets = {}
        self._last = -interval
        self._waiting = False
        self._task: asyncio.Task[None] | None = None

    def add(self, offsets: Offsets) -> None:
        """Commit ``offsets`` soon."""
        self._pending.update(offsets)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="kafka-offset-commit")

    async def flush(self) -> None:
        """Commit every offset added so far now, and return once that is done (or failed)."""
        while self._task is not None and not self._task.done():
            if self._waiting:
                self._task.cancel()  # only its pause: nothing taken yet
            await asyncio.wait([self._task])
        await self._commit_pending()

    async def _run(self) -> None:
        while self._pending:
            pause = self._last + self._interval - time.monotonic()
            if pause > 0:
                self._waiting = True
                try:
                    await asyncio.sleep(pause)
                finally:
                    self._waiting = False
            await self._commit_pending()

    async def _commit_pending(self) -> None:
        offsets, self._pending = self._pending, {}
        if not offsets:
            return
        self._last = time.monotonic()
        try:
            await self._commit(self._consumer, offsets)
        except Exception as exc:  # the consumer closing under it, say: redelivery covers it
            log.warning("commit of %s failed (%s); the records come again", offsets, exc)

"""Waking a relay the moment a transaction that wrote outbox rows commits.

The staged outbox insert also calls ``pg_notify`` (``outbox_staging``); PostgreSQL delivers the
notification when, and only if, the transaction commits. A relay listens on its own connection
and looks at the outbox at once instead of at its next poll, so an event waits milliseconds
in the outbox rather than up to a poll interval. Polling stays as the safety net: while the
listening connection is down (a restart), the relay still finds every row, only later.

A commit also wakes the relays of its own engine directly (``outbox_staging.on_commit``), so
the notification says which engine committed (``origin``) and those relays let it pass: it
came back from the server after they had already looked, and would only cost each of them an
empty turn (at 200 claims/s, a third of the code review's and the authorization check's
relay turns were empty).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import URL, Engine

log = logging.getLogger(__name__)

CHANNEL = "claimflow_outbox"
"""The notification channel; each service has its own database, so its own channel."""


def origin(engine: Engine) -> str:
    """The notification payload of commits made through ``engine`` in this process."""
    return f"{os.getpid()}:{id(engine):x}"


class CommitSignal:
    """Calls ``wake`` whenever outbox rows were committed, except by the engine of ``own``
    origin (its commits wake the caller directly); reconnects after losing the server."""

    def __init__(
        self,
        url: URL,
        wake: Callable[[], None],
        *,
        own: str | None = None,
        retry_seconds: float = 1.0,
    ) -> None:
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._wake = wake
        self._own = own
        self._retry = retry_seconds
        self.listening = asyncio.Event()

    async def run(self) -> None:
        """Listen until cancelled."""
        while True:
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.info("outbox notifications unavailable (%s); polling meanwhile", exc)
            self.listening.clear()
            await asyncio.sleep(self._retry)

    async def _listen_once(self) -> None:
        """Hold one listening connection until the server closes it."""
        connection = await asyncpg.connect(self._dsn, timeout=5)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(CHANNEL, self._notified)
            self.listening.set()
            self._wake()  # rows committed while nobody listened
            await lost.wait()
        finally:
            if not connection.is_closed():
                await connection.close(timeout=2)

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload != self._own:
            self._wake()

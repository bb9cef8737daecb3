"""A keep-alive connection pool that stays cheap with hundreds of connections.

httpcore's own pool re-examines every connection (several times over) whenever a request starts
or ends, so its cost per request grows with the square of its size: measured here, 64 concurrent
requests to one receiver brought plain httpx down to about 100 requests/s. This pool keeps a stack
of idle HTTP/1.1 connections per origin, so taking and returning a connection costs the same at
any size. A semaphore bounds the connections in use (a request waits at most the pool timeout for
one); at most ``max_idle`` more are kept idle, and those past their keep-alive expiry are closed
when next looked at or on a sweep once per expiry period.

Connections are :class:`~notifications.delivery.http11.Http11Connection`, given the pinned
network backend, so every new connection goes through the address check.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator

import httpcore

from notifications.delivery.http11 import Http11Connection

_OriginKey = tuple[bytes, bytes, int]


class PinnedPool:
    """Per-origin stacks of idle HTTP/1.1 connections, with a bound on connections in use."""

    def __init__(
        self,
        *,
        network_backend: httpcore.AsyncNetworkBackend,
        ssl_context: ssl.SSLContext,
        max_connections: int,
        max_idle: int,
        keepalive_expiry: float,
    ) -> None:
        self._backend = network_backend
        self._ssl_context = ssl_context
        self._slots = asyncio.Semaphore(max_connections)
        self._max_idle = max_idle
        self._keepalive_expiry = keepalive_expiry
        self._idle: dict[_OriginKey, list[Http11Connection]] = {}
        self._idle_count = 0
        self._next_sweep = time.monotonic() + keepalive_expiry

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send ``request`` on an idle or new connection to its origin."""
        await self._acquire_slot(request)
        origin = request.url.origin
        try:
            connection = await self._checkout(origin)
        except BaseException:
            self._slots.release()
            raise
        try:
            response = await connection.handle_async_request(request)
        except BaseException:
            await self._discard(connection)
            raise
        if not isinstance(response.stream, AsyncIterable):
            await self._discard(connection)
            raise TypeError("an async connection returned a synchronous body")
        stream = _ReleasingStream(response.stream, self, origin, connection)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=stream,
            extensions=response.extensions,
        )

    @property
    def idle_connections(self) -> int:
        """How many idle keep-alive connections the pool holds."""
        return self._idle_count

    async def release(self, origin: httpcore.Origin, connection: Http11Connection) -> None:
        """Take back a connection whose response is closed: keep it idle or close it."""
        if connection.is_idle() and self._idle_count < self._max_idle:
            self._idle.setdefault(_key(origin), []).append(connection)
            self._idle_count += 1
            self._slots.release()
            await self._sweep_if_due()
        else:
            await self._discard(connection)

    async def aclose(self) -> None:
        """Close every idle connection."""
        stacks, self._idle, self._idle_count = self._idle, {}, 0
        for stack in stacks.values():
            for connection in stack:
                await connection.aclose()

    async def __aenter__(self) -> PinnedPool:
        """Use the pool as an async context manager."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the pool."""
        await self.aclose()

    async def _acquire_slot(self, request: httpcore.Request) -> None:
        """Wait for a free connection slot, at most the request's pool timeout."""
        if not self._slots.locked():
            await self._slots.acquire()  # free: returns at once, no timer needed
            return
        timeouts = request.extensions.get("timeout", {})
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError as error:
            raise httpcore.PoolTimeout("no free connection slot in time") from error

    async def _checkout(self, origin: httpcore.Origin) -> Http11Connection:
        """Return a reusable idle connection to ``origin``, or a new one."""
        key = _key(origin)
        stack = self._idle.get(key)
        while stack:
            connection = stack.pop()
            self._idle_count -= 1
            if not stack:
                del self._idle[key]
            if connection.is_idle() and not connection.has_expired():
                return connection
            await connection.aclose()
        return Http11Connection(
            origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            network_backend=self._backend,
        )

    async def _discard(self, connection: Http11Connection) -> None:
        """Close a connection that will not be reused and free its slot."""
        try:
            await connection.aclose()
        finally:
            self._slots.release()

    async def _sweep_if_due(self) -> None:
        """Once per keep-alive period, close idle connections that have expired."""
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._keepalive_expiry
        for key, stack in list(self._idle.items()):
            expired = [connection for connection in stack if connection.has_expired()]
            if not expired:
                continue
            kept = [connection for connection in stack if connection not in expired]
            self._idle_count -= len(expired)
            if kept:
                self._idle[key] = kept
            else:
                del self._idle[key]
            for connection in expired:
                await connection.aclose()


def _key(origin: httpcore.Origin) -> _OriginKey:
    """Return a hashable key for an origin."""
    return (origin.scheme, origin.host, origin.port)


class _ReleasingStream:
    """A response body that hands its connection back to the pool when closed."""

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        pool: PinnedPool,
        origin: httpcore.Origin,
        connection: Http11Connection,
    ) -> None:
        self._stream = stream
        self._pool = pool
        self._origin = origin
        self._connection = connection
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        """Yield the body's chunks."""
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        """Close the body, then return the connection to the pool."""
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            await self._pool.release(self._origin, self._connection)

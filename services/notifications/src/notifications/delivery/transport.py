"""An httpx transport that only connects to checked addresses.

The check and the connection happen in one step, inside httpcore's ``connect_tcp``: the
hostname is resolved once, every address is checked (:func:`resolve_checked`), and the socket
is opened to one of those addresses, never to the name. Nothing is resolved twice, so a DNS
answer that changes between check and connect (DNS rebinding) cannot slip an internal address
in. httpcore keeps using the URL's hostname for the Host header, for TLS SNI and for certificate
verification, so HTTPS is verified exactly as if the name had been dialled. Pooled keep-alive
connections were checked when they were opened.

:class:`SafeTransport` keeps httpx's request and exception handling and replaces the pool its
base class built with a :class:`~notifications.delivery.pool.PinnedPool` whose connections use
that backend (httpx has no public way to pass either). Proxies are never used: a proxy would
connect on our behalf, unchecked.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable

import httpcore
import httpx

from notifications.delivery.pool import PinnedPool
from notifications.delivery.streams import SocketOption, open_tcp_stream
from notifications.delivery.url_safety import (
    IPAddress,
    Resolver,
    UnsafeUrlError,
    UrlPolicy,
    check_url,
    resolve_checked,
    system_resolver,
)

_UNBOUNDED = 1_000_000
_DEFAULT_KEEPALIVE = 5.0


class PinnedAddressBackend(httpcore.AsyncNetworkBackend):
    """Resolves a host, checks every address, and connects to a checked address."""

    def __init__(
        self,
        *,
        policy: UrlPolicy,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._policy = policy
        self._resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's backend interface)
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Open a TCP stream to a checked address of ``host``."""
        addresses = await self._resolve(host, port, timeout)
        last_error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await open_tcp_stream(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as error:
                last_error = error
        raise last_error or httpcore.ConnectError(f"no address to connect to for {host}")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's backend interface)
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refuse: a webhook never goes to a local socket."""
        raise UnsafeUrlError("unix sockets are not webhook destinations")

    async def sleep(self, seconds: float) -> None:
        """Sleep on the event loop."""
        await asyncio.sleep(seconds)

    async def _resolve(self, host: str, port: int, seconds: float | None) -> list[IPAddress]:
        """Return the checked addresses of ``host``, mapping resolver failures to httpcore's."""
        try:
            async with asyncio.timeout(seconds):
                return await resolve_checked(
                    host, port, policy=self._policy, resolver=self._resolver
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from error
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error


class SafeTransport(httpx.AsyncHTTPTransport):
    """An HTTP/1.1 transport that refuses unsafe URLs and connects only to checked addresses."""

    def __init__(
        self,
        *,
        policy: UrlPolicy,
        limits: httpx.Limits,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        context = ssl_context or httpx.create_ssl_context()
        super().__init__(verify=context, limits=limits, trust_env=False)
        self._policy = policy
        self._pool = PinnedPool(  # type: ignore[assignment]  # httpx only calls its request/close API
            network_backend=PinnedAddressBackend(policy=policy, resolver=resolver),
            ssl_context=context,
            max_connections=limits.max_connections or _UNBOUNDED,
            max_idle=limits.max_keepalive_connections or _UNBOUNDED,
            keepalive_expiry=limits.keepalive_expiry or _DEFAULT_KEEPALIVE,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Check the URL's form, then send through the pinned pool."""
        check_url(request.url, self._policy)
        return await super().handle_async_request(request)

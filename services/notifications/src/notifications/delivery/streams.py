"""httpcore network streams on plain asyncio streams.

httpcore's default backend goes through anyio, whose cancel scopes and checkpoints on every read
and write were a large share of the sender's CPU per delivery. The worker only ever runs on
asyncio, so these streams use ``asyncio.open_connection`` and ``StreamWriter.start_tls``
directly, mapping timeouts and socket errors to httpcore's exceptions as its backends do.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
_READ_LIMIT = 64 * 1024


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP (or TLS) connection as an httpcore network stream."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        """Read up to ``max_bytes``; b"" at the end of the stream."""
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as error:
            raise httpcore.ReadTimeout(str(error)) from error
        except OSError as error:
            raise httpcore.ReadError(str(error)) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Write all of ``buffer``."""
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            transport = self._writer.transport
            if not transport.get_write_buffer_size() and not transport.is_closing():
                return  # the kernel took all of it: nothing to wait for, no timer to set
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError as error:
            raise httpcore.WriteTimeout(str(error)) from error
        except OSError as error:
            raise httpcore.WriteError(str(error)) from error

    async def aclose(self) -> None:
        """Close the connection without waiting for the peer."""
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> AsyncioStream:
        """Upgrade the connection to TLS, verifying ``server_hostname``."""
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as error:
            self._writer.close()
            raise httpcore.ConnectTimeout(str(error)) from error
        except (OSError, ssl.SSLError) as error:
            self._writer.close()
            raise httpcore.ConnectError(str(error)) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        """Answer httpcore's questions about the connection."""
        if info == "is_readable":
            return self._reader.at_eof() or self._writer.transport.is_closing()
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        return self._writer.get_extra_info(info)


async def open_tcp_stream(
    host: str,
    port: int,
    *,
    timeout: float | None,  # noqa: ASYNC109
    local_address: str | None = None,
    socket_options: Iterable[SocketOption] | None = None,
) -> AsyncioStream:
    """Connect to ``host`` (an IP address) and ``port``."""
    local = None if local_address is None else (local_address, 0)
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                host, port, local_addr=local, limit=_READ_LIMIT
            )
    except TimeoutError as error:
        raise httpcore.ConnectTimeout(f"connecting to {host}:{port} timed out") from error
    except OSError as error:
        raise httpcore.ConnectError(str(error)) from error
    sock = writer.get_extra_info("socket")
    for option in socket_options or ():
        sock.setsockopt(*option)
    return AsyncioStream(reader, writer)

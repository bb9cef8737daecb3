"""Test support for webhook delivery: real HTTP/1.1 receivers on loopback, a table resolver, a
clock the test moves and a jitter-free random source.

Used by this service's tests: the receiver is a plain ``asyncio`` server on 127.0.0.1 with
scripted replies, so the sender and the scheduler are exercised over real sockets rather than a
mocked transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http import HTTPStatus
from types import TracebackType
from typing import Protocol


@dataclass(frozen=True)
class Reply:
    """What the receiver answers to one request.

    ``hang`` answers nothing until the receiver closes; ``close`` drops the connection after
    answering, without saying so in a header. ``raw`` is sent as it is instead of a response
    made from the other fields (for framing the sender must cope with).
    """

    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    hang: bool = False
    close: bool = False
    raw: bytes | None = None


@dataclass(frozen=True)
class Received:
    """One request as the receiver read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class LoopbackReceiver:
    """An asyncio TCP server on 127.0.0.1 answering requests with scripted replies in order.

    The last reply repeats once the script runs out. ``aborted`` is set when the client drops a
    connection while a reply is still being written.
    """

    def __init__(self, replies: Sequence[Reply]) -> None:
        self._replies = list(replies) or [Reply()]
        self._released = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self.requests: list[Received] = []
        self.connections = 0
        self.aborted = asyncio.Event()
        self.server_names: list[str | None] = []

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        """Listen on an ephemeral loopback port."""
        if ssl_context is not None:
            ssl_context.sni_callback = self._record_server_name
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)

    async def close(self) -> None:
        """Release hanging requests and stop listening."""
        self._released.set()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def port(self) -> int:
        """The port the receiver listens on."""
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def url(self, path: str = "/hooks", *, host: str = "127.0.0.1", scheme: str = "http") -> str:
        """Return a URL that reaches this receiver."""
        return f"{scheme}://{host}:{self.port}{path}"

    async def wait_for_requests(self, count: int) -> None:
        """Return once ``count`` requests have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)

    def _record_server_name(
        self, connection: ssl.SSLObject, server_name: str | None, context: ssl.SSLContext
    ) -> None:
        """Remember the SNI name a TLS client sent."""
        self.server_names.append(server_name)

    def _next_reply(self) -> Reply:
        """Return the next scripted reply."""
        return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer the requests of one connection until it closes."""
        self.connections += 1
        try:
            while (request := await _read_request(reader)) is not None:
                async with self._arrived:
                    self.requests.append(request)
                    self._arrived.notify_all()
                reply = self._next_reply()
                if reply.hang:
                    await self._released.wait()
                    break
                writer.write(_encode(reply))
                await writer.drain()
                if reply.close:
                    break
        except ConnectionError:
            self.aborted.set()
        except (asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Received | None:
    """Read one request, or None at the end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Received(method=method, target=target, headers=headers, body=body)


def _encode(reply: Reply) -> bytes:
    """Return a reply as HTTP/1.1 bytes."""
    if reply.raw is not None:
        return reply.raw
    lines = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
    lines += [f"{name}: {value}" for name, value in reply.headers.items()]
    lines.append(f"content-length: {len(reply.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body


async def until(condition: Callable[[], bool], *, turns: int = 1000) -> None:
    """Let other tasks run until ``condition`` holds; fail if it never does."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


class StartReceiver(Protocol):
    """Starts a loopback receiver with the given script; the fixture closes it."""

    async def __call__(
        self, *replies: Reply, ssl_context: ssl.SSLContext | None = None
    ) -> LoopbackReceiver:
        """Start a receiver answering with ``replies``."""
        ...


class MappedResolver:
    """A resolver answering from a fixed table, counting how often each name is asked."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self._answers = answers
        self.calls: dict[str, int] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        """Return the table's addresses for ``host``, or fail as an unknown name."""
        self.calls[host] = self.calls.get(host, 0) + 1
        if host not in self._answers:
            raise socket.gaierror(socket.EAI_NONAME, f"unknown host {host}")
        return self._answers[host]


class Receivers:
    """Starts loopback receivers on demand and closes them all at the end of the block."""

    def __init__(self) -> None:
        self._started: list[LoopbackReceiver] = []

    async def start(
        self, *replies: Reply, ssl_context: ssl.SSLContext | None = None
    ) -> LoopbackReceiver:
        """Start a receiver answering with ``replies``."""
        receiver = LoopbackReceiver(replies)
        await receiver.start(ssl_context)
        self._started.append(receiver)
        return receiver

    async def __aenter__(self) -> Receivers:
        """Use as an async context manager."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close every receiver started."""
        for receiver in self._started:
            await receiver.close()


class ManualClock:
    """A clock that moves only when the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        """The clock's time."""
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` and return the new time."""
        self.now += delta
        return self.now


class MidpointRandom:
    """A random source whose ``uniform`` is always the middle: retry waits without jitter."""

    def uniform(self, a: float, b: float) -> float:
        """Return the midpoint of ``a`` and ``b``."""
        return (a + b) / 2

"""One HTTP/1.1 keep-alive connection, just enough for a webhook POST and its answer.

httpcore's connection runs every request through h11's event machine, anyio locks and trace
hooks; for a small POST and a short answer that was about a third of the worker's CPU per
delivery. This connection writes the request head and body in one write, reads the response
head from a buffer and frames the body by ``Content-Length``, chunked transfer coding, or the
end of the connection, as RFC 9112 says. It speaks to :class:`~notifications.delivery.pool.
PinnedPool` through the interface of httpcore's connection (``handle_async_request``,
``is_idle``, ``has_expired``, ``aclose``) and raises httpcore's exceptions, so httpx maps them
as before. The stream comes from the pinned network backend, so every connection is checked.

A connection is reused only when the whole response was read, nothing followed it, and neither
side said ``Connection: close``; anything unexpected from the receiver closes it.
"""

from __future__ import annotations

import enum
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator

import httpcore

MAX_HEAD_BYTES = 64 * 1024
_READ_CHUNK = 64 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


class _State(enum.Enum):
    NEW = "new"
    ACTIVE = "active"
    IDLE = "idle"
    CLOSED = "closed"


class Http11Connection:
    """A connection to one origin that carries one request at a time."""

    def __init__(
        self,
        origin: httpcore.Origin,
        *,
        ssl_context: ssl.SSLContext,
        keepalive_expiry: float,
        network_backend: httpcore.AsyncNetworkBackend,
    ) -> None:
        self._origin = origin
        self._ssl_context = ssl_context
        self._keepalive_expiry = keepalive_expiry
        self._backend = network_backend
        self._stream: httpcore.AsyncNetworkStream | None = None
        self._state = _State.NEW
        self._expires_at = 0.0
        self._buffer = b""

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send ``request`` and return the response with its body still to be read."""
        if self._state not in (_State.NEW, _State.IDLE):
            raise httpcore.ConnectionNotAvailable()
        self._state = _State.ACTIVE
        timeouts = request.extensions.get("timeout", {})
        read_timeout = timeouts.get("read")
        try:
            stream = self._stream or await self._connect(request, timeouts.get("connect"))
            await stream.write(await _serialise(request), timeouts.get("write"))
            status, reason, headers, keep_alive = await self._read_head(read_timeout)
            framing = _framing(request, status, headers)
        except BaseException:
            await self.aclose()
            raise
        body = _Body(self, framing, keep_alive=keep_alive and framing[0] != "close")
        return httpcore.Response(
            status,
            headers=headers,
            content=body.chunks(read_timeout),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason},
        )

    def is_idle(self) -> bool:
        """Whether the connection is open and waits for a request."""
        return self._state is _State.IDLE

    def has_expired(self) -> bool:
        """Whether an idle connection outlived its keep-alive or the receiver closed it."""
        if self._state is _State.CLOSED:
            return True
        if self._state is not _State.IDLE or self._stream is None:
            return False
        if time.monotonic() > self._expires_at:
            return True
        return bool(self._stream.get_extra_info("is_readable"))

    async def aclose(self) -> None:
        """Close the connection."""
        self._state = _State.CLOSED
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.aclose()

    async def _connect(
        self,
        request: httpcore.Request,
        timeout: float | None,  # noqa: ASYNC109 (httpcore's timeout extension)
    ) -> httpcore.AsyncNetworkStream:
        """Open the (checked) TCP connection, and TLS on it for https."""
        origin = self._origin
        stream = await self._backend.connect_tcp(
            origin.host.decode("ascii"), origin.port, timeout=timeout
        )
        if origin.scheme == b"https":
            self._ssl_context.set_alpn_protocols(["http/1.1"])
            hostname = request.extensions.get("sni_hostname") or origin.host.decode("ascii")
            try:
                stream = await stream.start_tls(
                    self._ssl_context, server_hostname=hostname, timeout=timeout
                )
            except BaseException:
                await stream.aclose()
                raise
        self._stream = stream
        return stream

    async def _read_head(
        self,
        timeout: float | None,  # noqa: ASYNC109
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]], bool]:
        """Read a final response head, skipping interim (1xx) ones."""
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            while end < 0:
                if len(self._buffer) > MAX_HEAD_BYTES:
                    raise httpcore.RemoteProtocolError("the response head is too large")
                if not await self._fill(timeout):
                    raise httpcore.RemoteProtocolError(
                        "Server disconnected without sending a response."
                    )
                end = self._buffer.find(b"\r\n\r\n")
            head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
            status, reason, headers, keep_alive = _parse_head(head)
            if status == 101:
                raise httpcore.RemoteProtocolError("the receiver switched protocols")
            if not 100 <= status < 200:
                return status, reason, headers, keep_alive

    async def _fill(self, timeout: float | None) -> bool:  # noqa: ASYNC109
        """Read more bytes into the buffer; False at the end of the stream."""
        if self._stream is None:
            raise httpcore.ReadError("the connection is closed")
        data = await self._stream.read(_READ_CHUNK, timeout)
        self._buffer += data
        return bool(data)

    def _finished(self, *, reusable: bool) -> bool:
        """A response was read to its end: keep the connection idle if it can be reused."""
        if not reusable or self._buffer or self._state is not _State.ACTIVE:
            return False
        self._state = _State.IDLE
        self._expires_at = time.monotonic() + self._keepalive_expiry
        return True


class _Body:
    """A response body, framed by its length, by chunks, or by the end of the connection."""

    def __init__(
        self, connection: Http11Connection, framing: tuple[str, int], *, keep_alive: bool
    ) -> None:
        self._connection = connection
        self._kind, self._remaining = framing
        self._keep_alive = keep_alive

    async def chunks(self, timeout: float | None) -> AsyncIterator[bytes]:  # noqa: ASYNC109
        """Yield the body; the connection goes back to idle once all of it was read."""
        completed = False
        try:
            if self._kind == "length":
                async for chunk in self._by_length(timeout):
                    yield chunk
            elif self._kind == "chunked":
                async for chunk in self._by_chunks(timeout):
                    yield chunk
            else:
                async for chunk in self._until_close(timeout):
                    yield chunk
            completed = self._connection._finished(reusable=self._keep_alive)
        finally:
            if not completed:
                await self._connection.aclose()

    async def _by_length(self, timeout: float | None) -> AsyncIterator[bytes]:  # noqa: ASYNC109
        connection, remaining = self._connection, self._remaining
        while remaining:
            if not connection._buffer and not await connection._fill(timeout):
                raise httpcore.RemoteProtocolError("the response body ended early")
            chunk = connection._buffer[:remaining]
            connection._buffer = connection._buffer[len(chunk) :]
            remaining -= len(chunk)
            yield chunk

    async def _by_chunks(self, timeout: float | None) -> AsyncIterator[bytes]:  # noqa: ASYNC109
        while True:
            size_line = await self._line(timeout)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError as error:
                raise httpcore.RemoteProtocolError("a malformed chunk size") from error
            if size < 0:
                raise httpcore.RemoteProtocolError("a malformed chunk size")
            if size == 0:
                while await self._line(timeout):
                    pass
                return
            self._remaining = size
            async for chunk in self._by_length(timeout):
                yield chunk
            if await self._line(timeout):
                raise httpcore.RemoteProtocolError("a chunk is longer than its size")

    async def _until_close(self, timeout: float | None) -> AsyncIterator[bytes]:  # noqa: ASYNC109
        connection = self._connection
        while True:
            if connection._buffer:
                chunk, connection._buffer = connection._buffer, b""
                yield chunk
            if not await connection._fill(timeout):
                return

    async def _line(self, timeout: float | None) -> bytes:  # noqa: ASYNC109
        """Read one CRLF-ended line of the chunked framing."""
        connection = self._connection
        end = connection._buffer.find(b"\r\n")
        while end < 0:
            if len(connection._buffer) > MAX_HEAD_BYTES:
                raise httpcore.RemoteProtocolError("a chunk line is too long")
            if not await connection._fill(timeout):
                raise httpcore.RemoteProtocolError("the response body ended early")
            end = connection._buffer.find(b"\r\n")
        line, connection._buffer = connection._buffer[:end], connection._buffer[end + 2 :]
        return line


async def _serialise(request: httpcore.Request) -> bytes:
    """The request's head and body as the bytes to write."""
    lines = [request.method + b" " + request.url.target + b" HTTP/1.1"]
    for name, value in request.headers:
        if b"\r" in value or b"\n" in value or b"\r" in name or b"\n" in name:
            raise httpcore.LocalProtocolError("a header holds a line break")
        lines.append(name + b": " + value)
    body = request.stream
    if not isinstance(body, AsyncIterable):
        raise TypeError("an async connection needs an async request body")
    content = b"".join([chunk async for chunk in body])
    return b"\r\n".join(lines) + b"\r\n\r\n" + content


def _parse_head(head: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]], bool]:
    """The status, reason, headers and whether the receiver keeps the connection open."""
    status_line, *header_lines = head.split(b"\r\n")
    version, _, rest = status_line.partition(b" ")
    code, _, reason = rest.partition(b" ")
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        raise httpcore.RemoteProtocolError("a malformed status line")
    headers = []
    keep_alive = version == b"HTTP/1.1"
    for line in header_lines:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or line[:1] in b" \t":
            raise httpcore.RemoteProtocolError("a malformed response header")
        value = value.strip()
        headers.append((name, value))
        if name.lower() == b"connection" and b"close" in value.lower():
            keep_alive = False
    return int(code), reason.strip(), headers, keep_alive


def _framing(
    request: httpcore.Request, status: int, headers: list[tuple[bytes, bytes]]
) -> tuple[str, int]:
    """How the body is delimited: ("length", n), ("chunked", 0) or ("close", 0)."""
    if status in _NO_BODY_STATUSES or request.method == b"HEAD":
        return "length", 0
    lengths: set[bytes] = set()
    coding = None
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"transfer-encoding":
            coding = value.lower()
        elif lowered == b"content-length":
            lengths.update(part.strip() for part in value.split(b","))
    if coding is not None:
        return ("chunked", 0) if coding.rsplit(b",", 1)[-1].strip() == b"chunked" else ("close", 0)
    if not lengths:
        return "close", 0
    if len(lengths) > 1 or not all(length.isdigit() for length in lengths):
        raise httpcore.RemoteProtocolError("a malformed Content-Length")
    return "length", int(lengths.pop())

"""A minimal HTTP/1.1 keep-alive client for load generation.

httpx costs about a millisecond of client CPU per request, which on a two-core machine is
more than the server spends on a fast endpoint: it would measure the client, not the server.
This speaks just enough HTTP/1.1 (Content-Length bodies, one request at a time per
connection) for the benchmarks' own servers.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode


class Connection:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    @classmethod
    def to(cls, base: str, headers: dict[str, str] | None = None) -> Connection:
        """A connection to ``http://host:port``."""
        host, port = base.removeprefix("http://").split(":")
        return cls(host, int(port), headers)

    async def get(self, path: str, params: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET ``path`` with a query; the status and the body."""
        target = f"{path}?{urlencode(params)}" if params else path
        return await self.request("GET", target, b"")

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """POST a JSON body; the status and the body."""
        return await self.request("POST", path, body, "Content-Type: application/json\r\n")

    async def request(
        self, method: str, target: str, body: bytes, extra: str = ""
    ) -> tuple[int, bytes]:
        """Send one request and read the whole answer."""
        try:
            return await self._exchange(method, target, body, extra)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            self.close()
            raise

    async def _exchange(
        self, method: str, target: str, body: bytes, extra: str
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\n{self.fixed}{extra}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        """Drop the connection (the next request opens a new one)."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

"""The HTTP/1.1 connection against receivers that frame their answers in every allowed way, and
in some that are not allowed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.delivery.client import WebhookClient
from notifications.delivery.http11 import MAX_HEAD_BYTES
from notifications.delivery.outcome import AttemptResult, ErrorKind
from notifications.delivery.sender import send
from notifications.delivery.testing import Reply, StartReceiver

SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItaHR0cDExLXRlc3Rz"
CHUNKED = (
    b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    b"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\ntrailer: x\r\n\r\n"
)


async def post(client: WebhookClient, url: str) -> AttemptResult:
    """Send one signed delivery."""
    return await send(
        client=client,
        url=url,
        webhook_id="msg_http11",
        timestamp=datetime.now(UTC),
        body=b'{"n":1}',
        secrets=[SECRET],
    )


class TestFraming:
    async def test_chunked_body_is_read_whole_and_the_connection_kept(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(raw=CHUNKED), Reply(204))
        first = await post(client, receiver.url())
        second = await post(client, receiver.url())
        assert (first.status_code, first.response_body) == (200, b"hello, world")
        assert second.status_code == 204
        assert receiver.connections == 1

    async def test_interim_response_is_skipped(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\nok"
        receiver = await receivers(Reply(raw=raw))
        result = await post(client, receiver.url())
        assert (result.status_code, result.response_body) == (202, b"ok")

    async def test_body_without_a_length_runs_to_the_close_and_the_connection_is_not_reused(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        raw = b"HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nthanks"
        receiver = await receivers(Reply(raw=raw, close=True), Reply(204))
        first = await post(client, receiver.url())
        second = await post(client, receiver.url())
        assert (first.status_code, first.response_body) == (200, b"thanks")
        assert second.status_code == 204
        assert receiver.connections == 2

    async def test_connection_close_header_is_honoured(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(204, headers={"Connection": "close"}), Reply(204))
        assert [(await post(client, receiver.url())).status_code for _ in range(2)] == [204, 204]
        assert receiver.connections == 2

    async def test_bytes_after_the_response_close_the_connection(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        raw = b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 500 Internal Server Error\r\n\r\n"
        receiver = await receivers(Reply(raw=raw), Reply(204))
        assert [(await post(client, receiver.url())).status_code for _ in range(2)] == [204, 204]
        assert receiver.connections == 2


class TestMalformedAnswers:
    @pytest.mark.parametrize(
        "raw",
        [
            b"HTTP/2 200 OK\r\n\r\n",
            b"HTTP/1.1 2OO OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nabc",
            b"HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nx-big: " + b"a" * (MAX_HEAD_BYTES + 10),
        ],
        ids=["version", "status", "header", "folding", "lengths", "upgrade", "huge-head"],
    )
    async def test_is_a_retried_protocol_error(
        self, receivers: StartReceiver, client: WebhookClient, raw: bytes
    ) -> None:
        receiver = await receivers(Reply(raw=raw, close=True))
        result = await post(client, receiver.url())
        assert (result.status_code, result.error_kind) == (None, ErrorKind.PROTOCOL)

    async def test_silent_close_is_a_protocol_error(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(raw=b"", close=True))
        result = await post(client, receiver.url())
        assert (result.status_code, result.error_kind) == (None, ErrorKind.PROTOCOL)
        assert "disconnected" in (result.error_message or "")

    async def test_bad_chunk_size_keeps_the_status_and_marks_the_body_cut(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
        receiver = await receivers(Reply(raw=raw), Reply(204))
        first = await post(client, receiver.url())
        second = await post(client, receiver.url())
        assert (first.status_code, first.body_truncated) == (200, True)
        assert second.status_code == 204
        assert receiver.connections == 2

"""The keep-alive pool and the asyncio streams, over real loopback connections."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import replace
from datetime import UTC, datetime

import httpcore
import pytest

from notifications.delivery.client import WebhookClient
from notifications.delivery.config import DeliveryConfig
from notifications.delivery.outcome import ErrorKind
from notifications.delivery.pool import PinnedPool
from notifications.delivery.sender import build_client, send
from notifications.delivery.streams import open_tcp_stream
from notifications.delivery.testing import Reply, StartReceiver, until
from notifications.delivery.transport import PinnedAddressBackend

SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItcG9vbC10ZXN0cw=="


async def post(client: WebhookClient, url: str) -> int | None:
    """Send one signed delivery and return the status code."""
    result = await send(
        client=client,
        url=url,
        webhook_id="msg_pool",
        timestamp=datetime.now(UTC),
        body=b"{}",
        secrets=[SECRET],
    )
    return result.status_code


def make_pool(config: DeliveryConfig, *, max_idle: int, expiry: float) -> PinnedPool:
    """Return a pool that may reach loopback."""
    return PinnedPool(
        network_backend=PinnedAddressBackend(policy=config.url_policy),
        ssl_context=ssl.create_default_context(),
        max_connections=8,
        max_idle=max_idle,
        keepalive_expiry=expiry,
    )


async def exchange(pool: PinnedPool, url: str) -> int:
    """Send a bare GET through the pool, read and close the response."""
    request = httpcore.Request("GET", url, headers=[(b"host", b"127.0.0.1")])
    response = await pool.handle_async_request(request)
    await response.aread()
    await response.aclose()
    return response.status


class TestKeepAlive:
    async def test_sequential_deliveries_share_one_connection(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(204))
        statuses = [await post(client, receiver.url()) for _ in range(5)]
        assert statuses == [204] * 5
        assert receiver.connections == 1

    async def test_connection_with_an_unread_body_is_not_reused(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(200, body=b"x" * 100_000), Reply(204))
        await post(client, receiver.url())
        assert await post(client, receiver.url()) == 204
        assert receiver.connections == 2

    async def test_connection_closed_by_the_receiver_is_replaced(
        self, receivers: StartReceiver, client: WebhookClient
    ) -> None:
        receiver = await receivers(Reply(204, close=True))
        assert await post(client, receiver.url()) == 204
        await receiver.wait_for_requests(1)
        for _ in range(50):
            await asyncio.sleep(0)
        assert await post(client, receiver.url()) == 204
        assert receiver.connections == 2

    async def test_expired_idle_connection_is_replaced(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        receiver = await receivers(Reply(204))
        pool = make_pool(loopback_config, max_idle=8, expiry=1e-9)
        async with pool:
            assert [await exchange(pool, receiver.url()) for _ in range(2)] == [204, 204]
        assert receiver.connections == 2

    async def test_idle_connections_beyond_the_cap_are_closed(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        first, second = await receivers(Reply(204)), await receivers(Reply(204))
        pool = make_pool(loopback_config, max_idle=1, expiry=60.0)
        async with pool:
            await asyncio.gather(exchange(pool, first.url()), exchange(pool, second.url()))
            assert pool.idle_connections == 1
        assert pool.idle_connections == 0


class TestConnectionBound:
    async def test_waiting_longer_than_the_pool_timeout_is_a_timeout(
        self, receivers: StartReceiver, loopback_config: DeliveryConfig
    ) -> None:
        hanging = await receivers(Reply(hang=True))
        healthy = await receivers(Reply(204))
        config = replace(loopback_config, max_concurrency=1, pool_timeout=0.2, read_timeout=30.0)
        async with build_client(config) as client:
            stuck = asyncio.create_task(post(client, hanging.url()))
            await hanging.wait_for_requests(1)
            result = await send(
                client=client,
                url=healthy.url(),
                webhook_id="msg_pool",
                timestamp=datetime.now(UTC),
                body=b"{}",
                secrets=[SECRET],
            )
            assert result.error_kind is ErrorKind.TIMEOUT
            assert "PoolTimeout" in (result.error_message or "")
            assert healthy.requests == []
            stuck.cancel()
            await asyncio.gather(stuck, return_exceptions=True)


class TestStreams:
    async def test_peer_close_makes_the_stream_readable(self, receivers: StartReceiver) -> None:
        receiver = await receivers(Reply(204, close=True))
        stream = await open_tcp_stream("127.0.0.1", receiver.port, timeout=5.0)
        assert not stream.get_extra_info("is_readable")
        await stream.write(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n", timeout=5.0)
        assert (await stream.read(65536, timeout=5.0)).startswith(b"HTTP/1.1 204")
        await until(lambda: bool(stream.get_extra_info("is_readable")))
        await stream.aclose()

    async def test_refused_connect_is_a_connect_error(self, receivers: StartReceiver) -> None:
        receiver = await receivers()
        port = receiver.port
        await receiver.close()
        with pytest.raises(httpcore.ConnectError):
            await open_tcp_stream("127.0.0.1", port, timeout=5.0)

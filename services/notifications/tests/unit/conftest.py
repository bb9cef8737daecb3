"""Fixtures for the delivery tests: loopback receivers and a client permitted to reach them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from notifications.delivery.client import WebhookClient
from notifications.delivery.config import DeliveryConfig
from notifications.delivery.sender import build_client
from notifications.delivery.testing import Receivers, StartReceiver
from notifications.delivery.url_safety import loopback_networks


@pytest.fixture
async def receivers() -> AsyncIterator[StartReceiver]:
    """Start loopback receivers on demand and close them after the test."""
    async with Receivers() as started:
        yield started.start


@pytest.fixture
def loopback_config() -> DeliveryConfig:
    """Delivery settings of the tests: plain http and loopback permitted, short timeouts."""
    return DeliveryConfig(
        require_https=False,
        allowed_networks=loopback_networks(),
        connect_timeout=2.0,
        read_timeout=1.0,
        attempt_deadline=10.0,
    )


@pytest.fixture
async def client(loopback_config: DeliveryConfig) -> AsyncIterator[WebhookClient]:
    """A sender client that may reach loopback receivers."""
    async with build_client(loopback_config) as built:
        yield built

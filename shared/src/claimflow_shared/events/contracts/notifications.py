"""Events the notifications service publishes on ``notifications.events``."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from claimflow_shared.events.base import Event

TOPIC = "notifications.events"
SOURCE = "/claimflow/notifications"


class WebhookDelivered(Event):
    """A webhook delivery reached its subscriber (or was recorded for one)."""

    type: ClassVar[str] = "notifications.delivery.succeeded.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "delivery_id"

    delivery_id: str
    tenant_id: str
    subscription_id: str | None
    event_id: str
    event_type: str
    delivered_at: datetime

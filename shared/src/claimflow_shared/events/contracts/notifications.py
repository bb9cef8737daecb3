"""Events the notifications service publishes on ``notifications.events``."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from claimflow_shared.events.base import Event

TOPIC = "notifications.events"
SOURCE = "/claimflow/notifications"

DisableReason = Literal["consecutive_failures", "gone"]


class SubscriptionDisabled(Event):
    """The service disabled a subscription whose endpoint kept failing (or answered 410 Gone).

    ``consecutive_failures`` counts deliveries that failed for good in a row, not attempts. Its
    pending deliveries are kept and go out once the tenant enables the subscription again.
    """

    type: ClassVar[str] = "notifications.subscription.disabled.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE
    aggregate_field: ClassVar[str] = "subscription_id"

    subscription_id: str
    tenant_id: str
    reason: DisableReason
    consecutive_failures: int
    last_status_code: int | None = None
    disabled_at: datetime

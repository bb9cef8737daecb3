"""What the delivery log endpoints answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from notifications.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus


class AttemptOut(BaseModel):
    """One attempt of a delivery."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    outcome: str = Field(description="delivered, retrying or failed")
    error_kind: str | None
    error: str | None


class DeliveryOut(BaseModel):
    """A delivery of one event to one subscription; ``id`` is its ``webhook-id``."""

    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: str
    event_type: str
    subject: str | None
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def fields_of(cls, delivery: Delivery) -> dict[str, Any]:
        """The fields of ``delivery`` this schema shows."""
        return {
            "id": delivery.id,
            "subscription_id": delivery.subscription_id,
            "event_id": delivery.event_id,
            "event_type": delivery.event_type,
            "subject": delivery.subject,
            "status": delivery.status,
            "attempt_count": delivery.attempts,
            "next_attempt_at": delivery.next_attempt_at,
            "last_attempt_at": delivery.last_attempt_at,
            "last_status_code": delivery.last_status_code,
            "last_error": delivery.last_error,
            "delivered_at": delivery.delivered_at,
            "created_at": delivery.created_at,
        }

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryOut:
        """Show ``delivery``."""
        return cls(**cls.fields_of(delivery))


class DeliveryDetail(DeliveryOut):
    """A delivery with every attempt, first first."""

    attempts: list[AttemptOut]

    @classmethod
    def with_attempts(cls, delivery: Delivery, attempts: list[DeliveryAttempt]) -> DeliveryDetail:
        """Show ``delivery`` and its attempts."""
        return cls(
            **cls.fields_of(delivery), attempts=[AttemptOut.model_validate(a) for a in attempts]
        )


class DeliveryPage(BaseModel):
    """A page of deliveries, newest first; pass ``next_after`` as ``after`` for the next."""

    items: list[DeliveryOut]
    next_after: uuid.UUID | None


class Redelivered(BaseModel):
    """How many deliveries were put back on the schedule."""

    redelivered: int

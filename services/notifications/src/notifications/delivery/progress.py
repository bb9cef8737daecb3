"""How one attempt moves its delivery on: pure decisions on top of :mod:`retry`.

The scheduler claims :class:`ClaimedDelivery` rows, sends them, and turns each
:class:`Attempted` into a :class:`Progress` (what to write to the delivery and its log). A
delivery's retry schedule restarts when someone asks for a redelivery, so the schedule is
counted from ``retry_base``, the attempts made before that request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from notifications.delivery.models import DeliveryStatus
from notifications.delivery.outcome import AttemptResult
from notifications.delivery.retry import (
    DEFAULT_RETRY_POLICY,
    Disposition,
    RandomSource,
    RetryPolicy,
    classify,
    next_attempt,
)
from notifications.subscriptions.repository import FailureTally

ERROR_LIMIT = 500


class Outcome(StrEnum):
    """What an attempt meant for its delivery (the ``outcome`` label of the metrics)."""

    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A due delivery claimed for one attempt, with what sending it needs."""

    id: uuid.UUID
    subscription_id: uuid.UUID
    tenant_id: str
    attempt: int
    retry_base: int
    event_type: str
    subject: str | None
    payload: bytes
    traceparent: str | None
    url: str
    secret_sealed: bytes
    previous_secret_sealed: bytes | None
    previous_secret_expires_at: datetime | None

    @property
    def webhook_id(self) -> str:
        """The ``webhook-id`` of every attempt of this delivery."""
        return str(self.id)

    def signs_with_previous(self, now: datetime) -> bool:
        """Whether a rotated-out secret still signs at ``now``."""
        expires = self.previous_secret_expires_at
        return self.previous_secret_sealed is not None and expires is not None and now < expires


@dataclass(frozen=True, slots=True)
class Attempted:
    """A claimed delivery after its attempt."""

    delivery: ClaimedDelivery
    attempted_at: datetime
    result: AttemptResult


@dataclass(frozen=True, slots=True)
class Progress:
    """What one attempt writes: the delivery's new state and the attempt's log entry."""

    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    tenant_id: str
    attempt: int
    attempted_at: datetime
    result: AttemptResult
    outcome: Outcome
    final_status: DeliveryStatus | None
    next_attempt_at: datetime | None

    @property
    def error_kind(self) -> str | None:
        """Why the attempt did not deliver, as a short kind."""
        kind = self.result.error_kind
        return None if kind is None else kind.value

    @property
    def error(self) -> str | None:
        """Why the attempt did not deliver, in words (bounded for the log)."""
        message = self.result.error_message
        return None if message is None else message[:ERROR_LIMIT]

    @property
    def delivered_at(self) -> datetime | None:
        """When the receiver's 2xx answer came, for a delivered attempt."""
        if self.outcome is not Outcome.DELIVERED:
            return None
        return self.attempted_at + timedelta(milliseconds=self.result.latency_ms)


def progress(
    attempted: Attempted,
    *,
    now: datetime,
    rng: RandomSource,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> Progress:
    """Decide what ``attempted`` means: delivered, retried at some time, or failed for good."""
    delivery, result = attempted.delivery, attempted.result
    disposition = classify(result)
    retry_at = None
    if disposition is not Disposition.DELIVERED:
        round_attempt = max(1, delivery.attempt - delivery.retry_base)
        retry_at = next_attempt(
            attempt_number=round_attempt, outcome=result, now=now, rng=rng, policy=policy
        )
    outcome, final = _outcome(disposition, retry_at)
    return Progress(
        delivery_id=delivery.id,
        subscription_id=delivery.subscription_id,
        tenant_id=delivery.tenant_id,
        attempt=delivery.attempt,
        attempted_at=attempted.attempted_at,
        result=result,
        outcome=outcome,
        final_status=final,
        next_attempt_at=retry_at,
    )


def _outcome(
    disposition: Disposition, retry_at: datetime | None
) -> tuple[Outcome, DeliveryStatus | None]:
    """Return the outcome and the final status (None while retries remain)."""
    if disposition is Disposition.DELIVERED:
        return Outcome.DELIVERED, DeliveryStatus.SUCCEEDED
    if retry_at is None:
        return Outcome.FAILED, DeliveryStatus.FAILED
    return Outcome.RETRYING, None


def failure_tallies(ended: Iterable[Progress]) -> list[FailureTally]:
    """Return each subscription's change of failure run after deliveries that ended, in order."""
    runs: dict[uuid.UUID, tuple[bool, int]] = {}
    for item in ended:
        reset, failures = runs.get(item.subscription_id, (False, 0))
        if item.outcome is Outcome.DELIVERED:
            runs[item.subscription_id] = (True, 0)
        else:
            runs[item.subscription_id] = (reset, failures + 1)
    return [FailureTally(sid, reset, failures) for sid, (reset, failures) in runs.items()]

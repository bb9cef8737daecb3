"""What an attempt means for its delivery, the event types handled, the body sent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import orjson

from claimflow_shared.events import REGISTRY, Envelope
from claimflow_shared.events.contracts import ClaimStatusChanged
from notifications.delivery.handlers import WEBHOOK_EVENT_TYPES, handlers
from notifications.delivery.models import DeliveryStatus
from notifications.delivery.outcome import AttemptResult, ErrorKind
from notifications.delivery.payload import webhook_body
from notifications.delivery.progress import (
    Attempted,
    ClaimedDelivery,
    Outcome,
    Progress,
    failure_tallies,
    progress,
)
from notifications.delivery.testing import MidpointRandom
from notifications.subscriptions.repository import FailureTally

T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
SUB_A = uuid.UUID("00000000-0000-4000-8000-00000000000a")
SUB_B = uuid.UUID("00000000-0000-4000-8000-00000000000b")


def claimed(
    *, attempt: int = 1, retry_base: int = 0, subscription: uuid.UUID = SUB_A
) -> ClaimedDelivery:
    """A claimed delivery at its ``attempt``-th attempt."""
    return ClaimedDelivery(
        id=uuid.uuid4(), subscription_id=subscription, tenant_id="tenant-a", attempt=attempt,
        retry_base=retry_base, event_type="claims.claim.status_changed.v1", subject="claim-1",
        payload=b"{}", traceparent=None, url="https://hooks.example.test/in",
        secret_sealed=b"", previous_secret_sealed=None, previous_secret_expires_at=None,
    )  # fmt: skip


def after(delivery: ClaimedDelivery, status: int | None, **extra: object) -> Progress:
    """The progress of one attempt answered with ``status``."""
    result = AttemptResult(status_code=status, latency_ms=12.5, **extra)  # type: ignore[arg-type]
    attempted = Attempted(delivery=delivery, attempted_at=T0, result=result)
    return progress(attempted, now=T0, rng=MidpointRandom())


class TestProgress:
    def test_a_2xx_delivers_when_the_answer_came(self) -> None:
        done = after(claimed(), 204)
        assert (done.outcome, done.final_status, done.next_attempt_at) == (
            Outcome.DELIVERED, DeliveryStatus.SUCCEEDED, None,
        )  # fmt: skip
        assert done.delivered_at == T0 + timedelta(milliseconds=12.5)

    def test_a_retried_failure_follows_the_schedule_from_the_last_redelivery(self) -> None:
        assert after(claimed(attempt=1), 500).next_attempt_at == T0 + timedelta(seconds=5)
        assert after(claimed(attempt=3), 500).next_attempt_at == T0 + timedelta(minutes=30)
        fresh = after(claimed(attempt=9, retry_base=8), 500)
        assert (fresh.outcome, fresh.next_attempt_at) == (
            Outcome.RETRYING, T0 + timedelta(seconds=5),
        )  # fmt: skip

    def test_the_last_attempt_of_a_round_fails_for_good(self) -> None:
        last = after(claimed(attempt=8), 503)
        assert (last.outcome, last.final_status, last.next_attempt_at) == (
            Outcome.FAILED, DeliveryStatus.FAILED, None,
        )  # fmt: skip

    def test_errors_are_kept_short(self) -> None:
        failed = after(
            claimed(), None, error_kind=ErrorKind.CONNECTION, error_message="refused " * 200
        )
        assert failed.error_kind == "connection"
        assert failed.error is not None and len(failed.error) == 500


class TestFailureTallies:
    def test_a_success_restarts_the_run_and_later_failures_count_from_it(self) -> None:
        ended = [
            after(claimed(subscription=SUB_A), 400),
            after(claimed(subscription=SUB_B), 400),
            after(claimed(subscription=SUB_A), 204),
            after(claimed(subscription=SUB_A), 410),
            after(claimed(subscription=SUB_B), 400),
        ]
        assert failure_tallies(ended) == [
            FailureTally(SUB_A, reset=True, failures=1),
            FailureTally(SUB_B, reset=False, failures=2),
        ]


class TestHandledTypes:
    def test_only_registered_types_get_a_handler(self) -> None:
        known = {ClaimStatusChanged.type: ClaimStatusChanged}
        assert list(handlers(clock=lambda: T0, registered=known)) == [ClaimStatusChanged.type]

    def test_with_the_full_registry_every_registered_webhook_type_is_handled(self) -> None:
        expected = [t for t in WEBHOOK_EVENT_TYPES if t in REGISTRY.all()]
        assert ClaimStatusChanged.type in expected
        assert list(handlers(clock=lambda: T0)) == expected


class TestBody:
    def test_the_body_is_a_structured_cloudevent_with_the_contract_fields(self) -> None:
        event = ClaimStatusChanged(
            claim_id="claim-1", tenant_id="tenant-a", from_status=None, to_status="received",
            reason="submitted", changed_at=T0,
        )  # fmt: skip
        envelope = Envelope.wrap(event)
        body = orjson.loads(webhook_body(envelope, event))
        assert body == {
            "specversion": "1.0",
            "id": envelope.id,
            "type": "claims.claim.status_changed.v1",
            "source": "/claimflow/claims",
            "subject": "claim-1",
            "time": envelope.time.isoformat(),
            "datacontenttype": "application/json",
            "data": event.model_dump(mode="json"),
        }
        assert body["data"]["changed_at"] == "2025-06-01T09:00:00Z"

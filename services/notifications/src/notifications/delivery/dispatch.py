"""Send one claimed delivery: open its secrets, wait for its slots, attempt it in its trace.

Each attempt is one client span whose parent is the consumer span that created the delivery (its
``traceparent`` is stored on the row), so one claim's trace reaches the webhook. The span carries
the HTTP attributes itself and its ``traceparent`` goes to the receiver: a second, httpx-made
span per request cost the worker about a fifth of its CPU per delivery and told nothing more.
The span is started and ended by hand, never made the current span: nothing beneath it reads
the context, so attaching and detaching it would be work per attempt for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from notifications.delivery.client import WebhookClient
from notifications.delivery.concurrency import DeliveryLimiter
from notifications.delivery.config import DeliveryConfig
from notifications.delivery.outcome import AttemptResult, ErrorKind
from notifications.delivery.payload import parent_context, traceparent_of
from notifications.delivery.progress import Attempted, ClaimedDelivery
from notifications.delivery.retry import classify
from notifications.delivery.sender import send
from notifications.subscriptions.sealing import SealingError, SecretBox

Clock = Callable[[], datetime]
SPAN_NAME = "deliver webhook"


class Dispatcher:
    """Attempts claimed deliveries on a shared client within the configured bounds."""

    def __init__(
        self,
        *,
        client: WebhookClient,
        config: DeliveryConfig,
        box: SecretBox,
        tracer: trace.Tracer,
        clock: Clock,
    ) -> None:
        self._client = client
        self._config = config
        self._box = box
        self._tracer = tracer
        self._clock = clock
        self._limiter = DeliveryLimiter.from_config(config)

    async def attempt(self, delivery: ClaimedDelivery) -> Attempted:
        """Make one attempt of ``delivery``; never raises for what the receiver does."""
        host = urlsplit(delivery.url).hostname or ""
        async with self._limiter.slot(subscription_id=str(delivery.subscription_id), host=host):
            attempted_at = self._clock()
            span = self._tracer.start_span(
                SPAN_NAME,
                context=parent_context(delivery.traceparent),
                kind=SpanKind.CLIENT,
                attributes=_attributes(delivery, host),
            )
            try:
                result = await self._send(delivery, attempted_at, traceparent_of(span))
                _annotate(span, result)
            except BaseException as error:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise
            finally:
                span.end()
        return Attempted(delivery=delivery, attempted_at=attempted_at, result=result)

    async def _send(
        self, delivery: ClaimedDelivery, attempted_at: datetime, traceparent: str | None
    ) -> AttemptResult:
        """Sign and send, or describe why the delivery could not be signed."""
        try:
            secrets = self._secrets(delivery, attempted_at)
        except SealingError as error:
            return AttemptResult(
                status_code=None,
                latency_ms=0.0,
                error_kind=ErrorKind.SIGNING,
                error_message=f"the signing secret cannot be opened: {error}",
            )
        return await send(
            client=self._client,
            url=delivery.url,
            webhook_id=delivery.webhook_id,
            timestamp=attempted_at,
            body=delivery.payload,
            secrets=secrets,
            body_limit=self._config.response_body_limit,
            deadline=self._config.attempt_deadline,
            traceparent=traceparent,
        )

    def _secrets(self, delivery: ClaimedDelivery, now: datetime) -> list[str]:
        """The current secret, and the previous one while its overlap lasts."""
        context = delivery.subscription_id.bytes
        secrets = [self._box.open(delivery.secret_sealed, context=context)]
        if delivery.previous_secret_sealed is not None and delivery.signs_with_previous(now):
            secrets.append(self._box.open(delivery.previous_secret_sealed, context=context))
        return secrets


def _attributes(delivery: ClaimedDelivery, host: str) -> dict[str, str | int]:
    """The span attributes naming the delivery (ids and types only) and its receiving host."""
    attributes: dict[str, str | int] = {
        "http.request.method": "POST",
        "server.address": host,
        "claimflow.delivery_id": delivery.webhook_id,
        "claimflow.subscription_id": str(delivery.subscription_id),
        "claimflow.webhook.attempt": delivery.attempt,
        "cloudevents.event_type": delivery.event_type,
    }
    if delivery.subject is not None:
        attributes["cloudevents.event_subject"] = delivery.subject
    return attributes


def _annotate(span: trace.Span, result: AttemptResult) -> None:
    """Record the attempt's answer on its span."""
    span.set_attribute("claimflow.webhook.disposition", classify(result).value)
    if result.status_code is not None:
        span.set_attribute("http.response.status_code", result.status_code)
    if not result.succeeded:
        span.set_status(Status(StatusCode.ERROR, result.error_message or "not delivered"))

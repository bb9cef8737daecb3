"""One trace from the consumed event to the webhook, and the webhook metrics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from claimflow_shared.observability.prometheus import render_prometheus
from claimflow_shared.runtime import Runtime
from notifications.delivery.testing import ManualClock, Receivers, Reply

PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PRODUCER_SPAN = "00f067aa0ba902b7"


class TestTrace:
    async def test_each_attempt_is_one_client_span_in_the_consumed_events_trace(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, spans: InMemorySpanExporter, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(503), Reply(204))
        await subscribe(receiver.url())
        traceparent = f"00-{PRODUCER_TRACE}-{PRODUCER_SPAN}-01"
        await publish(claim_event(), headers=[("traceparent", traceparent.encode())])
        async with scheduler() as running:
            await running.run_once()
            clock.advance(timedelta(seconds=5))
            await running.run_once()

        finished = spans.get_finished_spans()
        [consumer] = [s for s in finished if s.kind is SpanKind.CONSUMER]
        attempts = [s for s in finished if s.name == "deliver webhook"]
        assert format(consumer.context.trace_id, "032x") == PRODUCER_TRACE
        assert len(attempts) == 2
        for attempt in attempts:
            assert attempt.kind is SpanKind.CLIENT
            assert attempt.context.trace_id == consumer.context.trace_id
            assert attempt.parent is not None
            assert attempt.parent.span_id == consumer.context.span_id
            assert attempt.attributes["http.request.method"] == "POST"
            assert attempt.attributes["server.address"] == "127.0.0.1"
        assert [a.attributes["claimflow.webhook.attempt"] for a in attempts] == [1, 2]
        assert [a.attributes["http.response.status_code"] for a in attempts] == [503, 204]
        carried = [r.headers["traceparent"].split("-") for r in receiver.requests]
        assert {trace_id for _, trace_id, _, _ in carried} == {PRODUCER_TRACE}
        assert [span_id for _, _, span_id, _ in carried] == [
            format(a.context.span_id, "016x") for a in attempts
        ]
        assert not [s for s in finished if s.kind is SpanKind.CLIENT and s.name == "POST"]


class TestMetrics:
    async def test_attempts_are_counted_by_outcome_with_their_latency(
        self, receivers: Receivers, subscribe: Any, publish: Any, claim_event: Any,
        scheduler: Any, runtime: Runtime, clock: ManualClock,
    ) -> None:  # fmt: skip
        receiver = await receivers.start(Reply(500), Reply(204), Reply(404))
        await subscribe(receiver.url())
        await publish(claim_event("claim-0001"))
        async with scheduler() as running:
            await running.run_once()
            clock.advance(timedelta(seconds=5))
            await running.run_once()
            await publish(claim_event("claim-0002"))
            await running.run_once()

        text = render_prometheus(runtime.telemetry.reader, service="notifications")
        counts = {
            outcome: f'claimflow_webhook_deliveries_total{{service="notifications",'
            f'outcome="{outcome}"}} 1'
            for outcome in ("retrying", "delivered", "failed")
        }
        for line in counts.values():
            assert line in text.splitlines()
        assert (
            'claimflow_webhook_latency_seconds_count{service="notifications",outcome="delivered"} 1'
            in text.splitlines()
        )
        assert "# TYPE claimflow_webhook_latency_seconds histogram" in text

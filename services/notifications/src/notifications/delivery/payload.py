"""What a subscriber receives, and the trace context a delivery carries to its attempts."""

from __future__ import annotations

import orjson
from opentelemetry import context, trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from claimflow_shared.events import Envelope, Event

TRACEPARENT = "traceparent"
_W3C = TraceContextTextMapPropagator()


def webhook_body(envelope: Envelope, event: Event) -> bytes:
    """The event as a CloudEvent in structured JSON mode: id, type, source, time, data.

    ``data`` is the contract's fields only, so a field a producer adds reaches subscribers
    once the contract names it, not before.
    """
    document = {
        "specversion": "1.0",
        "id": envelope.id,
        "type": envelope.type,
        "source": envelope.source,
        "subject": envelope.subject,
        "time": envelope.time.isoformat(),
        "datacontenttype": "application/json",
        "data": event.model_dump(mode="json"),
    }
    return orjson.dumps(document)


def traceparent_of(span: trace.Span) -> str | None:
    """The W3C ``traceparent`` naming ``span`` as the parent, or None if it has no context.

    Formatted here rather than by the propagator: the worker asks once per attempt.
    """
    span_context = span.get_span_context()
    if not span_context.is_valid:
        return None
    return (
        f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}"
        f"-{span_context.trace_flags:02x}"
    )


def parent_context(traceparent: str | None) -> context.Context:
    """The trace context a stored ``traceparent`` names (an empty one if None)."""
    return _W3C.extract({TRACEPARENT: traceparent} if traceparent else {})

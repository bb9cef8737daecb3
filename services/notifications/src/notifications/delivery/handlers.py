"""Turn status events into deliveries, one per matching enabled subscription of the tenant.

The handler runs in the consumer's transaction, so the deliveries are written together with
the inbox row: an event redelivered by the bus creates none the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from claimflow_shared.events import REGISTRY, Event
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from notifications.delivery import service
from notifications.delivery.payload import traceparent_of

WEBHOOK_EVENT_TYPES = (
    "claims.claim.status_changed.v1",
    "priorauth.authorization.status_changed.v1",
    "priorauth.authorization.due_soon.v1",
    "priorauth.authorization.overdue.v1",
    "codecatalog.application.status_changed.v1",
)


def handlers(
    *, clock: Callable[[], datetime], registered: Mapping[str, type[Event]] | None = None
) -> dict[str, Handler]:
    """The handler of each webhook event type whose contract is registered."""
    known = REGISTRY.all() if registered is None else registered

    async def on_status_event(ctx: HandlerContext, event: Event) -> None:
        """Create the event's deliveries in the consumer's transaction."""
        created = await service.fan_out(
            session=ctx.session,
            envelope=ctx.envelope,
            event=event,
            traceparent=traceparent_of(ctx.span),
            now=clock(),
        )
        ctx.span.set_attribute("claimflow.webhook.deliveries", created)

    return {
        event_type: on_status_event for event_type in WEBHOOK_EVENT_TYPES if event_type in known
    }

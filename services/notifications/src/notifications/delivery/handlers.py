"""Turn status events into deliveries, one per matching enabled subscription of the tenant.

The handler takes a run of events at once and runs in the consumer's transaction, so the
deliveries are written together with the inbox rows: an event redelivered by the bus creates
none the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from claimflow_shared.events import REGISTRY, Event
from claimflow_shared.messaging.consumer import BatchHandler, Handler, HandlerContext
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

    async def on_status_events(items: Sequence[tuple[HandlerContext, Event]]) -> None:
        """Create the events' deliveries in the consumer's transaction, in one insert."""
        created = await service.fan_out_many(
            session=items[0][0].session,
            announcements=[
                service.Announcement(ctx.envelope, event, traceparent_of(ctx.span))
                for ctx, event in items
            ],
            now=clock(),
        )
        for (ctx, _), count in zip(items, created, strict=True):
            ctx.span.set_attribute("claimflow.webhook.deliveries", count)

    on_status_event = BatchHandler(on_status_events)
    return {
        event_type: on_status_event for event_type in WEBHOOK_EVENT_TYPES if event_type in known
    }

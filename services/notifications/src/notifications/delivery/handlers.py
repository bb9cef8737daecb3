"""Turn status events into deliveries (thin first version: record one per event)."""

from __future__ import annotations

from claimflow_shared.events.contracts import ClaimStatusChanged
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from notifications.delivery.models import Delivery

TENANT_RECORD = "tenant-record"


async def on_claim_status_changed(ctx: HandlerContext, event: ClaimStatusChanged) -> None:
    """Record a delivery of the status change for the claim's tenant."""
    ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
    ctx.span.set_attribute("claimflow.claim_status", event.to_status)
    ctx.session.add(
        Delivery(
            tenant_id=event.tenant_id,
            subscription_id=TENANT_RECORD,
            event_id=ctx.envelope.id,
            event_type=event.type,
            subject=event.claim_id,
            status="recorded",
        )
    )


HANDLERS: dict[str, Handler] = {ClaimStatusChanged.type: on_claim_status_changed}

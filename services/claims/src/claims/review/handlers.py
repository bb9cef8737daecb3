"""Consumer of the review results from code-catalog and prior-auth."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from opentelemetry import trace

from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
)
from claimflow_shared.messaging.consumer import BatchHandler, Handler, HandlerContext
from claims.review import service


def review_handlers(clock: Callable[[], datetime]) -> dict[str, Handler]:
    """One handler joining both results, a run of them at a time, reading time from the clock."""

    async def join(items: Sequence[tuple[HandlerContext, service.ReviewResult]]) -> None:
        """Join the results into their claims; a status change joins its result's trace."""
        arrivals = []
        for ctx, event in items:
            ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
            arrivals.append(service.Arrival(event, trace.set_span_in_context(ctx.span)))
        await service.record_results(session=items[0][0].session, arrivals=arrivals, now=clock())

    handler = BatchHandler(join)
    return {ClaimCodeReviewCompleted.type: handler, ClaimAuthorizationCheckCompleted.type: handler}

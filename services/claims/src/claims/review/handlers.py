"""Consumers of the review results from code-catalog and prior-auth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
)
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from claims.review import service


def review_handlers(clock: Callable[[], datetime]) -> dict[str, Handler]:
    """The handlers of both review results, reading time from the clock."""

    async def on_code_review(ctx: HandlerContext, event: ClaimCodeReviewCompleted) -> None:
        """Join code-catalog's result into the claim."""
        ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
        await service.record_code_review(session=ctx.session, event=event, now=clock())

    async def on_auth_check(ctx: HandlerContext, event: ClaimAuthorizationCheckCompleted) -> None:
        """Join prior-auth's result into the claim."""
        ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
        await service.record_auth_check(session=ctx.session, event=event, now=clock())

    return {
        ClaimCodeReviewCompleted.type: on_code_review,
        ClaimAuthorizationCheckCompleted.type: on_auth_check,
    }

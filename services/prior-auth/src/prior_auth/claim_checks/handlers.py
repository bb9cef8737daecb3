"""Consumers: check submitted claims, give back units of rejected claims, and re-check the
claims waiting on an authorization when the payer decides it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from claimflow_shared.events.contracts import (
    AuthorizationStatusChanged,
    ClaimStatusChanged,
    ClaimSubmitted,
)
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.status import Action
from prior_auth.claim_checks import service

REJECTED = "rejected"


def claim_handlers(clock: Callable[[], datetime]) -> dict[str, Handler]:
    """The handlers of claims' events, reading time from the clock."""

    async def on_claim_submitted(ctx: HandlerContext, event: ClaimSubmitted) -> None:
        """Answer, per line, whether an authorization is required and covers it."""
        ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
        ctx.publish(await service.check_submitted(session=ctx.session, event=event, now=clock()))

    async def on_claim_status_changed(ctx: HandlerContext, event: ClaimStatusChanged) -> None:
        """Give back the units of a claim the claims service rejected."""
        if event.to_status != REJECTED:
            return
        ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
        await service.release(
            session=ctx.session, claim_id=event.claim_id, reason="claim_rejected", now=clock()
        )

    return {
        ClaimSubmitted.type: on_claim_submitted,
        ClaimStatusChanged.type: on_claim_status_changed,
    }


def recheck_handlers(clock: Callable[[], datetime]) -> dict[str, Handler]:
    """The handler of prior-auth's own decisions, reading time from the clock."""

    async def on_authorization_decided(
        ctx: HandlerContext, event: AuthorizationStatusChanged
    ) -> None:
        """Re-check the patient's waiting claims after any payer decision."""
        if event.action != Action.DECIDE.value:
            return
        ctx.span.set_attribute("claimflow.authorization_id", event.authorization_id)
        authorization = await AuthorizationRepository(ctx.session).get(
            uuid.UUID(event.authorization_id)
        )
        if authorization is None:
            return
        for answer in await service.recheck_pending(
            session=ctx.session, authorization=authorization, now=clock()
        ):
            ctx.publish(answer)

    return {AuthorizationStatusChanged.type: on_authorization_decided}

"""Consumers: check submitted claims, give back units of rejected claims, and re-check the
claims waiting on an authorization when the payer decides it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from claimflow_shared.events.contracts import (
    AuthorizationStatusChanged,
    ClaimStatusChanged,
    ClaimSubmitted,
)
from claimflow_shared.messaging.consumer import BatchHandler, Handler, HandlerContext
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.status import Action
from prior_auth.claim_checks import service

REJECTED = "rejected"


def claim_handlers(clock: Callable[[], datetime]) -> dict[str, Handler]:
    """One handler of claims' events, a run of them at a time, reading time from the clock:
    answer submitted claims per line, give back the units of claims the claims service
    rejected."""

    async def on_claims_events(items: Sequence[tuple[HandlerContext, Any]]) -> None:
        """Check runs of submitted claims together; a rejection in between is applied in its
        place, so a later claim of the patient can draw the units it gave back."""
        submitted: list[tuple[HandlerContext, ClaimSubmitted]] = []
        for ctx, event in items:
            if isinstance(event, ClaimSubmitted):
                ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
                submitted.append((ctx, event))
            elif event.to_status == REJECTED:
                ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
                await _check(submitted, clock)
                submitted = []
                await service.release(
                    session=ctx.session,
                    claim_id=event.claim_id,
                    reason="claim_rejected",
                    now=clock(),
                )
        await _check(submitted, clock)

    handler = BatchHandler(on_claims_events, wants=_acted_on)
    return {ClaimSubmitted.type: handler, ClaimStatusChanged.type: handler}


def _acted_on(event: ClaimSubmitted | ClaimStatusChanged) -> bool:
    """Submitted claims and rejections; every other status change passes by (two of a
    claim's three events), without an inbox row or a span."""
    return isinstance(event, ClaimSubmitted) or event.to_status == REJECTED


async def _check(
    submitted: Sequence[tuple[HandlerContext, ClaimSubmitted]], clock: Callable[[], datetime]
) -> None:
    """Answer submitted claims, each answer in its claim's trace."""
    if not submitted:
        return
    answers = await service.check_many(
        session=submitted[0][0].session, events=[event for _, event in submitted], now=clock()
    )
    for (ctx, _), answer in zip(submitted, answers, strict=True):
        ctx.publish(answer)


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

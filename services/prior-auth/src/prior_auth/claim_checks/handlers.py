"""The authorization check of submitted claims (thin first version: requirement lookup)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts import ClaimAuthorizationCheckCompleted, ClaimSubmitted
from claimflow_shared.events.contracts.claims import SubmittedLine
from claimflow_shared.events.contracts.priorauth import LineAuthorization
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from prior_auth.authorizations.models import Requirement


async def _requirements(session: AsyncSession, payer_id: str) -> list[Requirement]:
    rows = await session.scalars(select(Requirement).where(Requirement.payer_id == payer_id))
    return list(rows.all())


def _check(line: SubmittedLine, rules: list[Requirement]) -> LineAuthorization:
    on = line.service_date_from
    for rule in rules:
        active = rule.effective_from <= on and (
            rule.effective_to is None or on <= rule.effective_to
        )
        if (
            active
            and len(rule.code_from) == len(line.code)
            and rule.code_from <= line.code <= rule.code_to
        ):
            return LineAuthorization(
                line=line.line_number,
                status="missing",
                rule_id=str(rule.id),
                message=f"{line.code} needs an authorization",
            )
    return LineAuthorization(line=line.line_number, status="not_required")


async def on_claim_submitted(ctx: HandlerContext, event: ClaimSubmitted) -> None:
    """Answer, per line, whether an authorization is required and present."""
    ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
    rules = await _requirements(ctx.session, event.payer_id)
    ctx.publish(
        ClaimAuthorizationCheckCompleted(
            claim_id=event.claim_id,
            tenant_id=event.tenant_id,
            lines=[_check(line, rules) for line in event.lines],
            checked_at=datetime.now(UTC),
        )
    )


HANDLERS: dict[str, Handler] = {ClaimSubmitted.type: on_claim_submitted}

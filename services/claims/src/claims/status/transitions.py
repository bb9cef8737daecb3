"""Recording status changes: validated, written to the history, announced through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from opentelemetry import context as otel_context
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts import ClaimStatusChanged
from claimflow_shared.messaging import outbox
from claimflow_shared.telemetry import traced_by
from claims.records.models import Claim, ClaimTransition
from claims.records.repository import ClaimRepository
from claims.records.together import Rows, write_together
from claims.status.machine import LIVE, ClaimStatus, check_transition


@dataclass(frozen=True, slots=True)
class Change:
    """One status change to record: from, to, why, by whom, with the rule codes behind it."""

    claim_id: uuid.UUID
    tenant_id: str
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    reason: str
    actor: str
    findings: tuple[str, ...] = ()
    related_claim_id: str | None = None
    # The trace the announcement joins when it is not the current one (group commit).
    trace_context: otel_context.Context | None = field(default=None, compare=False)

    def traced(self, context: otel_context.Context | None) -> Change:
        """The same change, announced in the trace of ``context``."""
        return replace(self, trace_context=context)


async def record(
    session: AsyncSession,
    changes: Sequence[Change],
    *,
    at: datetime,
    along: Rows | None = None,
    updating: Rows | None = None,
) -> None:
    """Validate, keep and announce status changes (the claims' own rows are the caller's).

    ``along`` are rows of other tables to insert in the same statement as the history (intake's
    lines and demographics), ``updating`` rows to update in it (the join's claims): one round
    trip for all of them.
    """
    for change in changes:
        check_transition(change.from_status, change.to_status)
    history = [
        {
            "claim_id": c.claim_id,
            "from_status": c.from_status,
            "to_status": c.to_status,
            "reason": c.reason,
            "actor": c.actor,
            "at": at,
        }
        for c in changes
    ]
    await write_together(
        session, update=updating, insert={**(along or {}), ClaimTransition: history}
    )
    for change in changes:
        with traced_by(change.trace_context):
            outbox.publish(session, _event(change, at))
    await ClaimRepository(session).release_fingerprints(
        c.claim_id for c in changes if c.from_status in LIVE and c.to_status not in LIVE
    )


def change_of(
    claim: Claim,
    target: ClaimStatus,
    *,
    reason: str,
    actor: str,
    findings: Sequence[str] = (),
    related_claim_id: str | None = None,
) -> Change:
    """The change that moves a loaded claim from where it is to ``target``."""
    return Change(
        claim_id=claim.id,
        tenant_id=claim.tenant_id,
        from_status=ClaimStatus(claim.status),
        to_status=target,
        reason=reason,
        actor=actor,
        findings=tuple(findings),
        related_claim_id=related_claim_id,
    )


def settle(claim: Claim, target: ClaimStatus, *, at: datetime) -> None:
    """Put a loaded claim in ``target``: a claim out of the ops queue is nobody's any more."""
    claim.status = target
    claim.updated_at = at
    if target not in (ClaimStatus.PENDED_AUTH, ClaimStatus.PENDED_REVIEW):
        claim.assigned_to, claim.assigned_at = None, None


async def move(
    session: AsyncSession,
    claim: Claim,
    target: ClaimStatus,
    *,
    reason: str,
    actor: str,
    at: datetime,
    findings: Sequence[str] = (),
    related_claim_id: str | None = None,
) -> None:
    """Move one loaded (row-locked) claim to ``target`` and record why."""
    change = change_of(
        claim,
        target,
        reason=reason,
        actor=actor,
        findings=findings,
        related_claim_id=related_claim_id,
    )
    await record(session, [change], at=at)
    settle(claim, target, at=at)


def _event(change: Change, at: datetime) -> ClaimStatusChanged:
    """The event announcing one change: ids, statuses and rule codes, no patient data."""
    return ClaimStatusChanged(
        claim_id=str(change.claim_id),
        tenant_id=change.tenant_id,
        from_status=change.from_status,
        to_status=change.to_status,
        reason=change.reason,
        changed_at=at,
        actor=change.actor,
        findings=list(change.findings),
        related_claim_id=change.related_claim_id,
    )

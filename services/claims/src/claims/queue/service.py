"""The ops queue's actions, each audited (who, when, why) and each on a row-locked claim.

A pended claim is taken by one person at a time; only the person holding it may override a
warning, reject it or return it to the submitter for correction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import Conflict, NotFound, ValidationFailed
from claims.dependencies import actor_of
from claims.queue.schemas import DecisionIn, OverrideIn, QueueItem, QueuePage, TakeIn
from claims.records.models import Claim, ReviewAction
from claims.records.repository import OVERRIDE, ClaimRepository
from claims.review.service import redecide
from claims.status import cursor
from claims.status.machine import PENDED, ClaimStatus
from claims.status.repository import ClaimListRepository
from claims.status.transitions import move
from claims.status.views import findings_with, summary


async def list_pended(
    *,
    session: AsyncSession,
    principal: Principal,
    statuses: frozenset[ClaimStatus] | None,
    page_cursor: str | None,
    limit: int,
) -> QueuePage:
    """Pended claims of the tenant, oldest first, each with its findings."""
    wanted = (statuses & PENDED) if statuses else PENDED
    claims = await ClaimListRepository(session).page(
        tenant_id=principal.tenant_id,
        statuses=wanted or frozenset({ClaimStatus.PENDED_REVIEW}),
        since=None,
        after=cursor.decode(page_cursor) if page_cursor else None,
        limit=limit + 1,
    )
    more, claims = len(claims) > limit, claims[:limit]
    overrides = await ClaimRepository(session).overrides_of(c.id for c in claims)
    last = claims[-1] if claims else None
    return QueuePage(
        items=[_item(c, overrides[c.id]) for c in claims],
        next_cursor=cursor.encode(cursor.Position(last.submitted_at, last.id))
        if more and last
        else None,
    )


async def take(
    *, session: AsyncSession, principal: Principal, claim_id: uuid.UUID, body: TakeIn, now: datetime
) -> QueueItem:
    """Assign a pended claim to the caller; another person's claim is a 409."""
    claim = await _pended(session, principal, claim_id)
    me = actor_of(principal)
    if claim.assigned_to not in (None, me):
        raise Conflict(
            f"Claim {claim_id} is taken by {claim.assigned_to}.", taken_by=claim.assigned_to
        )
    if claim.assigned_to is None:
        claim.assigned_to, claim.assigned_at, claim.updated_at = me, now, now
        _audit(session, claim, "take", me, body.reason, now)
    return await _current(session, claim)


async def override(
    *,
    session: AsyncSession,
    principal: Principal,
    claim_id: uuid.UUID,
    body: OverrideIn,
    now: datetime,
) -> QueueItem:
    """Override one warning; the claim is accepted when nothing else holds it."""
    claim = await _held(session, principal, claim_id)
    if ClaimStatus(claim.status) is not ClaimStatus.PENDED_REVIEW:
        raise Conflict(
            f"Only warnings of a pended_review claim can be overridden ({claim.status})."
        )
    if not _has_warning(claim, body.rule, body.line):
        raise ValidationFailed(
            f"Claim {claim_id} has no warning {body.rule}"
            + (f" on line {body.line}." if body.line is not None else "."),
            errors=[{"loc": ["body", "rule"], "msg": "no such warning", "type": "override"}],
        )
    me = actor_of(principal)
    detail = {"rule": body.rule, "line": body.line}
    _audit(session, claim, OVERRIDE, me, body.reason, now, detail)
    await session.flush()
    await redecide(session=session, claim=claim, now=now, actor=me)
    return await _current(session, claim)


async def reject(
    *,
    session: AsyncSession,
    principal: Principal,
    claim_id: uuid.UUID,
    body: DecisionIn,
    now: datetime,
) -> QueueItem:
    """Reject a pended claim the caller holds."""
    return await _decide(session, principal, claim_id, body, now, ClaimStatus.REJECTED, "reject")


async def return_to_submitter(
    *,
    session: AsyncSession,
    principal: Principal,
    claim_id: uuid.UUID,
    body: DecisionIn,
    now: datetime,
) -> QueueItem:
    """Return a pended claim the caller holds to the submitter for correction."""
    return await _decide(session, principal, claim_id, body, now, ClaimStatus.RETURNED, "return")


async def _decide(
    session: AsyncSession,
    principal: Principal,
    claim_id: uuid.UUID,
    body: DecisionIn,
    now: datetime,
    target: ClaimStatus,
    action: str,
) -> QueueItem:
    """Move a held claim to ``target`` with the person's reason, audited."""
    claim = await _held(session, principal, claim_id)
    me = actor_of(principal)
    _audit(session, claim, action, me, body.reason, now)
    await move(session, claim, target, reason=body.reason, actor=me, at=now, findings=("OPS",))
    return await _current(session, claim)


async def _pended(session: AsyncSession, principal: Principal, claim_id: uuid.UUID) -> Claim:
    """The tenant's claim, locked, if it is pended (404 / 409 otherwise)."""
    claim = await ClaimRepository(session).lock(claim_id, tenant_id=principal.tenant_id)
    if claim is None:
        raise NotFound(f"No claim {claim_id}.")
    if ClaimStatus(claim.status) not in PENDED:
        raise Conflict(
            f"Claim {claim_id} is {claim.status}, not pended.", current_status=claim.status
        )
    return claim


async def _held(session: AsyncSession, principal: Principal, claim_id: uuid.UUID) -> Claim:
    """A pended claim the caller has taken (409 unless it is theirs)."""
    claim = await _pended(session, principal, claim_id)
    if claim.assigned_to != actor_of(principal):
        holder = claim.assigned_to or "nobody"
        raise Conflict(
            f"Take claim {claim_id} first (held by {holder}).", taken_by=claim.assigned_to
        )
    return claim


def _has_warning(claim: Claim, rule: str, line: int | None) -> bool:
    """Whether code review left that warning on the claim."""
    findings = (claim.code_review or {}).get("findings", [])
    return any(
        f["severity"] == "warn" and f["rule"] == rule and (line is None or f.get("line") == line)
        for f in findings
    )


def _audit(
    session: AsyncSession,
    claim: Claim,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Keep who did what to the claim, when and why."""
    ClaimRepository(session).add_action(
        ReviewAction(
            claim_id=claim.id,
            action=action,
            actor=actor,
            reason=reason,
            detail=detail or {},
            at=now,
        )
    )


async def _current(session: AsyncSession, claim: Claim) -> QueueItem:
    """The claim as the queue shows it now."""
    overrides = await ClaimRepository(session).overrides(claim.id)
    return _item(claim, overrides)


def _item(claim: Claim, overrides: list[tuple[str, int | None]]) -> QueueItem:
    """A claim with its findings as the queue shows it."""
    return QueueItem(**summary(claim).model_dump(), findings=findings_with(claim, overrides))

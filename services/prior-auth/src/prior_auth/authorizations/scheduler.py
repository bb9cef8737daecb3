"""The deadline scheduler's pass: warn once when a decision is due soon, once when overdue,
and expire approvals whose dates have all passed.

A decision is awaited while the request is submitted, pended or contact payer, and again while
an appeal is open; the appeal has its own due time and its own warnings (``status`` in_appeal).

Rows are taken with ``FOR UPDATE SKIP LOCKED`` and marked in the same transaction as the
outbox row of their event, so several workers may run passes at once and each warning is
published exactly once. A request first seen already overdue gets only the overdue event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts import AuthorizationDueSoon, AuthorizationOverdue
from claimflow_shared.messaging import outbox
from prior_auth.authorizations import service
from prior_auth.authorizations.mapping import priority
from prior_auth.authorizations.models import Authorization
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.status import APPROVED_STATUSES, AWAITING_DECISION
from prior_auth.payers.policy import PayerPolicy

AWAITING_A_DECISION = tuple(sorted(status.value for status in AWAITING_DECISION))


@dataclass(frozen=True, slots=True)
class PassReport:
    """What one pass did."""

    due_soon: int = 0
    overdue: int = 0
    expired: int = 0

    @property
    def total(self) -> int:
        """Every event the pass caused."""
        return self.due_soon + self.overdue + self.expired


def _warning(
    kind: type[AuthorizationDueSoon] | type[AuthorizationOverdue],
    authorization: Authorization,
    codes: list[str],
    now: datetime,
) -> AuthorizationDueSoon | AuthorizationOverdue:
    """The warning event for one authorization."""
    return kind(
        authorization_id=str(authorization.id),
        tenant_id=authorization.tenant_id,
        payer_id=authorization.payer_id,
        priority=priority(authorization),
        codes=sorted(set(codes)),
        status=authorization.status,
        due_at=authorization.due_at,
        detected_at=now,
    )


async def publish_warnings(*, session: AsyncSession, now: datetime, limit: int) -> PassReport:
    """Publish the due-soon and overdue warnings that have come due, once each."""
    repository = AuthorizationRepository(session)
    rows = await repository.deadline_candidates(statuses=AWAITING_A_DECISION, now=now, limit=limit)
    codes = await repository.codes([row.id for row in rows])
    due_soon = overdue = 0
    for row in rows:
        if row.overdue_published_at is None and row.due_at < now:
            outbox.publish(session, _warning(AuthorizationOverdue, row, codes[row.id], now))
            row.overdue_published_at = now
            row.due_soon_published_at = row.due_soon_published_at or now
            overdue += 1
        elif row.due_soon_published_at is None and row.due_soon_at <= now:
            outbox.publish(session, _warning(AuthorizationDueSoon, row, codes[row.id], now))
            row.due_soon_published_at = now
            due_soon += 1
    return PassReport(due_soon=due_soon, overdue=overdue)


async def expire_approvals(*, session: AsyncSession, now: datetime, limit: int) -> int:
    """Expire approvals whose last approved date is behind the payer's today."""
    repository = AuthorizationRepository(session)
    rows = await repository.expiry_candidates(
        statuses=sorted(status.value for status in APPROVED_STATUSES),
        through=now.astimezone(UTC).date(),
        limit=limit,
    )
    expired = 0
    for row in rows:
        zone = ZoneInfo(PayerPolicy.from_json(row.deadline_policy).deadline.time_zone)
        today = now.astimezone(zone).date()
        lines = await repository.lines(row.id)
        last_day = max((line.approved_end for line in lines if line.approved_end), default=None)
        if last_day is not None and last_day < today:
            await service.expire(session=session, authorization_id=row.id, today=today, now=now)
            expired += 1
    return expired


async def overdue_now(*, session: AsyncSession, now: datetime) -> int:
    """How many requests (or appeals) wait for a decision past their due time."""
    return await AuthorizationRepository(session).count_overdue(
        statuses=AWAITING_A_DECISION, now=now
    )


async def run_pass(*, session: AsyncSession, now: datetime, limit: int) -> PassReport:
    """One scheduler pass: warnings first, then expiries."""
    warnings = await publish_warnings(session=session, now=now, limit=limit)
    expired = await expire_approvals(session=session, now=now, limit=limit)
    return PassReport(due_soon=warnings.due_soon, overdue=warnings.overdue, expired=expired)

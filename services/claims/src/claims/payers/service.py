"""Setting and reading payer policies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claims.payers.models import PayerPolicy
from claims.payers.repository import PayerPolicyRepository
from claims.payers.schemas import PayerPolicyIn


async def put_policy(
    *,
    session: AsyncSession,
    principal: Principal,
    payer_id: str,
    policy_in: PayerPolicyIn,
    now: datetime,
) -> PayerPolicy:
    """Create or change a payer's policy, recording who did it."""
    repository = PayerPolicyRepository(session)
    policy = await repository.get(payer_id)
    if policy is None:
        policy = PayerPolicy(payer_id=payer_id)
        repository.add(policy)
    policy.timely_filing_days = policy_in.timely_filing_days
    policy.updated_by = f"key:{principal.key_id}"
    policy.updated_at = now
    await session.flush()
    return policy


async def filing_limits(
    *, session: AsyncSession, payer_ids: set[str], default_days: int
) -> dict[str, int]:
    """The timely filing limit of each payer, the default where a payer has no policy."""
    known = await PayerPolicyRepository(session).filing_limits(payer_ids)
    return {payer_id: known.get(payer_id, default_days) for payer_id in payer_ids}

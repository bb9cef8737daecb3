"""Admin routes for payer policies (timely filing limit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import NotFound, ValidationFailed, error_responses
from claims.dependencies import SettingsDep
from claims.payers import service
from claims.payers.repository import PayerPolicyRepository
from claims.payers.schemas import PayerPolicyIn, PayerPolicyOut, PayerPolicyPage
from claims.routing import JsonRoute

router = APIRouter(
    prefix="/v1/payers",
    tags=["payers"],
    route_class=JsonRoute,
    dependencies=[Depends(require_roles(Role.ADMIN))],
)
PayerId = Annotated[str, Path(min_length=1, max_length=80)]


@router.get("")
async def list_policies(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    after: Annotated[str | None, Query(max_length=80)] = None,
) -> PayerPolicyPage:
    """Payer policies in payer id order."""
    policies = await PayerPolicyRepository(session).list(limit=limit + 1, after=after)
    more, policies = len(policies) > limit, policies[:limit]
    return PayerPolicyPage(
        items=[PayerPolicyOut.model_validate(p) for p in policies],
        next_after=policies[-1].payer_id if more and policies else None,
    )


@router.get("/{payer_id}", responses=error_responses(NotFound))
async def get_policy(payer_id: PayerId, session: SessionDep) -> PayerPolicyOut:
    """A payer's policy (a payer without one gets the service defaults)."""
    policy = await PayerPolicyRepository(session).get(payer_id)
    if policy is None:
        raise NotFound(f"No policy for payer {payer_id}; the defaults apply.")
    return PayerPolicyOut.model_validate(policy)


@router.put("/{payer_id}", responses=error_responses(ValidationFailed))
async def put_policy(
    payer_id: PayerId,
    body: PayerPolicyIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> PayerPolicyOut:
    """Set a payer's timely filing limit; later intakes use it."""
    policy = await service.put_policy(
        session=session,
        principal=principal,
        payer_id=payer_id,
        policy_in=body,
        now=settings.clock(),
    )
    return PayerPolicyOut.model_validate(policy)

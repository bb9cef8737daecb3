"""HTTP route for the CMS-0057-F prior-authorization metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from claimflow_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Forbidden, ValidationFailed, error_responses
from prior_auth.access import require_payer
from prior_auth.metrics import service
from prior_auth.metrics.schemas import MetricsOut

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])


def _aware(moment: datetime) -> datetime:
    """The instant, reading a naive datetime as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _payer_scope(principal: Principal, payer_id: str | None) -> str | None:
    """The payer asked about: ops and admins may ask for any or all, a payer for its own."""
    if principal.roles & {Role.ADMIN, Role.OPS}:
        return payer_id
    require_payer(principal, payer_id or principal.tenant_id)
    return principal.tenant_id


@router.get(
    "/prior-auth",
    dependencies=[Depends(require_roles(Role.PAYER, Role.OPS))],
    responses=error_responses(Forbidden, ValidationFailed),
)
async def prior_auth_metrics(
    session: SessionDep,
    principal: CurrentPrincipal,
    start: Annotated[datetime, Query(alias="from", description="period start (inclusive)")],
    end: Annotated[datetime, Query(alias="to", description="period end (exclusive)")],
    payer_id: Annotated[str | None, Query(min_length=1, max_length=80)] = None,
) -> MetricsOut:
    """Per payer and period: percent approved, denied, approved after appeal, extended, and
    average and median decision time, standard and expedited apart."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        raise ValidationFailed("to: must be after from", field="to")
    return await service.report(
        session=session, payer_id=_payer_scope(principal, payer_id), start=start, end=end
    )

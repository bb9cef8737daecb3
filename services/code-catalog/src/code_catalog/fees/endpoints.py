"""HTTP routes of the fee schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import NotFound, ValidationFailed, error_responses
from code_catalog.fees import service
from code_catalog.fees.schemas import FeeOut

router = APIRouter(prefix="/v1/fees", tags=["fees"])


@router.get(
    "/{code}",
    summary="Physician Fee Schedule payment of a code",
    responses=error_responses(NotFound, ValidationFailed),
)
async def get_fee(
    code: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    modifier: Annotated[str | None, Query(max_length=2, description="e.g. 26 or TC")] = None,
    locality: Annotated[
        str | None, Query(max_length=12, description="A payment locality; national if omitted")
    ] = None,
    as_of: Annotated[
        date | None, Query(description="Date of service; the latest row when omitted")
    ] = None,
) -> FeeOut:
    """RVUs x conversion factor, facility and non-facility, national or GPCI-adjusted."""
    return await service.fee(
        session=session, code=code, modifier=modifier, locality=locality, on=as_of
    )

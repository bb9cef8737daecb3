"""HTTP routes of releases and their diffs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import NotFound, error_responses
from claimflow_shared.http.params import SerialId
from code_catalog.releases import service
from code_catalog.releases.schemas import ChangeKind, DiffOut, ReleaseListOut, ReleaseOut

router = APIRouter(prefix="/v1/releases", tags=["releases"])


@router.get("", summary="Imported releases, the latest effective first")
async def list_releases(
    session: SessionDep,
    principal: CurrentPrincipal,
    code_system: Annotated[str | None, Query(max_length=24)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ReleaseListOut:
    """Every release of every series (or of ``code_system``), with its change counts."""
    return await service.list_releases(
        session=session, code_system=code_system, limit=limit, offset=offset
    )


@router.get("/{release_id}", summary="One release", responses=error_responses(NotFound))
async def get_release(
    release_id: SerialId, session: SessionDep, principal: CurrentPrincipal
) -> ReleaseOut:
    """A release with its change counts."""
    return service.release_out(await service.get_release(session=session, release_id=release_id))


@router.get(
    "/{release_id}/diff",
    summary="What a release added, changed and terminated",
    responses=error_responses(NotFound),
)
async def release_diff(
    release_id: SerialId,
    session: SessionDep,
    principal: CurrentPrincipal,
    change: ChangeKind | None = None,
    after: Annotated[
        str, Query(max_length=40, description="The last key of the previous page")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> DiffOut:
    """A page of the diff in key order."""
    return await service.release_diff(
        session=session, release_id=release_id, change=change, after=after, limit=limit
    )

"""HTTP routes of codes: lookup as of a date, batch validation, search, modifiers and POS."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from claimflow_shared.auth import CurrentPrincipal
from claimflow_shared.db import ReadSessionDep
from claimflow_shared.errors import NotFound, ValidationFailed, error_responses
from code_catalog.codes import service
from code_catalog.codes.formats import CodeCategory, CodeSystem
from code_catalog.codes.repository import SearchFilters
from code_catalog.codes.schemas import CodeListOut, CodeOut, SearchOut, ValidateIn, ValidateOut
from code_catalog.codes.search import MAX_QUERY_CHARS

router = APIRouter(prefix="/v1", tags=["codes"])
AsOf = Annotated[date | None, Query(description="The date to answer for; today when omitted")]


def today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


@router.get(
    "/codes/search",
    summary="Search codes by descriptor words",
    responses=error_responses(ValidationFailed),
)
async def search_codes(
    session: ReadSessionDep,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Words")],
    system: CodeSystem | None = None,
    category: CodeCategory | None = None,
    active_on: Annotated[
        date | None, Query(description="Versions in force that day; today when omitted")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchOut:
    """Ranked full-text search over short and long descriptors, with abbreviations expanded."""
    filters = SearchFilters(active_on or today(), system, category, limit)
    return await service.search(session=session, text=q, filters=filters)


@router.post(
    "/codes/validate",
    summary="Validate up to 1,000 codes on their dates of service",
    responses=error_responses(ValidationFailed),
)
async def validate_codes(
    body: ValidateIn, session: ReadSessionDep, principal: CurrentPrincipal
) -> ValidateOut:
    """A verdict per code: valid, inactive, not billable, unknown or malformed."""
    return await service.validate(session=session, batch=body, today=today())


@router.get(
    "/codes/{code}",
    summary="A code as of a date",
    responses=error_responses(NotFound, ValidationFailed),
)
async def get_code(
    code: str,
    session: ReadSessionDep,
    principal: CurrentPrincipal,
    as_of: AsOf = None,
    system: CodeSystem | None = None,
) -> CodeOut:
    """The code's version in force on ``as_of``, its dates and history; 422 when malformed."""
    return await service.lookup(session=session, code=code, on=as_of or today(), system=system)


@router.get("/modifiers", summary="Modifiers in force on a date")
async def list_modifiers(
    session: ReadSessionDep, principal: CurrentPrincipal, as_of: AsOf = None
) -> CodeListOut:
    """Every CPT and HCPCS Level II modifier in force on ``as_of`` (the current ones if omitted)."""
    return await service.listing(session=session, system=CodeSystem.MODIFIER, on=as_of)


@router.get("/places-of-service", summary="Place-of-service codes in force on a date")
async def list_places_of_service(
    session: ReadSessionDep, principal: CurrentPrincipal, as_of: AsOf = None
) -> CodeListOut:
    """Every place-of-service code in force on ``as_of`` (the current ones if omitted)."""
    return await service.listing(session=session, system=CodeSystem.POS, on=as_of)

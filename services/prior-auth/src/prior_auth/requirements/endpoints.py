"""HTTP routes for payers' requirement rules and the submitter's "is authorization required?"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.db import SessionDep
from claimflow_shared.errors import Forbidden, NotFound, ValidationFailed, error_responses
from claimflow_shared.http.params import SerialId
from prior_auth.requirements import service
from prior_auth.requirements.schemas import (
    RequirementAnswerOut,
    RequirementIn,
    RequirementOut,
    RequirementQuestionIn,
)

router = APIRouter(prefix="/v1/requirements", tags=["requirements"])
MANAGERS = [Depends(require_roles(Role.PAYER))]


@router.post(
    "/check",
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    responses=error_responses(ValidationFailed),
)
async def check_requirements(
    question: RequirementQuestionIn, session: SessionDep
) -> RequirementAnswerOut:
    """Is authorization required for these lines? One answer per line, naming the rule."""
    return await service.answer(session=session, question=question)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=MANAGERS,
    responses=error_responses(Forbidden, ValidationFailed),
)
async def create_requirement(
    rule_in: RequirementIn, session: SessionDep, principal: CurrentPrincipal
) -> RequirementOut:
    """Add a payer rule (a payer key for its own payer, or an admin)."""
    return await service.create(session=session, principal=principal, rule_in=rule_in)


@router.get("", dependencies=MANAGERS, responses=error_responses(Forbidden))
async def list_requirements(
    session: SessionDep,
    principal: CurrentPrincipal,
    payer_id: Annotated[str | None, Query(min_length=1, max_length=80)] = None,
) -> list[RequirementOut]:
    """A payer's rules (a payer key's own payer unless it names another as admin)."""
    return await service.list_rules(
        session=session, principal=principal, payer_id=payer_id or principal.tenant_id
    )


@router.put(
    "/{rule_id}",
    dependencies=MANAGERS,
    responses=error_responses(Forbidden, NotFound, ValidationFailed),
)
async def replace_requirement(
    rule_id: SerialId, rule_in: RequirementIn, session: SessionDep, principal: CurrentPrincipal
) -> RequirementOut:
    """Overwrite a rule."""
    return await service.replace(
        session=session, principal=principal, rule_id=rule_id, rule_in=rule_in
    )


@router.delete(
    "/{rule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=MANAGERS,
    responses=error_responses(NotFound),
)
async def delete_requirement(
    rule_id: SerialId, session: SessionDep, principal: CurrentPrincipal
) -> None:
    """Remove a rule."""
    await service.delete(session=session, principal=principal, rule_id=rule_id)

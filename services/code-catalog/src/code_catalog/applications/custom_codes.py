"""A practice's custom codes: the billing code to use until its own new code takes effect."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import Conflict, NotFound, ValidationFailed
from code_catalog.applications.models import CodeApplication, CustomCodeMapping
from code_catalog.applications.repository import ApplicationRepository, CustomCodeRepository
from code_catalog.applications.schemas import CustomCodeIn, CustomCodeListOut, CustomCodeOut
from code_catalog.applications.workflow import Status
from code_catalog.codes.formats import CodeFormatError, classify_procedure
from code_catalog.codes.repository import CodeRepository


def _out(
    mapping: CustomCodeMapping, application: CodeApplication | None, on: date
) -> CustomCodeOut:
    """A mapping as of a date: the new code once it is published and in effect."""
    published = application is not None and application.status == Status.PUBLISHED
    effective = application.effective_date if application is not None and published else None
    code = application.assigned_code if application is not None and published else None
    in_effect = code is not None and effective is not None and effective <= on
    return CustomCodeOut(
        custom_code=mapping.custom_code,
        as_of=on,
        billing_code=code if in_effect and code else mapping.billing_code,
        interim_code=mapping.billing_code,
        published_code=code,
        published_effective_date=effective,
        application_id=mapping.application_id,
        application_status=Status(application.status) if application else None,
        note=mapping.note,
    )


async def _known_procedure(session: AsyncSession, raw: str) -> str:
    """The billing code in canonical form, if the catalog knows it; else 422."""
    try:
        kind = classify_procedure(raw)
    except CodeFormatError as error:
        raise ValidationFailed(f"billing_code: {error}", field="billing_code") from None
    if not await CodeRepository(session).versions([kind.code], [kind.system]):
        raise ValidationFailed(
            f"billing_code: {kind.code} is not a known code", field="billing_code"
        )
    return kind.code


async def create_mapping(
    *, session: AsyncSession, principal: Principal, body: CustomCodeIn, today: date
) -> CustomCodeOut:
    """Map a custom code of the principal's tenant to a billing code."""
    repository = CustomCodeRepository(session)
    if await repository.get(principal.tenant_id, body.custom_code) is not None:
        raise Conflict(f"custom code {body.custom_code} is already mapped")
    application = None
    if body.application_id is not None:
        application = await ApplicationRepository(session).get(
            body.application_id, tenant_id=principal.tenant_id
        )
        if application is None:
            raise NotFound(f"no application {body.application_id}")
    mapping = CustomCodeMapping(
        tenant_id=principal.tenant_id,
        custom_code=body.custom_code,
        billing_code=await _known_procedure(session, body.billing_code),
        application_id=body.application_id,
        note=body.note,
    )
    await repository.add(mapping)
    return _out(mapping, application, today)


async def _application(session: AsyncSession, mapping: CustomCodeMapping) -> CodeApplication | None:
    """The application a mapping waits on, if any."""
    if mapping.application_id is None:
        return None
    return await ApplicationRepository(session).get(mapping.application_id, tenant_id=None)


async def lookup_mapping(
    *, session: AsyncSession, principal: Principal, custom_code: str, on: date
) -> CustomCodeOut:
    """The billing code a custom code stands for on a date."""
    mapping = await CustomCodeRepository(session).get(principal.tenant_id, custom_code)
    if mapping is None:
        raise NotFound(f"no custom code {custom_code}", custom_code=custom_code)
    return _out(mapping, await _application(session, mapping), on)


async def list_mappings(
    *, session: AsyncSession, principal: Principal, on: date
) -> CustomCodeListOut:
    """Every custom code of the principal's tenant."""
    mappings = await CustomCodeRepository(session).listed(principal.tenant_id)
    return CustomCodeListOut(
        items=[_out(mapping, await _application(session, mapping), on) for mapping in mappings]
    )

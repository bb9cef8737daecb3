"""Answering a status inquiry with status category codes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claims.inquiry.categories import NOT_FOUND, category_of
from claims.inquiry.repository import InquiryRepository
from claims.inquiry.schemas import ClaimStatusOut, InquiryIn, InquiryOut
from claims.records.models import Claim
from claims.records.repository import ClaimRepository
from claims.status.machine import ClaimStatus


async def inquire(*, session: AsyncSession, principal: Principal, inquiry: InquiryIn) -> InquiryOut:
    """The status of the claims the inquiry names, within the caller's tenant."""
    tenant_id = principal.tenant_id
    if inquiry.claim_id is not None:
        claim = await ClaimRepository(session).get(inquiry.claim_id, tenant_id=tenant_id)
        claims = [claim] if claim is not None else []
    else:
        assert inquiry.payer_id and inquiry.billing_npi and inquiry.patient_ref
        assert inquiry.service_date is not None
        claims = await InquiryRepository(session).search(
            tenant_id=tenant_id,
            payer_id=inquiry.payer_id,
            billing_npi=inquiry.billing_npi,
            patient_ref=inquiry.patient_ref,
            on=inquiry.service_date,
        )
    if not claims:
        code, name = NOT_FOUND
        return InquiryOut(category_code=code, category=name, claims=[])
    return InquiryOut(category_code=None, category=None, claims=[_status(c) for c in claims])


def _status(claim: Claim) -> ClaimStatusOut:
    """One claim's status with its category code and the rules behind it."""
    code, name = category_of(ClaimStatus(claim.status))
    return ClaimStatusOut(
        claim_id=claim.id,
        claim_number=claim.claim_number,
        status=claim.status,
        category_code=code,
        category=name,
        status_date=claim.updated_at,
        total_charge=claim.total_charge,
        service_from=claim.service_from,
        service_to=claim.service_to,
        rules=list(dict.fromkeys(f["rule"] for f in claim.findings)),
    )

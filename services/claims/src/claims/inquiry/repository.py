"""Finding claims for a status inquiry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.records.models import Claim

MATCHES = 50


class InquiryRepository:
    """Claims by the identifiers a 276 carries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(
        self, *, tenant_id: str, payer_id: str, billing_npi: str, patient_ref: str, on: date
    ) -> list[Claim]:
        """The tenant's claims for that payer, provider and patient whose dates cover ``on``."""
        rows = await self.session.scalars(
            select(Claim)
            .where(
                Claim.tenant_id == tenant_id,
                Claim.payer_id == payer_id,
                Claim.billing_npi == billing_npi,
                Claim.patient_ref == patient_ref,
                Claim.service_from <= on,
                Claim.service_to >= on,
            )
            .order_by(Claim.submitted_at.desc())
            .limit(MATCHES)
        )
        return list(rows.all())

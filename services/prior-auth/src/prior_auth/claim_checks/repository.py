"""Every query of the claim-check tables, and the locked reads of authorization lines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.authorizations.models import Authorization, AuthorizationLine
from prior_auth.claim_checks.models import ClaimCheck, UnitConsumption

LineKey = tuple[uuid.UUID, int]


class ClaimCheckRepository:
    """Reads and writes claim checks and unit consumptions within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: ClaimCheck | UnitConsumption) -> None:
        """Stage a new row."""
        self.session.add(row)

    async def get(self, claim_id: str, *, lock: bool = False) -> ClaimCheck | None:
        """A claim's check, row-locked when asked."""
        return await self.session.get(
            ClaimCheck, claim_id, with_for_update=lock, populate_existing=lock
        )

    async def get_many(self, claim_ids: Iterable[str]) -> dict[str, ClaimCheck]:
        """The checks of several claims, by claim id (claims never checked are left out)."""
        ids = sorted(set(claim_ids))
        if not ids:
            return {}
        rows = await self.session.scalars(select(ClaimCheck).where(ClaimCheck.claim_id.in_(ids)))
        return {row.claim_id: row for row in rows.all()}

    async def pending(self, *, tenant_id: str, payer_id: str, patient_ref: str) -> list[ClaimCheck]:
        """Unreleased checks of the patient's claims at the payer still waiting, locked."""
        query = (
            select(ClaimCheck)
            .where(
                ClaimCheck.tenant_id == tenant_id,
                ClaimCheck.payer_id == payer_id,
                ClaimCheck.patient_ref == patient_ref,
                ClaimCheck.outcome != "clear",
                ClaimCheck.released_at.is_(None),
            )
            .order_by(ClaimCheck.claim_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list((await self.session.scalars(query)).all())

    async def candidate_lines_of(
        self, wanted: Iterable[tuple[str, str, str, str]]
    ) -> list[tuple[Authorization, AuthorizationLine]]:
        """The authorization lines of several (tenant, payer, patient, code), in one query: a
        superset, callers keep each claim's own.

        Line rows are locked in key order: every writer of ``used_units`` locks lines in
        (authorization id, line number) order, so two claims drawing on the same lines queue
        instead of deadlocking.
        """
        keys = sorted(set(wanted))
        if not keys:
            return []
        patients = sorted({(tenant, payer, patient) for tenant, payer, patient, _ in keys})
        query = (
            select(Authorization, AuthorizationLine)
            .join(AuthorizationLine, AuthorizationLine.authorization_id == Authorization.id)
            .where(
                tuple_(
                    Authorization.tenant_id, Authorization.payer_id, Authorization.patient_ref
                ).in_(patients),
                AuthorizationLine.code.in_(sorted({code for *_, code in keys})),
            )
            .order_by(AuthorizationLine.authorization_id, AuthorizationLine.line_number)
            .with_for_update(of=AuthorizationLine)
            .execution_options(populate_existing=True)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def lock_lines(self, keys: Sequence[LineKey]) -> dict[LineKey, AuthorizationLine]:
        """Authorization lines by key, locked in key order."""
        if not keys:
            return {}
        query = (
            select(AuthorizationLine)
            .where(
                tuple_(AuthorizationLine.authorization_id, AuthorizationLine.line_number).in_(
                    sorted(set(keys))
                )
            )
            .order_by(AuthorizationLine.authorization_id, AuthorizationLine.line_number)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        rows = (await self.session.scalars(query)).all()
        return {(row.authorization_id, row.line_number): row for row in rows}

    async def active_consumptions(self, claim_id: str) -> list[UnitConsumption]:
        """Units the claim still holds."""
        rows = await self.session.scalars(
            select(UnitConsumption)
            .where(UnitConsumption.claim_id == claim_id, UnitConsumption.released_at.is_(None))
            .order_by(UnitConsumption.id)
        )
        return list(rows.all())

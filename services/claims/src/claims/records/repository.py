"""Queries of the claim aggregate: claims, lines, demographics, history and review actions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.records.models import (
    Claim,
    ClaimFingerprint,
    ClaimLine,
    ClaimTransition,
    ReviewAction,
)

OVERRIDE = "override"


class ClaimRepository:
    """Reads and writes claims within the caller's transaction (never commits)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, claim_id: uuid.UUID, *, tenant_id: str | None = None) -> Claim | None:
        """A claim by id, optionally only if it belongs to ``tenant_id``."""
        query = select(Claim).where(Claim.id == claim_id)
        if tenant_id is not None:
            query = query.where(Claim.tenant_id == tenant_id)
        return (await self.session.scalars(query)).first()

    async def lock(self, claim_id: uuid.UUID, *, tenant_id: str | None = None) -> Claim | None:
        """A claim, row-locked until the transaction ends (joins and people act concurrently)."""
        query = select(Claim).where(Claim.id == claim_id).with_for_update()
        if tenant_id is not None:
            query = query.where(Claim.tenant_id == tenant_id)
        return (await self.session.scalars(query)).first()

    async def lock_many(self, claim_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Claim]:
        """Claims by id, row-locked in id order (two workers locking overlapping sets queue
        instead of deadlocking); ids of no claim are left out."""
        ids = sorted(set(claim_ids))
        if not ids:
            return {}
        query = select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id).with_for_update()
        return {claim.id: claim for claim in (await self.session.scalars(query)).all()}

    async def lock_originals(
        self, *, tenant_id: str, reference: str, exclude: uuid.UUID
    ) -> list[Claim]:
        """The claims a void or replacement may name: by claim id or claim number, newest first."""
        conditions = [Claim.claim_number == reference]
        as_id = _as_uuid(reference)
        if as_id is not None:
            conditions.append(Claim.id == as_id)
        query = (
            select(Claim)
            .where(Claim.tenant_id == tenant_id, Claim.id != exclude, or_(*conditions))
            .order_by(Claim.submitted_at.desc(), Claim.id.desc())
            .limit(20)
            .with_for_update()
        )
        return list((await self.session.scalars(query)).all())

    async def lines(self, claim_id: uuid.UUID) -> list[ClaimLine]:
        """A claim's service lines in order."""
        rows = await self.session.scalars(
            select(ClaimLine).where(ClaimLine.claim_id == claim_id).order_by(ClaimLine.line_number)
        )
        return list(rows.all())

    async def history(self, claim_id: uuid.UUID) -> list[ClaimTransition]:
        """A claim's transitions, oldest first."""
        rows = await self.session.scalars(
            select(ClaimTransition)
            .where(ClaimTransition.claim_id == claim_id)
            .order_by(ClaimTransition.id)
        )
        return list(rows.all())

    async def actions(self, claim_id: uuid.UUID) -> list[ReviewAction]:
        """What people did to a claim in the ops queue, oldest first."""
        rows = await self.session.scalars(
            select(ReviewAction).where(ReviewAction.claim_id == claim_id).order_by(ReviewAction.id)
        )
        return list(rows.all())

    async def overrides(self, claim_id: uuid.UUID) -> list[tuple[str, int | None]]:
        """The warnings ops overrode on a claim: (rule, line or None for every line)."""
        rows = await self.session.scalars(
            select(ReviewAction.detail).where(
                ReviewAction.claim_id == claim_id, ReviewAction.action == OVERRIDE
            )
        )
        return [(detail["rule"], detail.get("line")) for detail in rows.all()]

    async def overrides_of(
        self, claim_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[str, int | None]]]:
        """The overrides of several claims at once."""
        ids = list(claim_ids)
        found: dict[uuid.UUID, list[tuple[str, int | None]]] = {claim_id: [] for claim_id in ids}
        if not ids:
            return found
        rows = await self.session.execute(
            select(ReviewAction.claim_id, ReviewAction.detail).where(
                ReviewAction.claim_id.in_(ids), ReviewAction.action == OVERRIDE
            )
        )
        for claim_id, detail in rows.all():
            found[claim_id].append((detail["rule"], detail.get("line")))
        return found

    def add_action(self, action: ReviewAction) -> None:
        """Stage an audit entry of the ops queue."""
        self.session.add(action)

    def review_rows(self, claims: Iterable[Claim]) -> list[dict[str, Any]]:
        """The review columns of loaded claims changed in memory, as rows to write back in one
        statement (``write_together``), and the session forgets the claims: its unit of work
        would write one UPDATE per claim, each changing a different set of columns."""
        claims = list(claims)
        for claim in claims:
            self.session.expunge(claim)
        return [
            {
                "id": claim.id,
                "code_review": claim.code_review,
                "auth_check": claim.auth_check,
                "status": claim.status,
                "assigned_to": claim.assigned_to,
                "assigned_at": claim.assigned_at,
                "updated_at": claim.updated_at,
            }
            for claim in claims
        ]

    async def release_fingerprints(self, claim_ids: Iterable[uuid.UUID]) -> None:
        """Give up the duplicate-edit fingerprints of claims that are no longer live."""
        ids = list(claim_ids)
        if ids:
            await self.session.execute(
                delete(ClaimFingerprint).where(ClaimFingerprint.claim_id.in_(ids))
            )


def _as_uuid(value: str) -> uuid.UUID | None:
    """The value as a UUID, or None when it is not one."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None

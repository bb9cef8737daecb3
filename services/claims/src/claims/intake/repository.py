"""Intake's queries: claims inserted once per X12 envelope key, and duplicate fingerprints."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.base import table_of
from claims.intake.models import IdempotencyRecord
from claims.records.models import Claim, ClaimFingerprint

Holder = tuple[str, uuid.UUID]


class IntakeRepository:
    """Writes new claims and their fingerprints in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert_claims(self, rows: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
        """Insert claims; an X12 envelope key already stored for the tenant is skipped.

        Returns the ids actually inserted. A concurrent transaction inserting the same key makes
        this one wait for it, so the same interchange never makes two claims.
        """
        if not rows:
            return set()
        statement = (
            insert(table_of(Claim))
            .on_conflict_do_nothing(
                index_elements=["tenant_id", "x12_key"], index_where=text("x12_key IS NOT NULL")
            )
            .returning(table_of(Claim).c.id)
        )
        result = await self.session.execute(statement, list(rows))
        return set(result.scalars().all())

    async def by_x12_keys(self, tenant_id: str, keys: Sequence[str]) -> dict[str, Claim]:
        """The tenant's claims stored under the given X12 envelope keys."""
        if not keys:
            return {}
        rows = await self.session.scalars(
            select(Claim).where(Claim.tenant_id == tenant_id, Claim.x12_key.in_(list(keys)))
        )
        return {claim.x12_key or "": claim for claim in rows.all()}

    async def hold_fingerprints(self, rows: Sequence[dict[str, Any]]) -> set[Holder]:
        """Insert fingerprints in the given (sorted) order; return the (fingerprint, claim) held.

        The order is the lock order: every transaction inserts in fingerprint order, so two
        intakes racing on the same lines wait for each other instead of deadlocking.
        """
        if not rows:
            return set()
        table = table_of(ClaimFingerprint)
        statement = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["tenant_id", "fingerprint"])
            .returning(table.c.fingerprint, table.c.claim_id)
        )
        result = await self.session.execute(statement, list(rows))
        return {(fingerprint, claim_id) for fingerprint, claim_id in result.all()}

    async def holders(self, tenant_id: str, fingerprints: Sequence[str]) -> dict[str, uuid.UUID]:
        """The claim holding each fingerprint."""
        if not fingerprints:
            return {}
        rows = await self.session.execute(
            select(ClaimFingerprint.fingerprint, ClaimFingerprint.claim_id).where(
                ClaimFingerprint.tenant_id == tenant_id,
                ClaimFingerprint.fingerprint.in_(list(fingerprints)),
            )
        )
        return {fingerprint: claim_id for fingerprint, claim_id in rows.all()}

    async def drop_fingerprints(self, claim_ids: Sequence[uuid.UUID]) -> None:
        """Remove what claims found to be duplicates took before the conflict was seen."""
        if claim_ids:
            await self.session.execute(
                delete(ClaimFingerprint).where(ClaimFingerprint.claim_id.in_(list(claim_ids)))
            )


class IdempotencyRepository:
    """Reserves idempotency keys and keeps their answers, in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reserve(
        self, *, tenant_id: str, key: str, endpoint: str, request_sha256: str
    ) -> bool:
        """Take the key for this request; False when it exists (after a holder commits)."""
        statement = (
            insert(IdempotencyRecord)
            .values(tenant_id=tenant_id, key=key, endpoint=endpoint, request_sha256=request_sha256)
            .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
            .returning(IdempotencyRecord.key)
        )
        return (await self.session.execute(statement)).first() is not None

    async def get(self, *, tenant_id: str, key: str) -> IdempotencyRecord | None:
        """A reserved key with the answer it was given."""
        return await self.session.get(IdempotencyRecord, (tenant_id, key))

    async def answer(self, *, tenant_id: str, key: str, status_code: int, response: str) -> None:
        """Keep the answer of the request that reserved the key."""
        await self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)
            .values(status_code=status_code, response=response)
        )

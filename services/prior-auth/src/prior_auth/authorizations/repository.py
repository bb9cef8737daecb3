"""Every query of the authorization tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.access import Viewer
from prior_auth.authorizations.models import (
    Authorization,
    AuthorizationDocument,
    AuthorizationLine,
    AuthorizationTransition,
    IdempotencyRecord,
)


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    """The rows the viewer may reach."""
    clauses = []
    if viewer.tenant_id is not None:
        clauses.append(Authorization.tenant_id == viewer.tenant_id)
    if viewer.payer_id is not None:
        clauses.append(Authorization.payer_id == viewer.payer_id)
    return or_(*clauses) if clauses else false()


class AuthorizationRepository:
    """Reads and writes authorizations within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Authorization | AuthorizationLine | AuthorizationDocument) -> None:
        """Stage a new row."""
        self.session.add(row)

    async def get(
        self, authorization_id: uuid.UUID, *, viewer: Viewer | None = None, lock: bool = False
    ) -> Authorization | None:
        """An authorization by id (only if the viewer may reach it), row-locked when asked."""
        query = select(Authorization).where(Authorization.id == authorization_id)
        if viewer is not None:
            query = query.where(_visible(viewer))
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.scalars(query)).first()

    async def page(
        self, *, viewer: Viewer, status: str | None, payer_id: str | None, limit: int
    ) -> list[Authorization]:
        """The viewer's authorizations, newest first."""
        query = select(Authorization).where(_visible(viewer))
        if status is not None:
            query = query.where(Authorization.status == status)
        if payer_id is not None:
            query = query.where(Authorization.payer_id == payer_id)
        query = query.order_by(Authorization.received_at.desc()).limit(limit)
        return list((await self.session.scalars(query)).all())

    async def lines(
        self, authorization_id: uuid.UUID, *, lock: bool = False
    ) -> list[AuthorizationLine]:
        """The authorization's lines in line order, row-locked when asked."""
        query = (
            select(AuthorizationLine)
            .where(AuthorizationLine.authorization_id == authorization_id)
            .order_by(AuthorizationLine.line_number)
        )
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return list((await self.session.scalars(query)).all())

    async def replace_lines(
        self,
        authorization_id: uuid.UUID,
        *,
        old: Sequence[AuthorizationLine],
        new: Sequence[AuthorizationLine],
    ) -> None:
        """Swap the requested lines (only ever before a decision, so no claim used them)."""
        for row in old:
            await self.session.delete(row)
        await self.session.flush()
        for row in new:
            row.authorization_id = authorization_id
            self.session.add(row)

    async def children(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[list[AuthorizationLine], list[AuthorizationDocument]]]:
        """Lines and documents of several authorizations, two queries in all."""
        found: dict[uuid.UUID, tuple[list[AuthorizationLine], list[AuthorizationDocument]]] = {
            authorization_id: ([], []) for authorization_id in ids
        }
        lines = await self.session.scalars(
            select(AuthorizationLine)
            .where(AuthorizationLine.authorization_id.in_(ids))
            .order_by(AuthorizationLine.authorization_id, AuthorizationLine.line_number)
        )
        for line in lines:
            found[line.authorization_id][0].append(line)
        documents = await self.session.scalars(
            select(AuthorizationDocument)
            .where(AuthorizationDocument.authorization_id.in_(ids))
            .order_by(AuthorizationDocument.added_at, AuthorizationDocument.id)
        )
        for document in documents:
            found[document.authorization_id][1].append(document)
        return found

    def record(self, transition: AuthorizationTransition) -> None:
        """Stage an audit-trail entry."""
        self.session.add(transition)

    async def transitions(self, authorization_id: uuid.UUID) -> list[AuthorizationTransition]:
        """The audit trail, oldest first."""
        rows = await self.session.scalars(
            select(AuthorizationTransition)
            .where(AuthorizationTransition.authorization_id == authorization_id)
            .order_by(AuthorizationTransition.id)
        )
        return list(rows.all())

    async def claim_key(self, *, tenant_id: str, key: str, request_sha256: str) -> bool:
        """Reserve an idempotency key; False when it exists (waits for a concurrent holder)."""
        result = await self.session.execute(
            insert(IdempotencyRecord)
            .values(tenant_id=tenant_id, key=key, request_sha256=request_sha256)
            .on_conflict_do_nothing()
            .returning(IdempotencyRecord.key)
        )
        return result.first() is not None

    async def idempotency_record(self, *, tenant_id: str, key: str) -> IdempotencyRecord | None:
        """A reserved idempotency key with the answer it was given."""
        return await self.session.get(IdempotencyRecord, (tenant_id, key))

    async def keep_response(self, *, tenant_id: str, key: str, response: dict[str, Any]) -> None:
        """Store the answer to replay for the key."""
        await self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)
            .values(response=response)
        )

    async def count_overdue(self, *, statuses: Sequence[str], now: datetime) -> int:
        """Requests awaiting a decision past its due time (paused clocks included)."""
        count = await self.session.scalar(
            select(func.count()).where(
                Authorization.status.in_(statuses),
                Authorization.due_at < now,
            )
        )
        return int(count or 0)

    async def deadline_candidates(
        self, *, statuses: Sequence[str], now: datetime, limit: int
    ) -> list[Authorization]:
        """Requests awaiting a decision whose warning or due time came and was not announced.

        Locked with SKIP LOCKED: several schedulers split the rows, none waits for another.
        """
        query = (
            select(Authorization)
            .where(
                Authorization.status.in_(statuses),
                Authorization.clock_paused.is_(False),
                or_(
                    and_(
                        Authorization.due_soon_published_at.is_(None),
                        Authorization.due_soon_at <= now,
                    ),
                    and_(Authorization.overdue_published_at.is_(None), Authorization.due_at < now),
                ),
            )
            .order_by(Authorization.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.scalars(query)).all())

    async def expiry_candidates(
        self, *, statuses: Sequence[str], through: date, limit: int
    ) -> list[Authorization]:
        """Approvals with no approved date after ``through``, locked, skipping held rows."""
        later = (
            select(AuthorizationLine.authorization_id)
            .where(
                AuthorizationLine.authorization_id == Authorization.id,
                AuthorizationLine.approved_end > through,
            )
            .exists()
        )
        query = (
            select(Authorization)
            .where(Authorization.status.in_(statuses), ~later)
            .order_by(Authorization.last_transition_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.scalars(query)).all())

    async def codes(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """The requested codes of several authorizations."""
        rows = await self.session.execute(
            select(AuthorizationLine.authorization_id, AuthorizationLine.code)
            .where(AuthorizationLine.authorization_id.in_(ids))
            .order_by(AuthorizationLine.authorization_id, AuthorizationLine.line_number)
        )
        found: dict[uuid.UUID, list[str]] = {authorization_id: [] for authorization_id in ids}
        for authorization_id, code in rows:
            found[authorization_id].append(code)
        return found

    async def awaiting_simulation(
        self, *, payer_ids: Sequence[str], statuses: Sequence[str], before: datetime, limit: int
    ) -> list[Authorization]:
        """Requests at simulated payers waiting for the payer, locked, skipping those held."""
        query = (
            select(Authorization)
            .where(
                Authorization.payer_id.in_(payer_ids),
                Authorization.status.in_(statuses),
                Authorization.last_transition_at <= before,
            )
            .order_by(Authorization.last_transition_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.scalars(query)).all())

"""The reads behind the metrics: requests first decided in a period, with their trails."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.authorizations.models import Authorization, AuthorizationTransition


class MetricsRepository:
    """Reads for metrics within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_decided_between(
        self, *, payer_id: str | None, start: datetime, end: datetime
    ) -> list[Authorization]:
        """Requests whose first determination falls in [start, end), of one payer or all."""
        query = select(Authorization).where(
            Authorization.first_decided_at >= start, Authorization.first_decided_at < end
        )
        if payer_id is not None:
            query = query.where(Authorization.payer_id == payer_id)
        return list((await self.session.scalars(query)).all())

    async def trails(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[AuthorizationTransition]]:
        """The audit trails of several requests, each oldest first."""
        rows = await self.session.scalars(
            select(AuthorizationTransition)
            .where(AuthorizationTransition.authorization_id.in_(ids))
            .order_by(AuthorizationTransition.authorization_id, AuthorizationTransition.id)
        )
        found: dict[uuid.UUID, list[AuthorizationTransition]] = {i: [] for i in ids}
        for row in rows:
            found[row.authorization_id].append(row)
        return found

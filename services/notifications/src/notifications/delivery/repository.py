"""Every query of the deliveries and their attempt log."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Update, Uuid, cast, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from notifications.delivery.progress import ClaimedDelivery, Progress
from notifications.subscriptions.models import Subscription

_RECORD = text(
    """
    UPDATE deliveries AS d
    SET status = COALESCE(p.final_status, d.status),
        next_attempt_at = p.next_attempt_at,
        last_status_code = p.status_code,
        last_error = p.error,
        delivered_at = COALESCE(p.delivered_at, d.delivered_at),
        updated_at = now()
    FROM unnest(
        CAST(:ids AS uuid[]), CAST(:attempts AS integer[]), CAST(:statuses AS varchar[]),
        CAST(:next AS timestamptz[]), CAST(:codes AS smallint[]), CAST(:errors AS varchar[]),
        CAST(:delivered AS timestamptz[])
    ) AS p(id, attempt, final_status, next_attempt_at, status_code, error, delivered_at)
    WHERE d.id = p.id AND d.attempts = p.attempt AND d.status IN ('pending', 'paused')
    RETURNING d.id
    """
)

_LOG = text(
    """
    INSERT INTO delivery_attempts
        (delivery_id, number, attempted_at, status_code, latency_ms, outcome, error_kind, error)
    SELECT a.delivery_id, a.number, a.attempted_at, a.status_code, a.latency_ms, a.outcome,
           a.error_kind, a.error
    FROM unnest(
        CAST(:ids AS uuid[]), CAST(:numbers AS integer[]), CAST(:attempted AS timestamptz[]),
        CAST(:codes AS smallint[]), CAST(:latencies AS double precision[]),
        CAST(:outcomes AS varchar[]), CAST(:kinds AS varchar[]), CAST(:errors AS varchar[])
    ) AS a(delivery_id, number, attempted_at, status_code, latency_ms, outcome, error_kind, error)
    WHERE EXISTS (SELECT 1 FROM deliveries AS d WHERE d.id = a.delivery_id)
    """
)

_CLAIMED_COLUMNS = (
    Delivery.id,
    Delivery.subscription_id,
    Delivery.tenant_id,
    Delivery.attempts.label("attempt"),
    Delivery.retry_base,
    Delivery.event_type,
    Delivery.subject,
    Delivery.payload,
    Delivery.traceparent,
    Subscription.url,
    Subscription.secret_sealed,
    Subscription.previous_secret_sealed,
    Subscription.previous_secret_expires_at,
)


class DeliveryRepository:
    """Reads and writes deliveries within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert deliveries, skipping any (event, subscription) pair already there."""
        if rows:
            statement = pg_insert(Delivery).on_conflict_do_nothing(
                index_elements=[Delivery.event_id, Delivery.subscription_id]
            )
            await self.session.execute(statement, list(rows))

    async def due(
        self, *, now: datetime, limit: int, busy: Collection[uuid.UUID]
    ) -> Sequence[Row[uuid.UUID, uuid.UUID]]:
        """Lock up to ``limit`` due deliveries no other worker holds, oldest due first."""
        query = (
            select(Delivery.id, Delivery.subscription_id)
            .where(
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at <= now,
                Delivery.subscription_id != func.all(cast(list(busy), ARRAY(Uuid()))),
            )
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
            .with_for_update(of=Delivery, skip_locked=True)
        )
        return (await self.session.execute(query)).all()

    async def lease(
        self, ids: Sequence[uuid.UUID], *, now: datetime, until: datetime
    ) -> list[ClaimedDelivery]:
        """Count an attempt of each locked delivery and hide it until ``until``; return them."""
        if not ids:
            return []
        statement = (
            update(Delivery)
            .where(
                Delivery.id == func.any(cast(list(ids), ARRAY(Uuid()))),
                Subscription.id == Delivery.subscription_id,
                Subscription.enabled.is_(True),
            )
            .values(attempts=Delivery.attempts + 1, next_attempt_at=until, last_attempt_at=now)
            .returning(*_CLAIMED_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        rows = (await self.session.execute(statement)).all()
        return [ClaimedDelivery(**row._asdict()) for row in rows]

    async def record(self, progress: Sequence[Progress]) -> set[uuid.UUID]:
        """Write each attempt's effect on its delivery, unless a newer attempt claimed it since;
        return the ids of the deliveries written."""
        if not progress:
            return set()
        result = await self.session.execute(
            _RECORD,
            {
                "ids": [p.delivery_id for p in progress],
                "attempts": [p.attempt for p in progress],
                "statuses": [p.final_status and p.final_status.value for p in progress],
                "next": [p.next_attempt_at for p in progress],
                "codes": [p.result.status_code for p in progress],
                "errors": [p.error for p in progress],
                "delivered": [p.delivered_at for p in progress],
            },
        )
        return {row[0] for row in result.all()}

    async def log(self, progress: Sequence[Progress]) -> None:
        """Append every attempt to the log of its delivery (if the delivery still exists)."""
        if not progress:
            return
        await self.session.execute(
            _LOG,
            {
                "ids": [p.delivery_id for p in progress],
                "numbers": [p.attempt for p in progress],
                "attempted": [p.attempted_at for p in progress],
                "codes": [p.result.status_code for p in progress],
                "latencies": [p.result.latency_ms for p in progress],
                "outcomes": [p.outcome.value for p in progress],
                "kinds": [p.error_kind for p in progress],
                "errors": [p.error for p in progress],
            },
        )

    async def pause(self, subscription_id: uuid.UUID) -> None:
        """Hold back a disabled subscription's pending deliveries."""
        await self.session.execute(
            update(Delivery)
            .where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.PAUSED)
            .execution_options(synchronize_session=False)
        )

    async def resume(self, subscription_id: uuid.UUID, *, now: datetime) -> None:
        """Make a re-enabled subscription's held-back deliveries due now."""
        await self.session.execute(
            update(Delivery)
            .where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == DeliveryStatus.PAUSED,
            )
            .values(status=DeliveryStatus.PENDING, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )

    async def get(self, delivery_id: uuid.UUID, *, tenant_id: str) -> Delivery | None:
        """A delivery of ``tenant_id``."""
        query = select(Delivery).where(Delivery.id == delivery_id, Delivery.tenant_id == tenant_id)
        return (await self.session.scalars(query)).first()

    async def attempts(self, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
        """A delivery's attempts, first first."""
        rows = await self.session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.number, DeliveryAttempt.id)
        )
        return list(rows.all())

    async def list_for_subscription(
        self,
        subscription_id: uuid.UUID,
        *,
        status: DeliveryStatus | None,
        limit: int,
        after: Delivery | None = None,
    ) -> list[Delivery]:
        """A subscription's deliveries, newest first, optionally of one status, after a cursor."""
        query = select(Delivery).where(Delivery.subscription_id == subscription_id)
        if status is not None:
            query = query.where(Delivery.status == status)
        if after is not None:
            query = query.where(
                tuple_(Delivery.created_at, Delivery.id) < tuple_(after.created_at, after.id)
            )
        query = query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit)
        return list((await self.session.scalars(query)).all())

    async def redeliver(self, delivery_id: uuid.UUID, *, now: datetime) -> bool:
        """Schedule a finished delivery again now with a fresh retry schedule."""
        result = await self.session.execute(
            _redeliver(now).where(Delivery.id == delivery_id).returning(Delivery.id)
        )
        return result.first() is not None

    async def redeliver_failed(self, subscription_id: uuid.UUID, *, now: datetime) -> int:
        """Schedule every failed delivery of a subscription again now; return how many."""
        result = await self.session.execute(
            _redeliver(now)
            .where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == DeliveryStatus.FAILED,
            )
            .returning(Delivery.id)
        )
        return len(result.all())


def _redeliver(now: datetime) -> Update:
    """The update that puts finished deliveries back on the schedule."""
    return (
        update(Delivery)
        .where(Delivery.status.in_([DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED]))
        .values(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            retry_base=Delivery.attempts,
        )
        .execution_options(synchronize_session=False)
    )

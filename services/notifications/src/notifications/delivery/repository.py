"""Every query of the deliveries and their attempt log."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Update, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from notifications.delivery.progress import ClaimedDelivery, Progress

_RECORD = text(
    """
    WITH p AS (
        SELECT * FROM unnest(
            CAST(:ids AS uuid[]), CAST(:attempts AS integer[]), CAST(:statuses AS varchar[]),
            CAST(:next AS timestamptz[]), CAST(:codes AS smallint[]), CAST(:errors AS varchar[]),
            CAST(:delivered AS timestamptz[]), CAST(:attempted AS timestamptz[]),
            CAST(:latencies AS double precision[]), CAST(:outcomes AS varchar[]),
            CAST(:kinds AS varchar[])
        ) AS p(id, attempt, final_status, next_attempt_at, status_code, error, delivered_at,
               attempted_at, latency_ms, outcome, error_kind)
    ),
    written AS (
        UPDATE deliveries AS d
        SET status = COALESCE(p.final_status, d.status),
            next_attempt_at = p.next_attempt_at,
            last_status_code = p.status_code,
            last_error = p.error,
            delivered_at = COALESCE(p.delivered_at, d.delivered_at),
            updated_at = now()
        FROM p
        WHERE d.id = p.id AND d.attempts = p.attempt AND d.status IN ('pending', 'paused')
        RETURNING d.id
    ),
    logged AS (
        INSERT INTO delivery_attempts
            (delivery_id, number, attempted_at, status_code, latency_ms, outcome, error_kind,
             error)
        SELECT p.id, p.attempt, p.attempted_at, p.status_code, p.latency_ms, p.outcome,
               p.error_kind, p.error
        FROM p
        WHERE EXISTS (SELECT 1 FROM deliveries AS d WHERE d.id = p.id)
    )
    SELECT id FROM written
    """
)

_CLAIM = text(
    """
    WITH due AS (
        SELECT d.id, d.subscription_id, d.next_attempt_at
        FROM deliveries AS d
        WHERE d.status = 'pending' AND d.next_attempt_at <= :now
          AND d.subscription_id <> ALL(CAST(:busy AS uuid[]))
        ORDER BY d.next_attempt_at
        LIMIT :scan
        FOR UPDATE SKIP LOCKED
    ),
    ranked AS (
        SELECT due.id, due.next_attempt_at,
               row_number() OVER (PARTITION BY due.subscription_id
                                  ORDER BY due.next_attempt_at, due.id) AS place,
               COALESCE(room.free, :share) AS free
        FROM due
        LEFT JOIN unnest(CAST(:room_ids AS uuid[]), CAST(:room_free AS integer[]))
             AS room(subscription_id, free) ON room.subscription_id = due.subscription_id
    ),
    chosen AS (
        SELECT ranked.id FROM ranked
        WHERE ranked.place <= ranked.free
        ORDER BY ranked.next_attempt_at
        LIMIT :limit
    )
    UPDATE deliveries AS d
    SET attempts = d.attempts + 1, next_attempt_at = :until, last_attempt_at = :now
    FROM chosen, subscriptions AS s
    WHERE d.id = chosen.id AND s.id = d.subscription_id AND s.enabled
    RETURNING d.id, d.subscription_id, d.tenant_id, d.attempts AS attempt, d.retry_base,
              d.event_type, d.subject, d.payload, d.traceparent, s.url, s.secret_sealed,
              s.previous_secret_sealed, s.previous_secret_expires_at
    """
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

    async def claim(
        self,
        *,
        now: datetime,
        until: datetime,
        limit: int,
        scan: int,
        share: int,
        in_flight: Mapping[uuid.UUID, int],
    ) -> list[ClaimedDelivery]:
        """Lease up to ``limit`` due deliveries no other worker holds, oldest due first, in one
        statement: lock up to ``scan`` due rows (``SKIP LOCKED``), keep each subscription within
        ``share`` counting the ``in_flight`` ones, count an attempt on each and hide it until
        ``until``; return them with what sending needs."""
        busy = [sid for sid, count in in_flight.items() if count >= share]
        room = {sid: share - count for sid, count in in_flight.items() if count < share}
        result = await self.session.execute(
            _CLAIM,
            {
                "now": now, "until": until, "limit": limit, "scan": scan, "share": share,
                "busy": busy, "room_ids": list(room), "room_free": list(room.values()),
            },
        )  # fmt: skip
        return [ClaimedDelivery(**row._asdict()) for row in result.all()]

    async def record(self, progress: Sequence[Progress]) -> set[uuid.UUID]:
        """Append every attempt to its delivery's log (if the delivery still exists) and write
        its effect on the delivery, unless a newer attempt claimed it since; return the ids of
        the deliveries written. One statement, so one round trip per batch."""
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
                "attempted": [p.attempted_at for p in progress],
                "latencies": [p.result.latency_ms for p in progress],
                "outcomes": [p.outcome.value for p in progress],
                "kinds": [p.error_kind for p in progress],
            },
        )
        return {row[0] for row in result.all()}

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

"""Apache Kafka through aiokafka: idempotent producer, consumer groups, commit after the effect."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    TopicPartition,
)
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from claimflow_shared.bus.base import Message, MessageHandler
from claimflow_shared.bus.kafka_commits import Committer

log = logging.getLogger(__name__)


class KafkaBus:
    """The bus on a Kafka cluster.

    ``namespace`` prefixes every topic and group on the cluster (environments or test runs
    sharing one cluster); the application only ever sees the plain names.
    The producer is idempotent with ``acks=all``. Consumers hand each fetch's records to the
    handler as one batch and commit their offsets only after the handler returned (in the
    background, at most every ``commit_interval`` seconds: ``Committer``); a handler that
    raises makes the consumer seek back and fetch the batch again after ``redelivery_delay``
    seconds. A member that stops heartbeating for ``session_timeout_ms`` (a killed worker)
    leaves the group and its partitions go to the others.

    A fetch waits on the broker until it holds ``fetch_min_bytes`` or ``fetch_max_wait_ms``
    have passed (Kafka's own defaults are 1 byte and 500 ms: a fetch returns with the first
    record). Waiting a few milliseconds gathers the records that arrive meanwhile into the same
    batch, so one transaction, batch span and offset commit serve all of them where each would have
    paid for its own.
    """

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        client_id: str,
        partitions: int = 6,
        redelivery_delay: float = 1.0,
        max_poll_records: int = 500,
        namespace: str = "",
        session_timeout_ms: int = 10000,
        commit_interval: float = 0.2,
        fetch_max_wait_ms: int = 30,
        fetch_min_bytes: int = 1024 * 1024,
    ) -> None:
        self._ns = namespace
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._fetch_min_bytes = fetch_min_bytes
        self._commit_interval = commit_interval
        self._session_timeout_ms = session_timeout_ms
        self._servers = bootstrap_servers
        self._client_id = client_id
        self._partitions = partitions
        self._redelivery_delay = redelivery_delay
        self._max_poll_records = max_poll_records
        self._producer: AIOKafkaProducer | None = None
        self._lag: dict[tuple[str, str, int], int] = {}
        self._producer_lock = asyncio.Lock()
        self._closing: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Connect lazily: an unreachable broker must not stop an API from starting."""

    async def stop(self) -> None:
        """Flush and close the producer (and wait for failed ones still closing)."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    async def _started_producer(self) -> AIOKafkaProducer:
        async with self._producer_lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._servers,
                    client_id=self._client_id,
                    enable_idempotence=True,
                    acks="all",
                    # a relay hands over its whole batch at once: waiting for more only delays
                    linger_ms=0,
                    request_timeout_ms=15000,
                )
                try:
                    await producer.start()
                except BaseException:
                    await _close_quietly(producer)
                    raise
                self._producer = producer
            return self._producer

    async def publish(self, messages: Sequence[Message]) -> None:
        """Send every message and wait until the cluster acknowledged all of them.

        After a failure the producer is dropped and the next publish starts a new one: batches
        that timed out while the broker was away leave an idempotent producer's sequence
        numbers behind the broker's, and it would fail with OutOfOrderSequenceNumber forever.
        A new producer gets a new producer id; the caller sends the messages again.
        """
        producer = await self._started_producer()
        try:
            pending = [
                await producer.send(self._ns + m.topic, m.value, key=m.key, headers=m.headers)
                for m in messages
            ]
            await asyncio.gather(*pending)
        except asyncio.CancelledError:
            raise
        except Exception:
            await self._drop_producer(producer)
            raise

    async def _drop_producer(self, producer: AIOKafkaProducer) -> None:
        """Forget a failed producer and close it in the background (closing flushes, which
        can take a request timeout while the broker is away)."""
        async with self._producer_lock:
            if self._producer is not producer:
                return
            self._producer = None
        closing = asyncio.create_task(_close_quietly(producer), name="kafka-producer-close")
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create missing topics with the configured partition count."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self._servers, client_id=self._client_id)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            names = [self._ns + t for t in topics]
            wanted = [NewTopic(t, self._partitions, 1) for t in names if t not in existing]
            if wanted:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(wanted)
        finally:
            await admin.close()

    async def ping(self) -> bool:
        """Whether the cluster answers a metadata request within two seconds."""
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._servers, client_id=self._client_id, request_timeout_ms=2000
        )
        try:
            async with asyncio.timeout(3):  # not wait_for: it can lose a cancellation (3.11)
                await admin.start()
            async with asyncio.timeout(3):
                await admin.list_topics()
        except (KafkaError, OSError, TimeoutError):
            return False
        finally:
            await admin.close()
        return True

    def lag(self) -> dict[tuple[str, str, int], int]:
        """Lag per (group, topic, partition) as of each group's last fetch."""
        return dict(self._lag)

    async def read_all(self, topic: str) -> list[Message]:
        """Every record currently on ``topic``, read without a group."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._servers, enable_auto_commit=False, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            found: list[Message] = []
            assigned = [
                TopicPartition(self._ns + topic, p) for p in await self._partition_numbers(topic)
            ]
            if not assigned:
                return found
            consumer.assign(assigned)
            ends = await consumer.end_offsets(assigned)
            await consumer.seek_to_beginning(*assigned)
            while [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
                batch = await consumer.getmany(timeout_ms=1000)
                for records in batch.values():
                    found.extend(_message(r, self._ns) for r in records)
            return found
        finally:
            await consumer.stop()

    async def _partition_numbers(self, topic: str) -> list[int]:
        """The partition numbers of a topic (none when it does not exist)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self._servers, client_id=self._client_id)
        await admin.start()
        try:
            [described] = await admin.describe_topics([self._ns + topic])
        finally:
            await admin.close()
        if described.get("error_code"):
            return []
        return sorted(p["partition"] for p in described.get("partitions", []))

    async def consume(self, *, group: str, topics: Sequence[str], handler: MessageHandler) -> None:
        """Run a member of ``group`` over ``topics`` until cancelled."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._servers,
            client_id=f"{self._client_id}-{group}",
            group_id=self._ns + group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self._max_poll_records,
            session_timeout_ms=self._session_timeout_ms,
            heartbeat_interval_ms=1000,
            fetch_max_wait_ms=self._fetch_max_wait_ms,
            fetch_min_bytes=self._fetch_min_bytes,
        )
        await consumer.start()
        committer = Committer(consumer, commit=_commit, interval=self._commit_interval)
        consumer.subscribe(
            topics=[self._ns + t for t in topics],
            listener=_AssignmentLog(group, self._ns, committer),
        )
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=500)
                if not batch:
                    continue
                applied = await _drain(consumer, batch, handler, self._ns)
                self._note_lag(consumer, group, batch)
                if applied is None:
                    await asyncio.sleep(self._redelivery_delay)
                else:
                    committer.add(applied)
        finally:
            await committer.flush()
            await consumer.stop()

    def _note_lag(self, consumer: AIOKafkaConsumer, group: str, batch: dict[Any, Any]) -> None:
        assigned = consumer.assignment()
        for tp, records in batch.items():
            if tp not in assigned:
                # A rebalance took the partition while its batch was applied; its new owner
                # reports the lag (asking aiokafka here raises and killed the worker).
                continue
            highwater = consumer.highwater(tp)
            if highwater is not None and records:
                topic = tp.topic.removeprefix(self._ns)
                self._lag[(group, topic, tp.partition)] = highwater - records[-1].offset - 1


class _AssignmentLog(ConsumerRebalanceListener):  # type: ignore[misc]
    """Logs the partitions a rebalance gave this member of ``group``: which process works on
    what, and when a survivor took over a dead member's partitions. Before partitions go,
    the offsets of batches already applied are committed."""

    def __init__(self, group: str, namespace: str, committer: Committer) -> None:
        self._group = group
        self._ns = namespace
        self._committer = committer

    async def on_partitions_revoked(self, revoked: Any) -> None:
        """Let the commits of applied batches land while this member still owns them."""
        await self._committer.flush()

    def on_partitions_assigned(self, assigned: Any) -> None:
        """Log the new assignment, topic by topic."""
        topics: dict[str, list[int]] = {}
        for tp in assigned:
            topics.setdefault(tp.topic.removeprefix(self._ns), []).append(tp.partition)
        described = "; ".join(
            f"{topic} [{','.join(map(str, sorted(parts)))}]"
            for topic, parts in sorted(topics.items())
        )
        log.info("%s assigned %s", self._group, described or "nothing")


async def _close_quietly(producer: AIOKafkaProducer) -> None:
    """Close a producer that failed, logging instead of raising."""
    try:
        await producer.stop()
    except Exception as exc:
        log.info("closing a failed producer: %s", exc)


async def _drain(
    consumer: AIOKafkaConsumer,
    batch: dict[TopicPartition, list[Any]],
    handler: MessageHandler,
    namespace: str,
) -> dict[TopicPartition, int] | None:
    """Hand one fetch's records, every partition's in order, to the handler as one batch;
    return the offsets to commit after it returned, or seek every partition back to its first
    record and return None when it raised.

    One batch per fetch rather than one per partition: the handler's transaction and the offset
    commit are paid once for all partitions, which is most of a small event's cost.
    """
    try:
        await handler(
            [_message(record, namespace) for records in batch.values() for record in records]
        )
    except asyncio.CancelledError:
        raise
    except Exception:
        log.warning(
            "handler failed on %s; will redeliver",
            ", ".join(
                f"{tp.topic}[{tp.partition}]@{rs[0].offset}+{len(rs)}" for tp, rs in batch.items()
            ),
            exc_info=True,
        )
        for tp, records in batch.items():
            consumer.seek(tp, records[0].offset)
        return None
    return {tp: records[-1].offset + 1 for tp, records in batch.items()}


async def _commit(consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
    """Commit the offsets of the partitions this member still owns (a rebalance may have taken
    some while the batch was applied; their new owner gets those records again)."""
    owned = consumer.assignment()
    offsets = {tp: offset for tp, offset in offsets.items() if tp in owned}
    if not offsets:
        return
    try:
        await consumer.commit(offsets)
    except KafkaError as exc:
        log.warning("commit of %s failed (%s); the new owner redelivers", offsets, exc)


def _message(record: Any, namespace: str) -> Message:
    """A bus message from an aiokafka record, with the namespace taken off its topic."""
    return Message(
        topic=record.topic.removeprefix(namespace),
        value=record.value or b"",
        key=record.key,
        headers=list(record.headers or ()),
        partition=record.partition,
        offset=record.offset,
    )

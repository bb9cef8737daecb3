import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import (  # type: ignore[import-untyped, unused-ignore]
    AIOKafkaConsumer,
    AIOKafkaProducer,
    TopicPartition,
)
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped, unused-ignore]

from claimflow_shared.testing.infra.kafka import (
    KafkaBroker,
    KafkaStartError,
    metadata_answers,
    start_kafka,
)
from claimflow_shared.testing.infra.maven import KAFKA_VERSION

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


@pytest.fixture(scope="module")
async def broker(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[KafkaBroker]:
    """Start one broker for the module and stop it afterwards."""
    started = await start_kafka(tmp_path_factory.mktemp("kafka"))
    yield started
    await started.stop()


async def create_topic(bootstrap: str, name: str, *, partitions: int = 1) -> None:
    """Create a topic with one replica."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


async def partition_count(bootstrap: str, topic: str) -> int:
    """Return how many partitions the broker reports for `topic`."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return len(description["partitions"])


async def produce(bootstrap: str, topic: str, value: bytes) -> None:
    """Send one message and wait for the broker to acknowledge it."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, partition=0)
    finally:
        await producer.stop()


async def read_partition(bootstrap: str, topic: str) -> list[bytes]:
    """Return every value in partition 0 of `topic`, from the beginning to the end offset."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    partition = TopicPartition(topic, 0)
    values: list[bytes] = []
    try:
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        end = (await consumer.end_offsets([partition]))[partition]
        while await consumer.position(partition) < end:
            batches = await consumer.getmany(partition, timeout_ms=1000)
            values += [record.value for record in batches.get(partition, [])]
    finally:
        await consumer.stop()
    return values


class TestRunningBroker:
    async def test_reports_a_kafka_3_9_version(self, broker: KafkaBroker) -> None:
        assert broker.version == KAFKA_VERSION
        assert KAFKA_VERSION.startswith("3.9.")
        assert f"Kafka version: {KAFKA_VERSION}" in (broker.version_line or "")

    async def test_a_group_consumer_receives_a_produced_message(self, broker: KafkaBroker) -> None:
        await create_topic(broker.bootstrap_servers, "claims.events")
        await produce(broker.bootstrap_servers, "claims.events", b"claim-1")
        consumer = AIOKafkaConsumer(
            "claims.events",
            bootstrap_servers=broker.bootstrap_servers,
            group_id="infra-test",
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            record = await asyncio.wait_for(consumer.getone(), timeout=60)
        finally:
            await consumer.stop()

        assert record.value == b"claim-1"

    async def test_unknown_topics_are_created_with_three_partitions(
        self, broker: KafkaBroker
    ) -> None:
        await produce(broker.bootstrap_servers, "auto.created", b"x")

        assert await partition_count(broker.bootstrap_servers, "auto.created") == 3


class TestRestart:
    async def test_restart_keeps_address_and_messages(self, broker: KafkaBroker) -> None:
        await produce(broker.bootstrap_servers, "durable", b"before-restart")
        address, pid = broker.bootstrap_servers, broker.pid

        await broker.restart()

        assert broker.bootstrap_servers == address
        assert broker.pid not in (None, pid)
        assert await read_partition(broker.bootstrap_servers, "durable") == [b"before-restart"]

    async def test_a_killed_broker_starts_again_with_its_messages(
        self, broker: KafkaBroker
    ) -> None:
        await produce(broker.bootstrap_servers, "crash", b"before-kill")

        await broker.kill()
        answered_while_dead = await metadata_answers(broker.bootstrap_servers)
        await broker.start()

        assert answered_while_dead is False
        assert await read_partition(broker.bootstrap_servers, "crash") == [b"before-kill"]

    async def test_stop_ends_the_process_and_closes_the_port(self, broker: KafkaBroker) -> None:
        pid = broker.pid

        await broker.stop()

        assert pid is not None
        assert broker.running is False
        assert not broker.pid_path.exists()
        assert await metadata_answers(broker.bootstrap_servers) is False


class TestFailedStart:
    async def test_an_occupied_port_fails_with_the_bind_error(self, tmp_path: Path) -> None:
        with socket.socket() as blocker:
            blocker.bind(("127.0.0.1", 0))
            blocker.listen()
            broker = KafkaBroker(tmp_path / "kafka", port=blocker.getsockname()[1])

            with pytest.raises(KafkaStartError, match="Address already in use") as failure:
                await broker.start()

        assert str(broker.log_path) in str(failure.value)
        assert broker.running is False

    async def test_a_start_that_gives_up_leaves_no_process_behind(self, tmp_path: Path) -> None:
        broker = KafkaBroker(tmp_path / "kafka")

        with pytest.raises(KafkaStartError, match="did not answer within 0 s"):
            await broker.start(ready_within=0)

        assert broker.running is False
        assert not broker.pid_path.exists()

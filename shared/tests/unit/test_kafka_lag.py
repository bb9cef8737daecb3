"""The Kafka bus notes consumer lag only for partitions the member still holds."""

from typing import Any

from aiokafka import TopicPartition

from claimflow_shared.bus.kafka import KafkaBus


class RebalancedConsumer:
    """Holds partition 1 only: partition 0 was revoked while its batch was applied."""

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition("ns.claims.events", 1)}

    def highwater(self, tp: TopicPartition) -> int:
        assert tp in self.assignment(), "Partition is not assigned"
        return 10


class Record:
    def __init__(self, offset: int) -> None:
        self.offset = offset


def test_a_partition_revoked_mid_batch_is_skipped_not_fatal() -> None:
    bus = KafkaBus(bootstrap_servers="127.0.0.1:9", client_id="test", namespace="ns.")
    batch: dict[Any, Any] = {
        TopicPartition("ns.claims.events", 0): [Record(3)],
        TopicPartition("ns.claims.events", 1): [Record(4)],
    }
    bus._note_lag(RebalancedConsumer(), "g", batch)  # type: ignore[arg-type]
    assert bus.lag() == {("g", "claims.events", 1): 5}

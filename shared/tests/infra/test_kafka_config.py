import base64
from pathlib import Path

from claimflow_shared.testing.infra.kafka import logged_errors
from claimflow_shared.testing.infra.kafka_config import (
    BrokerAddress,
    address_from_properties,
    new_cluster_id,
    read_properties,
    render_server_properties,
)


def write_properties(tmp_path: Path) -> Path:
    """Write server.properties for a broker on ports 19092/19093 and return its path."""
    address = BrokerAddress(host="127.0.0.1", broker_port=19092, controller_port=19093)
    path = tmp_path / "server.properties"
    path.write_text(render_server_properties(address=address, log_dir=tmp_path / "data"))
    return path


class TestServerProperties:
    def test_describes_a_single_node_kraft_broker(self, tmp_path: Path) -> None:
        properties = read_properties(write_properties(tmp_path))

        assert properties["process.roles"] == "broker,controller"
        assert properties["controller.quorum.voters"] == "1@127.0.0.1:19093"
        assert properties["listeners"] == (
            "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
        )
        assert properties["log.dirs"] == str(tmp_path / "data")
        assert properties["offsets.topic.replication.factor"] == "1"
        assert properties["transaction.state.log.min.isr"] == "1"
        assert properties["group.initial.rebalance.delay.ms"] == "0"
        assert properties["num.partitions"] == "3"
        assert properties["auto.create.topics.enable"] == "true"

    def test_address_is_recovered_from_the_written_file(self, tmp_path: Path) -> None:
        address = address_from_properties(read_properties(write_properties(tmp_path)))

        assert address == BrokerAddress(host="127.0.0.1", broker_port=19092, controller_port=19093)
        assert address.bootstrap_servers == "127.0.0.1:19092"

    def test_comments_and_blank_lines_are_ignored(self, tmp_path: Path) -> None:
        path = tmp_path / "p.properties"
        path.write_text("# comment\n\n! other\nkey = value=with=equals\n")

        assert read_properties(path) == {"key": "value=with=equals"}


class TestClusterId:
    def test_is_a_uuid_in_unpadded_base64(self) -> None:
        cluster_id = new_cluster_id()

        assert len(cluster_id) == 22
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16

    def test_differs_between_calls(self) -> None:
        assert new_cluster_id() != new_cluster_id()


class TestLoggedErrors:
    def test_keeps_error_and_exception_lines_once(self) -> None:
        log = "\n".join(
            [
                "t [main] INFO kafka.Kafka - starting",
                "t [main] ERROR kafka.network.Acceptor - Unable to start acceptor",
                "org.apache.kafka.common.KafkaException: Socket server failed to bind",
                "\tat kafka.network.Acceptor.openServerSocket(SocketServer.scala:1)",
                "Caused by: java.net.BindException: Address already in use",
                "Caused by: java.net.BindException: Address already in use",
            ]
        )

        assert logged_errors(log) == [
            "t [main] ERROR kafka.network.Acceptor - Unable to start acceptor",
            "org.apache.kafka.common.KafkaException: Socket server failed to bind",
            "Caused by: java.net.BindException: Address already in use",
        ]

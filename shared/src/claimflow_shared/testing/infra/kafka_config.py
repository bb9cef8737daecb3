"""The files a single-node KRaft broker needs: server.properties and a cluster id."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from pathlib import Path

NODE_ID = 1


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker and its controller listen."""

    host: str
    broker_port: int
    controller_port: int

    @property
    def bootstrap_servers(self) -> str:
        """Return the address clients connect to."""
        return f"{self.host}:{self.broker_port}"


def new_cluster_id() -> str:
    """Return a random cluster id in the 22-character base64 form StorageTool expects."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def render_server_properties(*, address: BrokerAddress, log_dir: Path) -> str:
    """Return server.properties for a combined broker+controller with one replica of everything."""
    host = address.host
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{host}:{address.controller_port}",
        "listeners": (
            f"PLAINTEXT://{host}:{address.broker_port},CONTROLLER://{host}:{address.controller_port}"
        ),
        "advertised.listeners": f"PLAINTEXT://{host}:{address.broker_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(log_dir),
        "num.partitions": "3",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "auto.create.topics.enable": "true",
        "offsets.topic.replication.factor": "1",
        # Fewer internal partitions than the default 50 make the first consumer group quick.
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "10",
        "group.initial.rebalance.delay.ms": "0",
        # After SIGKILL the restarted broker may re-register only once its old session expires.
        "broker.session.timeout.ms": "4000",
        "broker.heartbeat.interval.ms": "1000",
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "2",
        "log.cleaner.threads": "1",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def read_properties(path: Path) -> dict[str, str]:
    """Parse the simple `key=value` lines of a properties file."""
    result: dict[str, str] = {}
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "!")) or "=" not in stripped:
            continue
        key, value = stripped.split("=", 1)
        result[key.strip()] = value.strip()
    return result


def address_from_properties(properties: dict[str, str]) -> BrokerAddress:
    """Recover the listening address from an earlier server.properties."""
    listeners = dict(
        item.split("://", 1) for item in properties["listeners"].split(",") if "://" in item
    )
    host, broker_port = listeners["PLAINTEXT"].rsplit(":", 1)
    _, controller_port = listeners["CONTROLLER"].rsplit(":", 1)
    return BrokerAddress(
        host=host, broker_port=int(broker_port), controller_port=int(controller_port)
    )

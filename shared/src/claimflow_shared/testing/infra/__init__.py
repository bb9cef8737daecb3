"""Real PostgreSQL and Apache Kafka for tests and local runs, without Docker."""

from claimflow_shared.testing.infra.docker import docker_available
from claimflow_shared.testing.infra.kafka import KafkaBroker, KafkaStartError, start_kafka
from claimflow_shared.testing.infra.maven import (
    KAFKA_VERSION,
    MavenResolutionError,
    kafka_lib_dir,
    resolve_kafka_jars,
)
from claimflow_shared.testing.infra.postgres import PostgresServer, start_postgres

__all__ = [
    "KAFKA_VERSION",
    "KafkaBroker",
    "KafkaStartError",
    "MavenResolutionError",
    "PostgresServer",
    "docker_available",
    "kafka_lib_dir",
    "resolve_kafka_jars",
    "start_kafka",
    "start_postgres",
]

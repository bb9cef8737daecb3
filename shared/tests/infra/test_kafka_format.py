"""Formatting KRaft storage with a cluster id that starts with a dash (a valid base64 id)."""

from pathlib import Path

import pytest

from claimflow_shared.testing.infra import kafka as kafka_module
from claimflow_shared.testing.infra.kafka import KafkaBroker
from claimflow_shared.testing.infra.maven import resolve_kafka_jars

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def test_a_cluster_id_with_a_leading_dash_is_not_read_as_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kafka_module, "new_cluster_id", lambda: "-AbCdEfGhIjKlMnOpQrStU")
    broker = KafkaBroker(tmp_path / "kafka")
    broker.home.mkdir(parents=True)
    broker._write_properties()
    broker._format_storage(resolve_kafka_jars())
    meta = (broker.data_dir / "meta.properties").read_text()
    assert "cluster.id=-AbCdEfGhIjKlMnOpQrStU" in meta

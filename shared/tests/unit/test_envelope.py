"""The CloudEvents binary binding and the registry of contracts."""

from datetime import UTC, datetime

import orjson
import pytest

from claimflow_shared.events import REGISTRY, Envelope, MalformedEvent
from claimflow_shared.events.contracts import ClaimStatusChanged


def status_changed() -> ClaimStatusChanged:
    return ClaimStatusChanged(
        claim_id="c-1",
        tenant_id="t-1",
        from_status="received",
        to_status="accepted",
        reason="ok",
        changed_at=datetime.now(UTC),
    )


class TestBinaryBinding:
    def test_round_trip_keeps_attributes_and_data(self) -> None:
        envelope = Envelope.wrap(status_changed())
        read = Envelope.from_message(
            key=envelope.key.encode(), value=envelope.data, headers=envelope.headers()
        )
        assert (read.id, read.type, read.source, read.key) == (
            envelope.id,
            "claims.claim.status_changed.v1",
            "/claimflow/claims",
            "c-1",
        )
        assert read.event() == status_changed().model_copy(
            update={"changed_at": read.event().changed_at}
        )  # type: ignore[attr-defined]

    def test_headers_follow_the_kafka_binding(self) -> None:
        headers = dict(Envelope.wrap(status_changed()).headers())
        assert headers["ce_specversion"] == b"1.0"
        assert headers["content-type"] == b"application/json"
        assert {"ce_id", "ce_type", "ce_source", "ce_time", "ce_subject"} <= headers.keys()

    def test_missing_headers_are_named(self) -> None:
        with pytest.raises(MalformedEvent, match="ce_id, ce_type"):
            Envelope.from_message(key=None, value=b"{}", headers=[("ce_specversion", b"1.0")])

    def test_unknown_type_is_malformed(self) -> None:
        envelope = Envelope.wrap(status_changed())
        headers = [
            (k, b"nobody.thing.happened.v9" if k == "ce_type" else v) for k, v in envelope.headers()
        ]
        read = Envelope.from_message(key=None, value=envelope.data, headers=headers)
        with pytest.raises(MalformedEvent, match="nobody.thing.happened.v9"):
            read.event()

    def test_data_that_breaks_the_contract_is_malformed(self) -> None:
        envelope = Envelope.wrap(status_changed())
        bad = orjson.dumps({"claim_id": "c-1"})
        read = Envelope.from_message(key=None, value=bad, headers=envelope.headers())
        with pytest.raises(MalformedEvent, match="to_status"):
            read.event()

    def test_readers_ignore_fields_added_later(self) -> None:
        envelope = Envelope.wrap(status_changed())
        data = orjson.loads(envelope.data) | {"added_in_a_later_minor": 1}
        read = Envelope.from_message(key=None, value=orjson.dumps(data), headers=envelope.headers())
        assert read.event().to_status == "accepted"  # type: ignore[attr-defined]


class TestRegistry:
    def test_every_type_follows_the_naming_rule(self) -> None:
        for name, contract in REGISTRY.all().items():
            service, aggregate, verb, version = name.split(".")
            assert version.startswith("v") and version[1:].isdigit(), name
            assert contract.topic == f"{service}.events", name
            assert aggregate and verb

    def test_a_type_cannot_be_registered_twice(self) -> None:
        with pytest.raises(ValueError, match="registered twice"):

            class Copy(ClaimStatusChanged):
                type = ClaimStatusChanged.type


class TestReservedNames:
    def test_a_field_may_not_hide_a_cloudevents_attribute(self) -> None:
        with pytest.warns(UserWarning, match="shadows"), pytest.raises(TypeError, match="source"):

            class Shadowing(ClaimStatusChanged):
                source: str = "json"  # type: ignore[assignment]

    def test_every_contract_keeps_its_own_source(self) -> None:
        for name, contract in REGISTRY.all().items():
            assert contract.source.startswith("/claimflow/"), name

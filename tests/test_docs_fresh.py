"""The generated documents under docs/ match the code, and the AsyncAPI one says what it should."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from typer.testing import CliRunner

from claimflow.cli import app
from claimflow.docs import (
    ASYNCAPI,
    REGENERATE,
    asyncapi_text,
    documents,
    openapi_path,
    openapi_text,
)
from claimflow.services import definitions
from claimflow_shared.bus import dlq_topic
from claimflow_shared.events import REGISTRY, Event
from claimflow_shared.events.asyncapi import DEAD_LETTER_HEADERS, build_asyncapi, contracts
from claimflow_shared.events.contracts import TOPICS
from claimflow_shared.messaging.consumer import DLQ_HEADERS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _committed(path: Path) -> str:
    file = DOCS / path
    return file.read_text() if file.is_file() else ""


def test_asyncapi_document_is_fresh() -> None:
    assert _committed(ASYNCAPI) == asyncapi_text(), f"docs/{ASYNCAPI} is stale: {REGENERATE}"


@pytest.mark.parametrize("service", sorted(definitions()))
def test_openapi_document_is_fresh(service: str) -> None:
    path = openapi_path(service)
    assert _committed(path) == openapi_text(service), f"docs/{path} is stale: {REGENERATE}"


def test_docs_command_writes_what_check_then_accepts(tmp_path: Path) -> None:
    runner = CliRunner()
    before = runner.invoke(app, ["docs", "--check", "--out", str(tmp_path)])
    assert before.exit_code == 1
    assert REGENERATE in before.output
    assert runner.invoke(app, ["docs", "--out", str(tmp_path)]).exit_code == 0
    assert {p.relative_to(tmp_path) for p in tmp_path.rglob("*.*")} == set(documents())
    assert runner.invoke(app, ["docs", "--check", "--out", str(tmp_path)]).exit_code == 0


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_asyncapi()


class TestAsyncApi:
    def test_every_reference_resolves(self, document: dict[str, Any]) -> None:
        refs = _refs(document)
        assert refs
        for ref in refs:
            assert ref.startswith("#/"), ref
            _resolve(document, ref)

    def test_channels_are_the_topics_and_their_dead_letter_topics(
        self, document: dict[str, Any]
    ) -> None:
        expected = {t for topic in TOPICS for t in (topic, dlq_topic(topic))}
        channels = document["channels"]
        assert set(channels) == expected
        assert {c["address"] for c in channels.values()} == expected

    def test_every_registered_contract_is_a_message_on_its_topic(
        self, document: dict[str, Any]
    ) -> None:
        channels = document["channels"]
        for contract in REGISTRY.all().values():
            for channel, name in (
                (contract.topic, contract.__name__),
                (dlq_topic(contract.topic), f"{contract.__name__}DeadLetter"),
            ):
                ref = channels[channel]["messages"][name]["$ref"]
                message = _resolve(document, ref)
                assert message["name"] == contract.type
                key = message["bindings"]["kafka"]["key"]
                assert contract.aggregate_field in key["description"]

    def test_payloads_are_the_contracts_json_schema(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        for contract in REGISTRY.all().values():
            expected = contract.model_json_schema(mode="serialization")
            assert schemas[contract.__name__]["properties"].keys() == expected["properties"].keys()

    def test_headers_carry_the_cloudevent_and_dead_letter_attributes(
        self, document: dict[str, Any]
    ) -> None:
        messages = document["components"]["messages"]
        for name, message in messages.items():
            headers = message["headers"]
            required = set(headers["required"])
            assert {"ce_id", "ce_type", "ce_source", "ce_time", "ce_specversion"} <= required
            assert headers["properties"]["ce_type"]["const"] == message["name"]
            assert "traceparent" in headers["properties"]
            dlq = set(DLQ_HEADERS) if name.endswith("DeadLetter") else set()
            assert set(headers["properties"]) & set(DLQ_HEADERS) == dlq

    def test_every_dead_letter_header_the_consumer_writes_is_described(self) -> None:
        assert set(DEAD_LETTER_HEADERS) == set(DLQ_HEADERS)

    def test_the_yaml_reads_back_as_the_document(self, document: dict[str, Any]) -> None:
        assert yaml.safe_load(asyncapi_text()) == document


class _SourceHiddenByAField:
    """Stands for a contract whose ``source`` a model field of the same name replaced."""

    type, topic, aggregate_field = "claims.claim.example.v1", "claims.events", "claim_id"


def test_a_contract_whose_source_a_field_hides_is_refused() -> None:
    with pytest.raises(ValueError, match="_SourceHiddenByAField.source must be a class-level"):
        contracts([cast(type[Event], _SourceHiddenByAField)])

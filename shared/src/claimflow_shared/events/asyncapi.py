"""The event catalog as an AsyncAPI 3.0 document, generated from the registered contracts.

Channels are the topics and their dead-letter topics; messages are the contracts, with their
JSON Schema payloads (as Pydantic serializes them), the CloudEvents binary-mode headers and
the Kafka key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from claimflow_shared.bus import dlq_topic
from claimflow_shared.events.base import REGISTRY, Event
from claimflow_shared.events.contracts import TOPICS
from claimflow_shared.events.envelope import CONTENT_TYPE

Document = dict[str, Any]

KAFKA_BINDING = "0.5.0"
PARTITIONS = 6
SCHEMAS = "#/components/schemas/"

DESCRIPTION = """\
Events the claimflow services exchange over Apache Kafka.

Every message is a CloudEvents 1.0 event in the Kafka binary binding: the attributes travel
as `ce_*` headers, the value is the JSON payload and the key is the aggregate id, so the
events of one claim (or delivery) keep their order on one partition. A W3C `traceparent`
header carries the trace.

Each topic has a dead-letter topic `<topic>.dlq`: a consumer that still fails after its
retries parks the message there, unchanged, with `dlq-*` headers saying why; it can be
replayed with `claimflow dlq replay <topic>`. When `KAFKA_NAMESPACE` is set, every topic
name carries it as a prefix.

Readers ignore fields they do not know, so a new field is not a breaking change; a breaking
change gets a new type (`.v2`)."""

CLOUDEVENT_HEADERS: dict[str, str] = {
    "ce_specversion": "CloudEvents version.",
    "ce_id": "Event id, unique per event; consumers deduplicate on it.",
    "ce_type": "Event type, versioned.",
    "ce_source": "The producing service.",
    "ce_time": "When the event was created (RFC 3339).",
    "content-type": "Media type of the value.",
    "ce_subject": "The aggregate id, as in the key.",
    "traceparent": "W3C trace context of the span that produced the event.",
    "tracestate": "W3C vendor trace state, when present.",
}
OPTIONAL_HEADERS = {"traceparent", "tracestate"}

DEAD_LETTER_HEADERS: dict[str, str] = {
    "dlq-error": "The last error message (at most 1000 characters).",
    "dlq-error-type": "The exception class of the last error.",
    "dlq-consumer": "The consumer group that gave up.",
    "dlq-attempts": "How many times the consumer tried.",
    "dlq-failed-at": "When it gave up (RFC 3339).",
    "dlq-original-topic": "The topic the message came from; replay sends it back there.",
    "dlq-original-partition": "The partition it came from.",
    "dlq-original-offset": "The offset it had there.",
}

SERVERS: Document = {
    "compose": {
        "host": "kafka:9092",
        "protocol": "kafka",
        "protocolVersion": "3.9",
        "description": "The broker of docker-compose.yml.",
    },
    "kubernetes": {
        "host": "claimflow-kafka-bootstrap.kafka.svc:9092",
        "protocol": "kafka",
        "protocolVersion": "3.9",
        "description": "The Strimzi cluster of deploy/k8s (claimflow-dev-kafka-bootstrap in dev).",
    },
}


def contracts(registry: Iterable[type[Event]] | None = None) -> list[type[Event]]:
    """The contracts to document, by topic then type, each on a known topic."""
    chosen = list(registry if registry is not None else REGISTRY.all().values())
    _check_class_attributes(chosen)
    strays = [c.type for c in chosen if c.topic not in TOPICS]
    if strays:
        raise ValueError(f"contracts on topics missing from contracts.TOPICS: {strays}")
    names = [c.__name__ for c in chosen]
    if len(set(names)) != len(names):
        raise ValueError(f"two contracts share a class name: {sorted(names)}")
    return sorted(chosen, key=lambda c: (TOPICS.index(c.topic), c.type))


def _check_class_attributes(chosen: Iterable[type[Event]]) -> None:
    """Refuse a contract whose topic, source or key field a model field hides."""
    hidden = [
        f"{c.__name__}.{name}"
        for c in chosen
        for name in ("topic", "source", "aggregate_field")
        if not isinstance(getattr(c, name, None), str)
    ]
    if hidden:
        raise ValueError(
            f"{', '.join(hidden)} must be a class-level string; a model field of that name "
            "hides it, and envelopes would carry the field's value instead"
        )


def build_asyncapi(registry: Iterable[type[Event]] | None = None) -> Document:
    """The AsyncAPI 3.0 document for ``registry`` (default: every registered contract)."""
    chosen = contracts(registry)
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "claimflow events", "version": "1.0.0", "description": DESCRIPTION},
        "defaultContentType": CONTENT_TYPE,
        "servers": SERVERS,
        "channels": _channels(chosen),
        "operations": _operations(chosen),
        "components": {"messages": _messages(chosen), "schemas": _schemas(chosen)},
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as literal blocks, so descriptions read as written."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def render_asyncapi(document: Document) -> str:
    """The document as YAML, in a stable order."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _on(topic: str, chosen: Sequence[type[Event]]) -> list[type[Event]]:
    return [c for c in chosen if c.topic == topic]


def _producer(on_topic: Sequence[type[Event]]) -> str:
    """The service named by the topic's sources (``/claimflow/claims`` -> ``claims``)."""
    return ", ".join(sorted({c.source.rsplit("/", 1)[-1] for c in on_topic})) or "no"


def _channels(chosen: Sequence[type[Event]]) -> Document:
    channels: Document = {}
    for topic in TOPICS:
        for name, dead in ((topic, False), (dlq_topic(topic), True)):
            channels[name] = _channel(name, _on(topic, chosen), dead=dead)
    return channels


def _channel(name: str, on_topic: Sequence[type[Event]], *, dead: bool) -> Document:
    suffix = "DeadLetter" if dead else ""
    what = (
        f"Messages that a consumer of `{name.removesuffix('.dlq')}` could not apply, parked "
        "with the reason in `dlq-*` headers (a message that is not a readable event lands "
        "here too)."
        if dead
        else f"Events the {_producer(on_topic)} service publishes."
    )
    return {
        "address": name,
        "description": what,
        "messages": {
            f"{c.__name__}{suffix}": {"$ref": f"#/components/messages/{c.__name__}{suffix}"}
            for c in on_topic
        },
        "bindings": {
            "kafka": {"topic": name, "partitions": PARTITIONS, "bindingVersion": KAFKA_BINDING}
        },
    }


def _operations(chosen: Sequence[type[Event]]) -> Document:
    operations: Document = {}
    for topic in TOPICS:
        on_topic = _on(topic, chosen)
        for name, suffix, summary in (
            (topic, "", f"The {_producer(on_topic)} service publishes its events"),
            (dlq_topic(topic), "DeadLetter", "A consumer parks what it cannot apply"),
        ):
            operations[f"send.{name}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{name}"},
                "summary": summary,
                "messages": [
                    {"$ref": f"#/channels/{name}/messages/{c.__name__}{suffix}"} for c in on_topic
                ],
            }
    return operations


def _messages(chosen: Sequence[type[Event]]) -> Document:
    messages: Document = {}
    for contract in chosen:
        messages[contract.__name__] = _message(contract, dead=False)
        messages[f"{contract.__name__}DeadLetter"] = _message(contract, dead=True)
    return messages


def _message(contract: type[Event], *, dead: bool) -> Document:
    summary = (contract.__doc__ or contract.type).strip().splitlines()[0]
    return {
        "name": contract.type,
        "title": contract.__name__ + (" (dead letter)" if dead else ""),
        "summary": summary,
        "contentType": CONTENT_TYPE,
        "headers": _headers(contract, dead=dead),
        "payload": {"$ref": SCHEMAS + contract.__name__},
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": f"The `{contract.aggregate_field}` of the payload.",
                },
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _headers(contract: type[Event], *, dead: bool) -> Document:
    fixed = {
        "ce_specversion": {"const": "1.0"},
        "ce_type": {"const": contract.type},
        "ce_source": {"const": contract.source},
        "content-type": {"const": CONTENT_TYPE},
        "ce_time": {"format": "date-time"},
    }
    described = {**CLOUDEVENT_HEADERS, **(DEAD_LETTER_HEADERS if dead else {})}
    properties = {
        name: {"type": "string", "description": text, **fixed.get(name, {})}
        for name, text in described.items()
    }
    return {
        "type": "object",
        "required": [name for name in described if name not in OPTIONAL_HEADERS],
        "properties": properties,
    }


def _schemas(chosen: Sequence[type[Event]]) -> Document:
    _, definitions = models_json_schema(
        [(c, "serialization") for c in chosen], ref_template=SCHEMAS + "{model}"
    )
    schemas: Document = definitions.get("$defs", {})
    return dict(sorted(schemas.items()))

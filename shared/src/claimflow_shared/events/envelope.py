"""CloudEvents 1.0 in the Kafka binary binding: ``ce_*`` headers, JSON value, key = aggregate id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from claimflow_shared.events.base import REGISTRY, Event

Headers = list[tuple[str, bytes]]
CONTENT_TYPE = "application/json"


class MalformedEvent(ValueError):
    """A message that is not a readable CloudEvent of a known type."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """One event with its CloudEvents attributes."""

    id: str
    type: str
    source: str
    time: datetime
    key: str
    data: bytes
    subject: str | None = None
    extensions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def wrap(cls, event: Event, *, event_id: str | None = None) -> Envelope:
        """Wrap a contract instance in a new envelope."""
        return cls(
            id=event_id or str(uuid.uuid4()),
            type=event.type,
            source=event.source,
            time=datetime.now(UTC),
            key=event.key,
            subject=event.key,
            data=event.__pydantic_serializer__.to_json(event),
        )

    def headers(self) -> Headers:
        """The binary-mode headers (plus extensions such as ``traceparent``)."""
        headers: Headers = [
            ("ce_specversion", b"1.0"),
            ("ce_id", self.id.encode()),
            ("ce_type", self.type.encode()),
            ("ce_source", self.source.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]
        if self.subject is not None:
            headers.append(("ce_subject", self.subject.encode()))
        headers.extend((k, v.encode()) for k, v in self.extensions.items())
        return headers

    @classmethod
    def from_message(cls, *, key: bytes | None, value: bytes | None, headers: Headers) -> Envelope:
        """Read an envelope from a Kafka message; raise ``MalformedEvent`` when it is not one."""
        attrs = {k: v.decode("utf-8", "replace") for k, v in headers}
        missing = [a for a in ("ce_id", "ce_type", "ce_source", "ce_time") if a not in attrs]
        if missing:
            raise MalformedEvent(f"missing CloudEvents headers: {', '.join(missing)}")
        if attrs.get("ce_specversion") != "1.0":
            raise MalformedEvent(f"unsupported specversion {attrs.get('ce_specversion')!r}")
        try:
            time = datetime.fromisoformat(attrs["ce_time"])
        except ValueError as exc:
            raise MalformedEvent(f"bad ce_time {attrs['ce_time']!r}") from exc
        known = {"ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject"}
        return cls(
            id=attrs["ce_id"],
            type=attrs["ce_type"],
            source=attrs["ce_source"],
            time=time,
            key=(key or b"").decode("utf-8", "replace"),
            data=value or b"",
            subject=attrs.get("ce_subject"),
            extensions={k: v for k, v in attrs.items() if k not in known and k != "content-type"},
        )

    def event(self) -> Event:
        """Decode the data into its registered contract."""
        try:
            contract = REGISTRY.resolve(self.type)
        except Exception as exc:
            raise MalformedEvent(str(exc)) from exc
        try:
            return contract.model_validate_json(self.data)
        except ValueError as exc:
            raise MalformedEvent(f"{self.type}: {exc}") from exc

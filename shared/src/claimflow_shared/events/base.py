"""The base of every event contract and the registry of event types."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from claimflow_shared.errors import AppError


class UnknownEventType(AppError):
    status, title, slug = 422, "Unknown event type", "unknown-event-type"


RESERVED = frozenset({"type", "topic", "source", "aggregate_field", "key"})


class Event(BaseModel):
    """A versioned, typed event contract.

    Subclasses set ``type`` (``<service>.<aggregate>.<verb>.v<N>``), ``topic`` and ``source`` and
    name the field holding the aggregate id (the Kafka key: one aggregate's events stay in
    order).
    Readers ignore fields they do not know, so adding a field is not a breaking change.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: ClassVar[str]
    topic: ClassVar[str]
    source: ClassVar[str]
    aggregate_field: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        hidden = RESERVED.intersection(cls.model_fields)
        if hidden:
            raise TypeError(
                f"{cls.__name__}: field(s) {', '.join(sorted(hidden))} would hide the event's "
                "CloudEvents attributes; choose other names"
            )
        if "type" in cls.__dict__:
            REGISTRY.register(cls)

    @property
    def key(self) -> str:
        """The aggregate id: the partition key."""
        return str(getattr(self, self.aggregate_field))


class Registry:
    """Maps CloudEvents types to their contract classes."""

    def __init__(self) -> None:
        self._types: dict[str, type[Event]] = {}

    def register(self, cls: type[Event]) -> None:
        """Add a contract; a type name may be registered once."""
        existing = self._types.get(cls.type)
        if existing is not None and existing is not cls:
            raise ValueError(f"event type {cls.type} registered twice")
        self._types[cls.type] = cls

    def resolve(self, type_name: str) -> type[Event]:
        """The contract for a type name."""
        try:
            return self._types[type_name]
        except KeyError:
            raise UnknownEventType(f"no contract for event type {type_name!r}") from None

    def knows(self, type_name: str) -> bool:
        """Whether a contract is registered for a type name."""
        return type_name in self._types

    def all(self) -> dict[str, type[Event]]:
        """Every registered contract by type name."""
        return dict(self._types)


REGISTRY = Registry()

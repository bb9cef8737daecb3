"""The event bus interface and its two implementations (Kafka, in-process)."""

from claimflow_shared.bus.base import EventBus, Message, MessageHandler, dlq_topic

__all__ = ["EventBus", "Message", "MessageHandler", "dlq_topic"]

"""List and replay dead letters."""

from __future__ import annotations

from dataclasses import dataclass

from claimflow_shared.bus import EventBus, Message, dlq_topic
from claimflow_shared.messaging.consumer import DLQ_HEADERS


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A parked message and why it was parked."""

    offset: int
    partition: int
    key: str
    event_type: str
    event_id: str
    consumer: str
    error: str
    failed_at: str
    message: Message


def _dead_letter(message: Message) -> DeadLetter:
    return DeadLetter(
        offset=message.offset,
        partition=message.partition,
        key=(message.key or b"").decode("utf-8", "replace"),
        event_type=message.header("ce_type") or "?",
        event_id=message.header("ce_id") or "?",
        consumer=message.header("dlq-consumer") or "?",
        error=message.header("dlq-error") or "",
        failed_at=message.header("dlq-failed-at") or "",
        message=message,
    )


async def list_dead_letters(bus: EventBus, topic: str) -> list[DeadLetter]:
    """Every message parked beside ``topic``."""
    return [_dead_letter(m) for m in await bus.read_all(dlq_topic(topic))]


async def replay(bus: EventBus, letters: list[DeadLetter]) -> int:
    """Send parked messages back to their original topic, without the dead-letter headers.

    Consumers that had applied the event already skip it through their inbox.
    """
    messages = [
        letter.message.to(
            letter.message.header("dlq-original-topic")
            or letter.message.topic.removesuffix(".dlq"),
            headers=[(k, v) for k, v in letter.message.headers if k not in DLQ_HEADERS],
        )
        for letter in letters
    ]
    await bus.publish(messages)
    return len(messages)

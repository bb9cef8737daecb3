"""Streaming an interchange through the shared 837P reader, set by set."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

from claimflow_shared.x12.p837 import ClaimRead, Event837, Professional837Reader
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.transactions import TransactionSetClosed


@dataclass(slots=True)
class SetRead:
    """One transaction set: its claims in file order and, once its SE is read, its verdict."""

    reads: list[ClaimRead] = field(default_factory=list)
    closed: TransactionSetClosed | None = None

    @property
    def accepted(self) -> bool:
        """Whether the 999 accepts the set (its claims go on to the 277CA and to intake)."""
        return self.closed is not None and self.closed.ack.accepted


@dataclass(frozen=True, slots=True)
class Interchange:
    """A read interchange: the 999 verdict and every transaction set with its claims."""

    ack: InterchangeAck
    sets: tuple[SetRead, ...]
    sha256: str

    def accepted_claims(self) -> Iterator[tuple[int, int, ClaimRead]]:
        """(set index, claim index, claim) of each claim the reader accepts in an accepted set."""
        for set_index, read_set in enumerate(self.sets):
            if read_set.accepted:
                for claim_index, read in enumerate(read_set.reads):
                    if read.accepted:
                        yield set_index, claim_index, read


class _Collector:
    """Sorts the reader's events into transaction sets as they complete."""

    def __init__(self) -> None:
        self.reader = Professional837Reader()
        self.sets: list[SetRead] = []
        self._open = SetRead()

    def take(self, events: list[Event837]) -> None:
        """File claims under the open set; close it at its verdict."""
        for event in events:
            if isinstance(event, ClaimRead):
                self._open.reads.append(event)
            else:
                self._open.closed = event
                self.sets.append(self._open)
                self._open = SetRead()


async def read_interchange(chunks: AsyncIterator[bytes]) -> Interchange:
    """Feed the chunks to the reader as they arrive; raises ``UnreadableInterchangeError``."""
    collector = _Collector()
    digest = hashlib.sha256()
    async for chunk in chunks:
        if chunk:
            digest.update(chunk)
            collector.take(collector.reader.feed(chunk))
    collector.take(collector.reader.close())
    return Interchange(collector.reader.acknowledgment, tuple(collector.sets), digest.hexdigest())

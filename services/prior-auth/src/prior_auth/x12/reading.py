"""Reading a whole 278 interchange: each request with its 999 verdict."""

from __future__ import annotations

from dataclasses import dataclass

from claimflow_shared.x12.p278 import Request278Read, Request278Reader
from claimflow_shared.x12.results import InterchangeAck, TransactionSetAck
from claimflow_shared.x12.transactions import TransactionSetClosed


@dataclass(frozen=True, slots=True)
class SetRead:
    """One transaction set: the request read from it (None if nothing could be) and its verdict."""

    verdict: TransactionSetAck
    read: Request278Read | None

    @property
    def accepted(self) -> bool:
        """Whether the 999 accepts the set, so that the 278 response answers it."""
        return self.verdict.accepted and self.read is not None


@dataclass(frozen=True, slots=True)
class Interchange:
    """The 999 verdict and every set in file order."""

    ack: InterchangeAck
    sets: tuple[SetRead, ...]


def read_interchange(body: bytes) -> Interchange:
    """Read the interchange; raises ``UnreadableInterchangeError`` without a usable ISA."""
    reader = Request278Reader()
    sets: list[SetRead] = []
    pending: Request278Read | None = None
    for event in reader.read(body):
        if isinstance(event, TransactionSetClosed):
            sets.append(SetRead(event.ack, pending))
            pending = None
        else:
            pending = event
    return Interchange(reader.acknowledgment, tuple(sets))

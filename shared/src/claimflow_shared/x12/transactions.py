"""The contract between the envelope reader and transaction handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from claimflow_shared.x12.errors import SegmentError
from claimflow_shared.x12.results import TransactionSetAck
from claimflow_shared.x12.tokenizer import Delimiters, IsaHeader


@dataclass(frozen=True, slots=True)
class GroupHeader:
    """The GS elements a handler may need."""

    functional_id: str
    sender: str
    receiver: str
    control_number: str
    version: str


@dataclass(frozen=True, slots=True)
class TransactionSetHeader:
    """Where a transaction set sits: its ST, its group and its interchange."""

    set_id: str
    control_number: str
    convention: str
    group: GroupHeader
    interchange: IsaHeader


@dataclass(frozen=True, slots=True)
class TransactionSetClosed:
    """Emitted after each SE or truncation: the verdict; drop the items of a rejected set."""

    ack: TransactionSetAck


ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"})


class TransactionHandler(Protocol):
    """Reads the body of one transaction set, a run of segments at a time."""

    def segments(self, batch: list[list[str]], start: int, position: int) -> tuple[int, int]:
        """Take body segments from batch[start:] up to the first envelope segment.

        `position` is that of the last segment taken so far (ST = 1); return the index where
        reading stopped (an envelope segment, or len(batch)) and the last position taken.
        """

    def finish(self, position: int) -> tuple[int, int]:
        """End the set at the given position; return (items accepted, items rejected)."""


@dataclass(frozen=True, slots=True)
class TransactionContext:
    """What a handler gets: the headers, the delimiters and where to send errors and events."""

    header: TransactionSetHeader
    delimiters: Delimiters
    report: Callable[[SegmentError], None]
    emit: Callable[[object], None]


@dataclass(frozen=True, slots=True)
class TransactionType:
    """A handler registration: GS01, ST01, the convention prefix it accepts and its factory."""

    functional_id: str
    set_id: str
    convention_prefix: str
    factory: Callable[[TransactionContext], TransactionHandler]

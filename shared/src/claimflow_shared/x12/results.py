"""Structured acknowledgment results: what a 999 (and TA1) says, as data an endpoint renders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claimflow_shared.x12.errors import (
    GroupCode,
    GroupError,
    InterchangeError,
    SegmentError,
    SetCode,
)
from claimflow_shared.x12.tokenizer import IsaHeader


class AckStatus(StrEnum):
    """IK501 / AK901 / TA104 acknowledgment codes."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"
    REJECTED = "R"


@dataclass(frozen=True, slots=True)
class TransactionSetAck:
    """The verdict on one transaction set (a 999 AK2 loop with its IK5)."""

    set_id: str
    control_number: str
    convention: str | None
    status: AckStatus
    codes: tuple[SetCode, ...]
    errors: tuple[SegmentError, ...]
    omitted_errors: int
    items_accepted: int
    items_rejected: int
    group_control_number: str
    segment_count: int

    @property
    def accepted(self) -> bool:
        """Tell whether the set goes on to item-level processing (status A or E)."""
        return self.status is not AckStatus.REJECTED


@dataclass(frozen=True, slots=True)
class GroupAck:
    """The verdict on one functional group (one 999 transaction set: AK1 ... AK9)."""

    functional_id: str
    control_number: str
    version: str
    sender: str
    receiver: str
    status: AckStatus
    errors: tuple[GroupError, ...]
    declared_sets: int | None
    transaction_sets: tuple[TransactionSetAck, ...]

    @property
    def codes(self) -> tuple[GroupCode, ...]:
        """Return the distinct AK905..AK909 codes, at most five."""
        return tuple(dict.fromkeys(e.code for e in self.errors))[:5]

    @property
    def accepted_sets(self) -> int:
        """Count the transaction sets accepted with or without errors."""
        return sum(1 for t in self.transaction_sets if t.accepted)


@dataclass(frozen=True, slots=True)
class InterchangeAck:
    """What the 999 interchange reports: the TA1 verdict and one GroupAck per group."""

    header: IsaHeader
    status: AckStatus
    errors: tuple[InterchangeError, ...]
    groups: tuple[GroupAck, ...]

    @property
    def wants_ta1(self) -> bool:
        """Tell whether a TA1 belongs in the reply: on errors, or when ISA14 asked for one."""
        return bool(self.errors) or self.header.get(14) == "1"

    @property
    def transaction_sets(self) -> tuple[TransactionSetAck, ...]:
        """Return every transaction set verdict in file order."""
        return tuple(t for g in self.groups for t in g.transaction_sets)

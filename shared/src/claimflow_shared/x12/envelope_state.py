"""Bookkeeping of the open transaction set and functional group, and their verdicts at SE/GE."""

from __future__ import annotations

from claimflow_shared.x12.envelope_checks import count_mismatch, group_status, set_status
from claimflow_shared.x12.errors import (
    Channel,
    GroupCode,
    GroupError,
    SegmentError,
    SetCode,
    Severity,
    shown,
)
from claimflow_shared.x12.results import AckStatus, GroupAck, TransactionSetAck
from claimflow_shared.x12.transactions import GroupHeader, TransactionHandler, TransactionSetHeader

_MAX_CODES = 5


class SetState:
    """Bookkeeping for the open transaction set."""

    __slots__ = (
        "header",
        "handler",
        "codes",
        "errors",
        "omitted",
        "rejects_set",
        "position",
        "limit",
    )

    def __init__(self, header: TransactionSetHeader, limit: int) -> None:
        """Start counting at ST = 1."""
        self.header = header
        self.handler: TransactionHandler | None = None
        self.codes: list[SetCode] = []
        self.errors: list[SegmentError] = []
        self.omitted = 0
        self.rejects_set = False
        self.position = 1
        self.limit = limit

    def report(self, error: SegmentError) -> None:
        """Record a handler's error for the 999 (business edits only travel with their items)."""
        if error.channel is not Channel.SYNTAX:
            return
        if error.severity is Severity.REJECT_SET:
            self.rejects_set = True
        if len(self.errors) < self.limit:
            self.errors.append(error)
        else:
            self.omitted += 1


class GroupState:
    """Bookkeeping for the open functional group."""

    __slots__ = ("header", "errors", "sets", "control_numbers", "supported")

    def __init__(self, header: GroupHeader, supported: bool) -> None:
        """Start an empty group."""
        self.header = header
        self.errors: list[GroupError] = []
        self.sets: list[TransactionSetAck] = []
        self.control_numbers: set[str] = set()
        self.supported = supported


def set_verdict(
    state: SetState, group: GroupState, trailer: list[str] | None, counts: tuple[int, int]
) -> TransactionSetAck:
    """Check the SE trailer and return the set's verdict (a rejected set accepts no item)."""
    state.codes.extend(_se_codes(trailer, state))
    status = set_status(state.codes, state.errors, state.rejects_set, group.supported)
    accepted, rejected = counts
    if status is AckStatus.REJECTED:
        accepted, rejected = 0, accepted + rejected
    header = state.header
    return TransactionSetAck(
        header.set_id,
        header.control_number,
        header.convention or None,
        status,
        tuple(dict.fromkeys(state.codes))[:_MAX_CODES],
        tuple(state.errors),
        state.omitted,
        accepted,
        rejected,
        group.header.control_number,
        state.position,
    )


def group_verdict(group: GroupState, trailer: list[str] | None) -> GroupAck:
    """Check the GE trailer and return the group's verdict."""
    declared: int | None = None
    if trailer is None:
        group.errors.append(GroupError(GroupCode.TRAILER_MISSING, "the GE trailer is missing"))
    else:
        count = trimmed(trailer, 1)
        declared = int(count) if count.isdigit() else None
        if count_mismatch(count, len(group.sets)):
            group.errors.append(
                GroupError(
                    GroupCode.SET_COUNT_MISMATCH,
                    f"GE01 says {shown(count, 9)!r} transaction sets but the group holds "
                    f"{len(group.sets)}",
                )
            )
        if trimmed(trailer, 2) != group.header.control_number:
            group.errors.append(
                GroupError(
                    GroupCode.CONTROL_NUMBER_MISMATCH,
                    "GE02 does not match the GS06 group control number",
                )
            )
    h = group.header
    status = group_status(group.sets, group.errors, group.supported)
    return GroupAck(
        h.functional_id,
        h.control_number,
        h.version,
        h.sender,
        h.receiver,
        status,
        tuple(group.errors),
        declared,
        tuple(group.sets),
    )


def _se_codes(trailer: list[str] | None, state: SetState) -> list[SetCode]:
    """Return the IK502 codes the SE trailer earns."""
    if trailer is None:
        return [SetCode.TRAILER_MISSING]
    codes: list[SetCode] = []
    if count_mismatch(trimmed(trailer, 1), state.position):
        codes.append(SetCode.SEGMENT_COUNT_MISMATCH)
    if trimmed(trailer, 2) != state.header.control_number:
        codes.append(SetCode.CONTROL_NUMBER_MISMATCH)
    return codes


def trimmed(elements: list[str], index: int) -> str:
    """Return element `index` or an empty string when the segment is shorter."""
    return elements[index].strip() if index < len(elements) else ""

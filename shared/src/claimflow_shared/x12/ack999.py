"""Rendering the 999 implementation acknowledgment (005010X231A1), with a TA1 when one is due.

One 999 transaction set answers each inbound functional group (AK1 ... AK9); each inbound
transaction set gets an AK2 loop whose IK3/IK4 pairs locate every syntax error (segment id,
position counted from ST = 1, loop id; element, component, data element number, code and a copy
of the bad value, except in segments that identify a person), a CTX naming the claim (CLM01)
when the error lies inside one, and an IK5.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby

from claimflow_shared.x12.errors import SegmentCode, SegmentError, SetCode
from claimflow_shared.x12.results import AckStatus, GroupAck, InterchangeAck, TransactionSetAck
from claimflow_shared.x12.writer import ControlNumbers, InterchangeWriter

FUNCTIONAL_ID = "FA"
SET_ID = "999"
CONVENTION = "005010X231A1"
BUSINESS_UNIT = "CLM01"
PERSON_SEGMENTS = frozenset({"NM1", "N2", "N3", "N4", "DMG", "REF", "PER"})
"""Segments that carry a person's name, address, birth date or identifiers: an error in them
is located and coded, but its value is not copied into IK404 (the 999 may be stored and read
by more hands than the claim; the submitter has the file)."""


def render_999(ack: InterchangeAck, control: ControlNumbers, *, sent_at: datetime) -> str:
    """Return the 999 interchange answering `ack`'s inbound interchange."""
    writer = InterchangeWriter(ack.header, control, sent_at)
    if ack.wants_ta1:
        write_ta1(writer, ack)
    if ack.groups:
        first = ack.groups[0]
        writer.begin_group(FUNCTIONAL_ID, CONVENTION, first.receiver, first.sender)
        for group in ack.groups:
            _write_group(writer, group)
        writer.end_group()
    return writer.finish()


def write_ta1(writer: InterchangeWriter, ack: InterchangeAck) -> None:
    """Write the TA1 interchange acknowledgment: its first fatal (else first) note code."""
    header = ack.header
    fatal = [e for e in ack.errors if e.fatal]
    chosen = (fatal or list(ack.errors))[:1]
    note = chosen[0].code.value if chosen else "000"
    writer.segment("TA1", header.get(13), header.get(9), header.get(10), ack.status.value, note)


def _write_group(writer: InterchangeWriter, group: GroupAck) -> None:
    """Write one 999 transaction set for one inbound functional group."""
    writer.begin_set(SET_ID, CONVENTION)
    writer.segment("AK1", group.functional_id, group.control_number, group.version)
    for transaction_set in group.transaction_sets:
        _write_set(writer, transaction_set)
    declared = (
        group.declared_sets if group.declared_sets is not None else len(group.transaction_sets)
    )
    writer.segment(
        "AK9",
        group.status.value,
        str(declared),
        str(len(group.transaction_sets)),
        str(group.accepted_sets),
        *(code.value for code in group.codes),
    )
    writer.end_set()


def _write_set(writer: InterchangeWriter, ack: TransactionSetAck) -> None:
    """Write the AK2 loop of one inbound transaction set."""
    writer.segment("AK2", ack.set_id, ack.control_number, ack.convention or "")
    for errors in _by_segment(ack.errors):
        _write_segment_errors(writer, errors)
    writer.segment("IK5", ack.status.value, *(code.value for code in _set_codes(ack)))


def _by_segment(errors: tuple[SegmentError, ...]) -> Iterator[list[SegmentError]]:
    """Group errors that point at the same segment, in position order."""
    ordered = sorted(errors, key=lambda e: e.position)
    for _, same in groupby(ordered, key=lambda e: (e.position, e.segment_id, e.loop_id)):
        yield list(same)


def _write_segment_errors(writer: InterchangeWriter, errors: list[SegmentError]) -> None:
    """Write one IK3 (with its CTX) and the IK4 of each element error at that segment."""
    first = errors[0]
    elements = [e.element for e in errors if e.element is not None]
    code = SegmentCode.ELEMENT_ERRORS if elements else first.code
    if elements and len(errors) > len(elements):
        code = next(e.code for e in errors if e.element is None)
    writer.segment("IK3", first.segment_id, str(first.position), first.loop_id or "", code.value)
    if first.item_id:
        writer.segment("CTX", (BUSINESS_UNIT, first.item_id))
    for element in elements:
        position = (
            str(element.position),
            str(element.component or ""),
            str(element.repetition or ""),
        )
        copy = "" if first.segment_id in PERSON_SEGMENTS else element.bad_value or ""
        writer.segment("IK4", position, element.reference or "", element.code.value, copy)


def _set_codes(ack: TransactionSetAck) -> tuple[SetCode, ...]:
    """Return IK502..IK506: the set's own codes, or I5 when only its segments are in error."""
    if ack.codes:
        return ack.codes
    if ack.status is AckStatus.ACCEPTED:
        return ()
    return (SetCode.IMPLEMENTATION_ERRORS,)

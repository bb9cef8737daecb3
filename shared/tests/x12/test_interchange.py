"""Envelope checks: counts, control numbers, truncation, garbage and unsupported transactions."""

from __future__ import annotations

import random

import pytest

from claimflow_shared.x12.envelope import InterchangeReader, TransactionSetClosed
from claimflow_shared.x12.errors import GroupCode, InterchangeCode, SetCode
from claimflow_shared.x12.results import AckStatus, InterchangeAck
from claimflow_shared.x12.sources import iter_chunks
from claimflow_shared.x12.tokenizer import UnreadableInterchangeError

from .helpers import counting_type, envelope, isa

BODY = ["BHT*0019*00*1*20240301*0930*CH", "HL*1**20*1", "NM1*85*2*CLINIC"]


def read(data: bytes, chunk: int = 1 << 16) -> tuple[InterchangeAck, list[object]]:
    """Read data in chunks of the given size and return the verdict and the events."""
    reader = InterchangeReader([counting_type()], max_segment_bytes=4096)
    events = [e for piece in iter_chunks(data, chunk) for e in reader.feed(piece)]
    events += reader.close()
    return reader.result, events


def codes(ack: InterchangeAck) -> list[str]:
    """Return the interchange (TA1) codes."""
    return [e.code.value for e in ack.errors]


class TestWellFormedInterchanges:
    def test_many_groups_and_sets_are_each_acknowledged(self) -> None:
        ack, events = read(envelope([[BODY, BODY], [BODY], [BODY, BODY, BODY]]))
        assert ack.status is AckStatus.ACCEPTED and not ack.errors
        assert [len(g.transaction_sets) for g in ack.groups] == [2, 1, 3]
        assert all(t.status is AckStatus.ACCEPTED for t in ack.transaction_sets)
        assert sum(isinstance(e, TransactionSetClosed) for e in events) == 6

    @pytest.mark.parametrize(
        ("element", "segment", "newline", "repetition", "component"),
        [("*", "~", "", "^", ":"), ("|", "~", "\r\n", "^", ">"), ("^", "'", "\n", "{", "\\")],
    )
    def test_any_declared_delimiters_give_the_same_verdict(
        self, element: str, segment: str, newline: str, repetition: str, component: str
    ) -> None:
        data = envelope(
            [[BODY, BODY]],
            element=element,
            segment=segment,
            newline=newline,
            repetition=repetition,
            component=component,
        )
        ack, _ = read(data)
        assert ack.status is AckStatus.ACCEPTED
        assert [t.status for t in ack.transaction_sets] == [AckStatus.ACCEPTED] * 2
        assert ack.header.delimiters.segment == segment

    def test_reading_byte_by_byte_gives_the_same_verdict(self) -> None:
        data = envelope([[BODY, BODY], [BODY]], newline="\n")
        assert read(data, chunk=1)[0] == read(data)[0]


class TestCountsAndControlNumbers:
    def test_wrong_se_count_and_control_number_reject_the_set(self) -> None:
        data = envelope([[BODY, BODY]]).replace(b"SE*5*1002", b"SE*9*1999")
        ack, _ = read(data)
        first, second = ack.transaction_sets
        assert first.status is AckStatus.ACCEPTED
        assert second.status is AckStatus.REJECTED
        assert set(second.codes) == {
            SetCode.SEGMENT_COUNT_MISMATCH,
            SetCode.CONTROL_NUMBER_MISMATCH,
        }
        assert ack.groups[0].status is AckStatus.PARTIALLY_ACCEPTED

    def test_wrong_ge_count_and_control_number_are_noted_on_the_group(self) -> None:
        data = envelope([[BODY]]).replace(b"GE*1*1", b"GE*3*7")
        group = read(data)[0].groups[0]
        assert set(group.codes) == {GroupCode.SET_COUNT_MISMATCH, GroupCode.CONTROL_NUMBER_MISMATCH}
        assert group.status is AckStatus.ACCEPTED_WITH_ERRORS
        assert group.transaction_sets[0].accepted

    def test_wrong_iea_count_and_control_number_are_noted_in_the_ta1(self) -> None:
        data = envelope([[BODY]]).replace(b"IEA*1*000000101", b"IEA*2*000000999")
        ack, _ = read(data)
        assert codes(ack) == [
            InterchangeCode.INVALID_GROUP_COUNT,
            InterchangeCode.CONTROL_NUMBER_MISMATCH,
        ]
        assert ack.status is AckStatus.ACCEPTED_WITH_ERRORS
        assert ack.wants_ta1

    def test_duplicate_set_control_number_rejects_the_repeat(self) -> None:
        data = envelope([[BODY, BODY]]).replace(b"1002", b"1001")
        first, second = read(data)[0].transaction_sets
        assert first.accepted and SetCode.DUPLICATE_CONTROL_NUMBER in second.codes


class TestBrokenInput:
    def test_truncated_file_rejects_the_open_set_and_notes_missing_trailers(self) -> None:
        data = envelope([[BODY, BODY]])
        cut = data[: data.index(b"SE*5*1002") - 3]
        ack, _ = read(cut)
        first, second = ack.transaction_sets
        assert first.accepted and not second.accepted
        assert SetCode.TRAILER_MISSING in second.codes
        assert GroupCode.TRAILER_MISSING in ack.groups[0].codes
        assert InterchangeCode.PREMATURE_END in codes(ack)

    def test_isa_alone_is_rejected_as_premature_end(self) -> None:
        ack, _ = read((isa() + "\n").encode())
        assert ack.status is AckStatus.REJECTED and codes(ack) == [InterchangeCode.PREMATURE_END]

    def test_wrong_isa_version_rejects_the_interchange_without_reading_it(self) -> None:
        data = envelope([[BODY]]).replace(b"*00501*", b"*00401*", 1)
        ack, events = read(data)
        assert ack.status is AckStatus.REJECTED and not ack.groups and not events
        assert InterchangeCode.VERSION_NOT_SUPPORTED in codes(ack)

    def test_data_without_isa_is_unreadable(self) -> None:
        with pytest.raises(UnreadableInterchangeError):
            read(b"GS*HC*A*B*20240301*0930*1*X*005010X222A1~ST*837*0001~")

    def test_binary_garbage_is_unreadable_not_a_crash(self) -> None:
        garbage = random.Random(7).randbytes(200_000)
        with pytest.raises(UnreadableInterchangeError):
            read(garbage)

    def test_binary_garbage_after_an_isa_is_rejected(self) -> None:
        garbage = random.Random(11).randbytes(2_000_000)
        ack, _ = read((isa() + "~").encode() + garbage)
        assert ack.status is AckStatus.REJECTED
        assert not ack.groups or not any(t.accepted for t in ack.transaction_sets)

    def test_ten_megabytes_without_terminator_stop_reading_with_a_note(self) -> None:
        ack, _ = read((isa() + "~").encode() + b"A" * 10_000_000)
        assert ack.status is AckStatus.REJECTED
        assert any("no segment terminator" in e.message for e in ack.errors)

    def test_segments_outside_any_set_are_noted(self) -> None:
        data = envelope([[BODY]]).replace(b"ST*837", b"HL*1**20*1~ST*837", 1)
        ack, _ = read(data)
        assert InterchangeCode.INVALID_CONTENT in codes(ack)
        assert ack.transaction_sets[0].accepted


class TestUnsupportedTransactions:
    def test_other_functional_group_is_rejected_as_not_supported(self) -> None:
        data = envelope([[BODY]]).replace(b"GS*HC", b"GS*HP")
        group = read(data)[0].groups[0]
        assert group.status is AckStatus.REJECTED and GroupCode.NOT_SUPPORTED in group.codes
        assert group.transaction_sets[0].codes == (SetCode.NOT_SUPPORTED,)

    def test_837_institutional_convention_is_rejected_as_not_supported(self) -> None:
        data = envelope([[BODY]]).replace(b"ST*837*1001*005010X222A1", b"ST*837*1001*005010X223A2")
        result = read(data)[0].transaction_sets[0]
        assert result.status is AckStatus.REJECTED
        assert result.codes == (SetCode.CONVENTION_NOT_SUPPORTED,)

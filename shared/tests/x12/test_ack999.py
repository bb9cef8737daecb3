"""The 999 (and TA1) rendered from a verdict: envelopes, counts, error locations and codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from claimflow_shared.x12.ack999 import render_999
from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.errors import ElementCode, ElementError, SegmentCode, SegmentError
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.transactions import TransactionContext, TransactionType
from claimflow_shared.x12.writer import ControlNumbers

from .helpers import CountingHandler, counting_type, envelope, segments_of

BODY = ["BHT*0019*00*1*20240301*0930*CH", "HL*1**20*1", "CLM*A1*10***11:B:1*Y*A*Y*Y"]
SENT = datetime(2024, 3, 2, 14, 5)


@dataclass
class FaultyHandler(CountingHandler):
    """Reports one element error on the CLM segment of every set."""

    segment_id = "CLM"

    def segments(self, batch: list[list[str]], start: int, position: int) -> tuple[int, int]:
        """Count segments, reporting CLM05-3 as an invalid code."""
        index, last = super().segments(batch, start, position)
        element = ElementError(5, ElementCode.INVALID_CODE, "1325", 3, None, "9")
        self.context.report(
            SegmentError(
                self.segment_id,
                4,
                "2300",
                SegmentCode.ELEMENT_ERRORS,
                "CLM05-3 frequency",
                element=element,
                item_id="A1",
            )
        )
        return index, last


@dataclass
class FaultyNameHandler(FaultyHandler):
    """Reports the same element error, on a patient's NM1 segment."""

    segment_id = "NM1"


def verdict(data: bytes, faulty: bool = False, handler: type = FaultyHandler) -> InterchangeAck:
    """Read data with a counting (or faulty) handler."""
    kind = TransactionType("HC", "837", "005010X222", handler) if faulty else counting_type()
    reader = InterchangeReader([kind])
    reader.feed(data)
    reader.close()
    return reader.result


def by_tag(segments: list[list[str]], tag: str) -> list[list[str]]:
    """Return the segments with a given id."""
    return [s for s in segments if s[0] == tag]


class TestEnvelopes:
    def test_reply_swaps_sender_and_receiver_and_keeps_the_delimiters(self) -> None:
        ack = verdict(envelope([[BODY]], element="|", segment="~", newline="\n", component=">"))
        text = render_999(ack, ControlNumbers(interchange=42, group=7), sent_at=SENT)
        segments = segments_of(text)
        isa = segments[0]
        assert (isa[5], isa[6].strip(), isa[7], isa[8].strip()) == (
            "ZZ",
            "CLAIMFLOW01",
            "ZZ",
            "SUB001",
        )
        assert isa[13] == "000000042" and isa[16] == ">" and isa[9:11] == ["240302", "1405"]
        assert text.startswith("ISA|") and "~\n" in text
        gs = by_tag(segments, "GS")[0]
        assert (
            gs[1:4] == ["FA", "CLAIMFLOW01", "SUB001"] and gs[6] == "7" and gs[8] == "005010X231A1"
        )

    def test_counts_are_computed_for_every_envelope(self) -> None:
        ack = verdict(envelope([[BODY, BODY], [BODY]]))
        segments = segments_of(render_999(ack, ControlNumbers(1, 2, first_set=30), sent_at=SENT))
        sts = by_tag(segments, "ST")
        assert [s[2] for s in sts] == ["0030", "0031"]
        for st in sts:
            start = segments.index(st)
            se = next(s for s in segments[start:] if s[0] == "SE")
            assert int(se[1]) == segments.index(se) - start + 1 and se[2] == st[2]
        assert by_tag(segments, "GE")[0][1:] == ["2", "2"]
        assert by_tag(segments, "IEA")[0][1:] == ["1", "000000001"]

    def test_each_group_gets_ak1_each_set_ak2_and_ik5(self) -> None:
        ack = verdict(envelope([[BODY, BODY]]))
        segments = segments_of(render_999(ack, ControlNumbers(1, 1), sent_at=SENT))
        assert by_tag(segments, "AK1") == [["AK1", "HC", "1", "005010X222A1"]]
        assert [s[2] for s in by_tag(segments, "AK2")] == ["1001", "1002"]
        assert by_tag(segments, "IK5") == [["IK5", "A"], ["IK5", "A"]]
        assert by_tag(segments, "AK9") == [["AK9", "A", "2", "2", "2"]]
        assert not by_tag(segments, "TA1")


class TestErrorsInThe999:
    def test_element_error_is_located_by_ik3_ctx_and_ik4(self) -> None:
        ack = verdict(envelope([[BODY]]), faulty=True)
        segments = segments_of(render_999(ack, ControlNumbers(1, 1), sent_at=SENT))
        assert by_tag(segments, "IK3") == [["IK3", "CLM", "4", "2300", "8"]]
        assert by_tag(segments, "CTX") == [["CTX", "CLM01:A1"]]
        assert by_tag(segments, "IK4") == [["IK4", "5:3", "1325", "7", "9"]]
        assert by_tag(segments, "IK5") == [["IK5", "E", "I5"]]
        assert by_tag(segments, "AK9") == [["AK9", "E", "1", "1", "1"]]

    def test_a_bad_value_in_a_segment_naming_a_person_is_not_copied(self) -> None:
        ack = verdict(envelope([[BODY]]), faulty=True, handler=FaultyNameHandler)
        segments = segments_of(render_999(ack, ControlNumbers(1, 1), sent_at=SENT))
        assert by_tag(segments, "IK3")[0][1] == "NM1"
        assert by_tag(segments, "IK4") == [["IK4", "5:3", "1325", "7"]]

    def test_rejected_set_lists_its_syntax_codes(self) -> None:
        data = envelope([[BODY, BODY]]).replace(b"SE*5*1002", b"SE*6*1002")
        segments = segments_of(render_999(verdict(data), ControlNumbers(1, 1), sent_at=SENT))
        assert by_tag(segments, "IK5") == [["IK5", "A"], ["IK5", "R", "4"]]
        assert by_tag(segments, "AK9") == [["AK9", "P", "2", "2", "1"]]

    def test_unsupported_group_is_rejected_with_its_code(self) -> None:
        data = envelope([[BODY]]).replace(b"GS*HC", b"GS*HS")
        segments = segments_of(render_999(verdict(data), ControlNumbers(1, 1), sent_at=SENT))
        assert by_tag(segments, "AK9") == [["AK9", "R", "1", "1", "0", "1"]]
        assert by_tag(segments, "IK5") == [["IK5", "R", "1"]]

    def test_interchange_problems_bring_a_ta1_before_the_group(self) -> None:
        data = envelope([[BODY]]).replace(b"IEA*1*000000101", b"IEA*1*000000102")
        segments = segments_of(render_999(verdict(data), ControlNumbers(1, 1), sent_at=SENT))
        assert segments[1] == ["TA1", "000000101", "240201", "1200", "E", "001"]
        assert segments[2][0] == "GS"

    def test_fatal_interchange_error_gives_a_ta1_only_reply(self) -> None:
        data = envelope([[BODY]]).replace(b"*00501*", b"*00401*", 1)
        segments = segments_of(render_999(verdict(data), ControlNumbers(1, 1), sent_at=SENT))
        assert [s[0] for s in segments] == ["ISA", "TA1", "IEA"]
        assert segments[1][4:] == ["R", "017"] and segments[2][1] == "0"


def test_handler_context_names_the_set_it_reads() -> None:
    contexts: list[TransactionContext] = []

    def factory(context: TransactionContext) -> CountingHandler:
        contexts.append(context)
        return CountingHandler(context)

    reader = InterchangeReader([TransactionType("HC", "837", "005010X222", factory)])
    reader.feed(envelope([[BODY]]))
    reader.close()
    header = contexts[0].header
    assert (header.set_id, header.control_number, header.group.control_number) == (
        "837",
        "1001",
        "1",
    )
    assert header.interchange.get(13) == "000000101"

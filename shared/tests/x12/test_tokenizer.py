"""The ISA declares the delimiters; the splitter streams segments out of arbitrary chunks."""

from __future__ import annotations

import pytest

from claimflow_shared.x12.tokenizer import SegmentSplitter, UnreadableInterchangeError, read_isa

from .helpers import isa


class TestReadIsa:
    def test_standard_delimiters_come_from_isa_positions(self) -> None:
        header, end = read_isa((isa() + "~GS*HC").encode())
        d = header.delimiters
        assert (d.element, d.repetition, d.component, d.segment) == ("*", "^", ":", "~")
        assert end == 106
        assert header.get(13) == "000000101"

    def test_custom_delimiters_are_honoured(self) -> None:
        header, _ = read_isa((isa(element="|", repetition="{", component=">") + "\n").encode())
        d = header.delimiters
        assert (d.element, d.repetition, d.component, d.segment) == ("|", "{", ">", "\n")

    def test_line_break_after_terminator_is_detected(self) -> None:
        header, end = read_isa((isa() + "~\r\nGS").encode())
        assert header.delimiters.line_break == "\r\n"
        assert end == 106

    def test_byte_order_mark_and_leading_blank_lines_are_skipped(self) -> None:
        header, end = read_isa(b"\xef\xbb\xbf\r\n" + (isa() + "~").encode())
        assert header.get(6) == "SUB001"
        assert end == 3 + 2 + 106

    @pytest.mark.parametrize(
        ("data", "words"),
        [
            (b"bad_file\n", "does not start with an ISA"),
            (b"GS*HC*1~ST*837*1~", "does not start with an ISA"),
            (b"ISA*00*   ", "truncated"),
            (isa(component="*").encode() + b"~", "same character"),
            (isa(component="A").encode() + b"~", "letter or digit"),
        ],
    )
    def test_unusable_headers_raise_a_clear_error(self, data: bytes, words: str) -> None:
        with pytest.raises(UnreadableInterchangeError, match=words):
            read_isa(data)


class TestSegmentSplitter:
    def test_segments_split_on_declared_delimiters(self) -> None:
        header, _ = read_isa((isa(element="|") + "~").encode())
        splitter = SegmentSplitter(header.delimiters, max_segment_bytes=1000)
        assert splitter.feed(b"GS|HC|A~ST|837|0001~") == [["GS", "HC", "A"], ["ST", "837", "0001"]]

    def test_chunk_boundaries_do_not_change_the_segments(self) -> None:
        header, _ = read_isa((isa() + "~").encode())
        data = b"BHT*0019*00*X~NM1*41*2*NAME~HI*ABK:I10~LX*1~"
        whole = SegmentSplitter(header.delimiters, max_segment_bytes=1000).feed(data)
        splitter = SegmentSplitter(header.delimiters, max_segment_bytes=1000)
        pieces = [seg for i in range(len(data)) for seg in splitter.feed(data[i : i + 1])]
        assert pieces == whole and len(whole) == 4

    def test_line_breaks_between_segments_are_dropped(self) -> None:
        header, _ = read_isa((isa() + "~\r\n").encode())
        splitter = SegmentSplitter(header.delimiters, max_segment_bytes=1000)
        assert splitter.feed(b"\r\nGS*HC~\r\nST*837~\r\n") == [["GS", "HC"], ["ST", "837"]]

    def test_last_segment_without_terminator_is_returned_on_close(self) -> None:
        header, _ = read_isa((isa() + "~").encode())
        splitter = SegmentSplitter(header.delimiters, max_segment_bytes=1000)
        assert splitter.feed(b"GE*1*1~IEA*1*000000101") == [["GE", "1", "1"]]
        assert splitter.close() == [["IEA", "1", "000000101"]]

    def test_a_segment_longer_than_the_limit_stops_the_splitter(self) -> None:
        header, _ = read_isa((isa() + "~").encode())
        splitter = SegmentSplitter(header.delimiters, max_segment_bytes=64)
        assert splitter.feed(b"X" * 100) == []
        assert splitter.overflowed
        assert splitter.feed(b"~GS*HC~") == [] and splitter.close() == []

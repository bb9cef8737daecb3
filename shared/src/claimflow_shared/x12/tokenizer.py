"""Delimiter discovery and streaming segment splitting, for any X12 transaction.

The ISA segment is fixed-length and declares the delimiters: the element separator is its fourth
byte, ISA11 the repetition separator, ISA16 the component separator and the byte after ISA16 the
segment terminator. Bytes arrive in chunks; only the unterminated tail of the last chunk is kept
between calls, so memory is bounded by the chunk size plus one segment.
"""

from __future__ import annotations

from dataclasses import dataclass

ISA_LENGTH = 106
ISA_ELEMENT_COUNT = 17
_LINE_BREAKS = b"\r\n"
_BOM = b"\xef\xbb\xbf"


class UnreadableInterchangeError(ValueError):
    """The bytes hold no X12 interchange header from which an acknowledgment could be addressed."""


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators an interchange declares in its ISA segment."""

    element: str
    repetition: str | None
    component: str
    segment: str
    line_break: str = ""


@dataclass(frozen=True, slots=True)
class IsaHeader:
    """The ISA elements (index 1..16) and the delimiters they declare."""

    elements: tuple[str, ...]
    delimiters: Delimiters

    def get(self, index: int) -> str:
        """Return ISA<index> with its fixed-width padding removed."""
        return self.elements[index].strip()


def read_isa(head: bytes) -> tuple[IsaHeader, int]:
    """Parse the ISA at the start of `head`; return it and the offset just past its terminator."""
    start = _skip_preamble(head)
    if head[start : start + 3] != b"ISA":
        raise UnreadableInterchangeError("the data does not start with an ISA interchange header")
    element = head[start + 3 : start + 4]
    if not element or element.isalnum() or element in (b" ", b"\r", b"\n"):
        raise UnreadableInterchangeError("ISA byte 4 is not a usable element separator")
    cut = _nth(head, element, start, ISA_ELEMENT_COUNT - 1)
    if cut < 0 or cut + 2 >= len(head):
        raise UnreadableInterchangeError("the ISA header is truncated: fewer than 16 elements")
    component, terminator = head[cut + 1 : cut + 2], head[cut + 2 : cut + 3]
    text = head[start : cut + 2].decode("latin-1")
    elements = tuple(text.split(element.decode("latin-1")))
    delimiters = _delimiters(element, elements[11], component, terminator)
    end = cut + 3
    line_break = _line_break_after(head, end, delimiters)
    delimiters = Delimiters(
        delimiters.element,
        delimiters.repetition,
        delimiters.component,
        delimiters.segment,
        line_break,
    )
    return IsaHeader(elements, delimiters), end


def _skip_preamble(head: bytes) -> int:
    """Return the offset after an optional UTF-8 byte-order mark and leading whitespace."""
    offset = len(_BOM) if head.startswith(_BOM) else 0
    while offset < len(head) and head[offset : offset + 1] in (b" ", b"\t", b"\r", b"\n"):
        offset += 1
    return offset


def _nth(data: bytes, needle: bytes, start: int, count: int) -> int:
    """Return the index of the count-th occurrence of needle after start, or -1."""
    index = start
    for _ in range(count):
        index = data.find(needle, index + 1)
        if index < 0:
            return -1
    return index


def _delimiters(element: bytes, isa11: str, component: bytes, terminator: bytes) -> Delimiters:
    """Validate the declared separators and return them."""
    repetition = isa11 if len(isa11) == 1 and not isa11.isalnum() and isa11 != " " else None
    chosen = [element, component, terminator]
    if repetition is not None:
        chosen.append(repetition.encode("latin-1"))
    if not component or not terminator:
        raise UnreadableInterchangeError(
            "the ISA header is truncated before its segment terminator"
        )
    if len(set(chosen)) != len(chosen):
        raise UnreadableInterchangeError("the ISA declares the same character for two delimiters")
    if component.isalnum() or terminator.isalnum() or component == b" ":
        raise UnreadableInterchangeError("the ISA declares a letter or digit as a delimiter")
    return Delimiters(
        element.decode("latin-1"),
        repetition,
        component.decode("latin-1"),
        terminator.decode("latin-1"),
    )


def _line_break_after(head: bytes, offset: int, delimiters: Delimiters) -> str:
    """Return the CR/LF run that follows the ISA terminator, if the file uses one."""
    if delimiters.segment in "\r\n":
        return ""
    for run in (b"\r\n", b"\n", b"\r"):
        if head.startswith(run, offset):
            return run.decode("latin-1")
    return ""


class SegmentSplitter:
    """Turn byte chunks into segments (lists of element strings), keeping only the tail."""

    def __init__(self, delimiters: Delimiters, *, max_segment_bytes: int) -> None:
        """Prepare to split on the declared delimiters."""
        self._terminator = delimiters.segment.encode("latin-1")
        self._element = delimiters.element
        self._max = max_segment_bytes
        ascii_only = all(ord(d) < 128 for d in (delimiters.element, delimiters.segment))
        self._encoding = "utf-8" if ascii_only else "latin-1"
        declared = _declared(delimiters)
        self._breaks = bytes(c for c in _LINE_BREAKS if chr(c) not in declared)
        self._tail = b""
        self.overflowed = False

    def feed(self, chunk: bytes) -> list[list[str]]:
        """Return the complete segments that chunk finishes."""
        if self.overflowed:
            return []
        data = self._tail + chunk if self._tail else bytes(chunk)
        cut = data.rfind(self._terminator)
        if cut < 0:
            self._tail = data
            self._check_overflow()
            return []
        self._tail = data[cut + 1 :]
        self._check_overflow()
        return self._split(data[:cut])

    def close(self) -> list[list[str]]:
        """Return the final segment when the data ends without a terminator."""
        tail, self._tail = self._tail, b""
        if self.overflowed or not tail.strip():
            return []
        return self._split(tail)

    def _check_overflow(self) -> None:
        """Stop reading when no terminator appears within the longest allowed segment."""
        if len(self._tail) > self._max:
            self.overflowed = True
            self._tail = b""

    def _split(self, block: bytes) -> list[list[str]]:
        """Split a run of whole segments into element lists, dropping empty segments."""
        if self._breaks:
            block = block.translate(None, self._breaks)
        text = block.decode(self._encoding, "replace")
        element = self._element
        return [s.split(element) for s in text.split(self._terminator.decode("latin-1")) if s]


def _declared(delimiters: Delimiters) -> tuple[str, ...]:
    """Return every delimiter character the interchange declares."""
    chars = (delimiters.element, delimiters.component, delimiters.segment)
    return chars + ((delimiters.repetition,) if delimiters.repetition else ())

"""Malformed 837P interchanges: each entry is a name, the body, and what must come back."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from claimflow_shared.x12.p837 import synthetic

REJECTED = "rejected"  # 200; the 999 (or TA1) names the errors and no claim is taken in
FLAGGED = "flagged"  # 200; an envelope error is reported, the complete sets are still taken in
NOT_X12 = "400"  # nothing readable to address a 999 to


@dataclass(frozen=True)
class Malformed:
    """One entry of the corpus."""

    name: str
    body: bytes
    expect: str


def valid(claims: int = 1, lines: int = 2) -> bytes:
    """A well-formed interchange of synthetic claims."""
    return synthetic.interchange([[synthetic.body(claims, lines=lines)]])


def _replace_segment(body: bytes, prefix: bytes, replacement: bytes) -> bytes:
    start = body.index(prefix)
    end = body.index(b"~", start)
    return body[:start] + replacement + body[end:]


def _repeated_lines(count: int) -> bytes:
    segments = synthetic.body(1, lines=1)
    line = segments[-3:]
    return synthetic.interchange([[segments + line * count]])


def _padded_to(size: int) -> bytes:
    """One set whose claim carries note segments until the interchange reaches ``size``."""
    head, _, tail = valid().partition(b"LX*1~")
    note = b"NTE*ADD*" + b"X" * 70 + b"~"
    return head + note * ((size - len(head) - len(tail)) // len(note) + 1) + b"LX*1~" + tail


def corpus() -> Iterator[Malformed]:
    """Every malformed body the intake must survive."""
    good = valid()
    noise = random.Random(837)
    yield Malformed("empty-body", b"", NOT_X12)
    yield Malformed("binary-garbage", noise.randbytes(64 * 1024), NOT_X12)
    yield Malformed("plain-text", b"this is not an interchange\n", NOT_X12)
    yield Malformed("isa-only-half", good[:50], NOT_X12)
    yield Malformed("truncated-mid-claim", good[: len(good) // 2], REJECTED)
    yield Malformed("truncated-before-iea", good[: good.rindex(b"IEA")], FLAGGED)
    yield Malformed(
        "segments-use-other-delimiters",
        good[:106] + good[106:].replace(b"*", b"|"),
        REJECTED,
    )
    yield Malformed("wrong-se-count", _replace_segment(good, b"SE*", b"SE*999*1001"), REJECTED)
    yield Malformed("wrong-ge-count", _replace_segment(good, b"GE*", b"GE*7*1"), FLAGGED)
    yield Malformed("wrong-iea-count", _replace_segment(good, b"IEA*", b"IEA*5*000000001"), FLAGGED)
    yield Malformed("garbage-after-isa", good[:106] + noise.randbytes(4096) + good[-18:], REJECTED)
    yield Malformed("nul-bytes-in-elements", good.replace(b"ALEX", b"AL\x00EX"), REJECTED)
    yield Malformed("invalid-utf8", good.replace(b"ALEX", b"\xff\xfe\xfd"), REJECTED)
    yield Malformed("non-ascii-names", good.replace(b"ALEX", "ZOË 患者".encode()), REJECTED)
    yield Malformed("service-lines-repeated-5000-times", _repeated_lines(5000), REJECTED)
    yield Malformed("ten-megabytes", _padded_to(10 * 1024 * 1024), REJECTED)

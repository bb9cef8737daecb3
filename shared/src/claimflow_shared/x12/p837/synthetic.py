"""Synthetic, guide-conformant 837P interchanges for tests, demos and benchmarks.

Segments are lists whose first item is the segment id; a tuple item is a composite. `body` builds
the inside of one transaction set, `interchange` wraps bodies in ST/SE, GS/GE and ISA/IEA with
correct counts, and `render` writes segments with any delimiters. All identities are made up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from claimflow_shared.x12.p837.codes import npi_check_digit_ok

Element = str | tuple[str, ...]
Segment = list[Element]
LINE_CHARGES = (Decimal("125.00"), Decimal("80.50"), Decimal("42.25"), Decimal("18.00"))


@dataclass(frozen=True, slots=True)
class Style:
    """The delimiters to write with."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"
    line_break: str = ""


def npi(base: str) -> str:
    """Return the ten-digit NPI that completes a nine-digit base with a valid check digit."""
    return next(base + d for d in "0123456789" if npi_check_digit_ok(base + d))


def header(reference: str = "0001") -> list[Segment]:
    """Return BHT, the 1000A submitter and the 1000B receiver."""
    return [
        ["BHT", "0019", "00", reference, "20240201", "1200", "CH"],
        ["NM1", "41", "2", "SUBMITTER CLEARINGHOUSE", "", "", "", "", "46", "SUB001"],
        ["PER", "IC", "EDI DESK", "TE", "5555550100"],
        ["NM1", "40", "2", "CLAIMFLOW", "", "", "", "", "46", "CLAIMFLOW01"],
    ]


def billing_provider(hl_id: int = 1) -> list[Segment]:
    """Return a 2000A billing provider level with its 2010AA loop."""
    return [
        ["HL", str(hl_id), "", "20", "1"],
        ["PRV", "BI", "PXC", "207Q00000X"],
        ["NM1", "85", "2", "NORTH CLINIC", "", "", "", "", "XX", npi("123456789")],
        ["N3", "100 CLINIC WAY"],
        ["N4", "SPRINGFIELD", "IL", "627010001"],
        ["REF", "EI", "371234567"],
    ]


def claim(index: int, hl_id: int, parent_hl: int = 1, *, lines: int = 5) -> list[Segment]:
    """Return a 2000B subscriber level holding one claim with `lines` service lines."""
    charges = [LINE_CHARGES[j % len(LINE_CHARGES)] for j in range(lines)]
    segments: list[Segment] = [
        ["HL", str(hl_id), str(parent_hl), "22", "0"],
        ["SBR", "P", "18", f"GRP{index % 97:03d}", "", "", "", "", "", "CI"],
        ["NM1", "IL", "1", f"PATIENT{index}", "ALEX", "", "", "", "MI", f"MEM{index:09d}"],
        ["N3", f"{index} ELM ST"],
        ["N4", "SPRINGFIELD", "IL", "62704"],
        ["DMG", "D8", "19800115", "F"],
        ["NM1", "PR", "2", "ACME HEALTH PLAN", "", "", "", "", "PI", "ACME01"],
        ["CLM", f"CLM{index:08d}", str(sum(charges)), "", "", ("11", "B", "1"), "Y", "A", "Y", "Y"],
        ["REF", "G1", f"PA{index:07d}"],
        ["HI", ("ABK", "J0300"), ("ABF", "R509")],
        ["NM1", "82", "1", "RENDER", "RITA", "", "", "", "XX", npi("987654321")],
    ]
    for number, charge in enumerate(charges, start=1):
        segments += [
            ["LX", str(number)],
            ["SV1", ("HC", "99213", "25"), str(charge), "UN", "1", "", "", ("1", "2")],
            ["DTP", "472", "D8", "20240115"],
        ]
    return segments


def body(claims: int, *, lines: int = 5, first: int = 0, reference: str = "0001") -> list[Segment]:
    """Return a transaction set body: header, one billing provider and `claims` claims."""
    segments = header(reference) + billing_provider()
    for offset in range(claims):
        segments += claim(first + offset, hl_id=offset + 2, lines=lines)
    return segments


def render(segments: Sequence[Segment], style: Style = Style()) -> str:
    """Write segments with the style's delimiters."""
    end = style.segment + style.line_break
    return "".join(
        style.element.join(e if isinstance(e, str) else style.component.join(e) for e in seg) + end
        for seg in segments
    )


def interchange(
    groups: Sequence[Sequence[Sequence[Segment]]], style: Style = Style(), *, control: int = 1
) -> bytes:
    """Wrap transaction set bodies (grouped by functional group) in correct envelopes."""
    return "".join(iter_interchange(groups, style, control=control)).encode()


def iter_interchange(
    groups: Sequence[Sequence[Sequence[Segment]]], style: Style = Style(), *, control: int = 1
) -> Iterator[str]:
    """Yield the interchange text piece by piece (one transaction set at a time)."""
    yield render([isa(style, control)], style)
    for number, bodies in enumerate(groups, start=1):
        yield render([gs(number)], style)
        for index, segments in enumerate(bodies, start=1):
            yield render(wrap_set(segments, f"{number * 1000 + index:04d}"), style)
        yield render([["GE", str(len(bodies)), str(number)]], style)
    yield render([["IEA", str(len(groups)), f"{control:09d}"]], style)


def isa(style: Style, control: int) -> Segment:
    """Return a fixed-width ISA declaring the style's delimiters."""
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "SUB001".ljust(15),
        "ZZ",
        "CLAIMFLOW01".ljust(15),
        "240201",
        "1200",
        style.repetition,
        "00501",
        f"{control:09d}",
        "0",
        "T",
        style.component,
    ]


def gs(number: int) -> Segment:
    """Return a GS for an 837P group with control number `number`."""
    return [
        "GS",
        "HC",
        "SUB001",
        "CLAIMFLOW01",
        "20240201",
        "1200",
        str(number),
        "X",
        "005010X222A1",
    ]


def wrap_set(segments: Sequence[Segment], control: str) -> list[Segment]:
    """Put ST and a correctly counted SE around a transaction set body."""
    return [
        ["ST", "837", control, "005010X222A1"],
        *segments,
        ["SE", str(len(segments) + 2), control],
    ]


def write_file(out: TextIO, claims: int, *, lines: int = 5, per_set: int = 1000) -> None:
    """Write one interchange of `claims` claims to a text stream, `per_set` claims per ST."""
    starts = range(0, claims, per_set)
    out.write(render([isa(Style(), 1), gs(1)]))
    for index, start in enumerate(starts, start=1):
        segments = body(min(per_set, claims - start), lines=lines, first=start)
        out.write(render(wrap_set(segments, f"{1000 + index:04d}")))
    out.write(render([["GE", str(len(starts)), "1"], ["IEA", "1", f"{1:09d}"]]))

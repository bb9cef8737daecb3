"""The 278 request's shape: BHT, then HL levels 20 > 21 > 22 (> 23) > EV > SS, each with its loops.

Breaking the shape is a 999 matter (the set is rejected): no BHT or a BHT that is not a request,
a level missing or under the wrong parent, a level repeated, a 2000E without its UM. A segment
this reader does not know in a level is noted (999 IK5 E) and ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from claimflow_shared.x12.errors import (
    ElementCode,
    ElementError,
    SegmentCode,
    SegmentError,
    Severity,
    shown,
)
from claimflow_shared.x12.p278.models import HlLoop

LEVELS = {"20": "2000A", "21": "2000B", "22": "2000C", "23": "2000D", "EV": "2000E", "SS": "2000F"}
PARENT_LEVEL = {"21": ("20",), "22": ("21",), "23": ("22",), "EV": ("22", "23"), "SS": ("EV",)}
NM1_LOOPS = {"2000A": "2010A", "2000B": "2010B", "2000C": "2010C", "2000D": "2010D"}
NM1_EVENT = {"2000E": "2010EA", "2000F": "2010F"}
ALLOWED = {
    "2000A": {"NM1"},
    "2010A": {"NM1", "PER"},
    "2000B": {"NM1"},
    "2010B": {"NM1", "REF", "N3", "N4", "PER", "PRV"},
    "2000C": {"NM1"},
    "2010C": {"NM1", "REF", "N3", "N4", "DMG", "INS"},
    "2000D": {"NM1"},
    "2010D": {"NM1", "REF", "N3", "N4", "DMG", "INS"},
    "2000E": {
        "TRN",
        "UM",
        "REF",
        "DTP",
        "HI",
        "HSD",
        "CRC",
        "CL1",
        "CR1",
        "CR2",
        "CR4",
        "CR5",
        "CR6",
        "CR7",
        "CR8",
        "PWK",
        "MSG",
        "NM1",
    },
    "2010EA": {"NM1", "REF", "N3", "N4", "PER", "PRV"},
    "2000F": {"TRN", "UM", "REF", "DTP", "SV1", "SV2", "SV3", "TOO", "HSD", "PWK", "MSG", "NM1"},
    "2010F": {"NM1", "REF", "N3", "N4", "PER", "PRV"},
}
ONCE_PER_SET = ("20", "21", "22", "EV")
BHT_PURPOSE = "0007"
BHT_REQUEST = "13"

Report = Callable[[SegmentError], None]
Numbered = Sequence[tuple[int, list[str]]]


def _get(elements: list[str], index: int) -> str:
    """Element `index` of a segment, blank when absent."""
    return elements[index].strip() if index < len(elements) else ""


def _reject(
    report: Report,
    tag: str,
    position: int,
    loop: str | None,
    code: SegmentCode,
    message: str,
    element: ElementError | None = None,
) -> None:
    """Report an error that rejects the transaction set."""
    report(SegmentError(tag, position, loop, code, message, Severity.REJECT_SET, element))


def _note(report: Report, tag: str, position: int, loop: str | None, message: str) -> None:
    """Report a segment that has no place here; it is ignored."""
    report(SegmentError(tag, position, loop, SegmentCode.UNEXPECTED, message, Severity.NOTE))


def check_bht(segments: Numbered, report: Report) -> str:
    """Check the BHT opens the set as a request; return BHT03 (the submitter's reference)."""
    if not segments or segments[0][1][0] != "BHT":
        position = segments[0][0] if segments else 2
        _reject(report, "BHT", position, None, SegmentCode.REQUIRED_MISSING, "BHT is missing")
        return ""
    position, bht = segments[0]
    for index, wanted in ((1, BHT_PURPOSE), (2, BHT_REQUEST)):
        if _get(bht, index) != wanted:
            _reject(
                report,
                "BHT",
                position,
                None,
                SegmentCode.ELEMENT_ERRORS,
                f"BHT{index:02d} must be {wanted} in a 278 request",
                ElementError(index, ElementCode.INVALID_CODE, None, None, None, _get(bht, index)),
            )
    if not _get(bht, 3):
        _reject(
            report,
            "BHT",
            position,
            None,
            SegmentCode.ELEMENT_ERRORS,
            "BHT03 submitter transaction identifier is required",
            ElementError(3, ElementCode.REQUIRED_MISSING),
        )
    return _get(bht, 3)


def split_levels(segments: Numbered, report: Report) -> list[HlLoop]:
    """Cut the body (after the BHT) into HL levels, checking the hierarchy."""
    loops: list[HlLoop] = []
    levels: dict[str, str] = {}
    current: HlLoop | None = None
    sub_loop = ""
    start = 1 if segments and segments[0][1][0] == "BHT" else 0
    for position, elements in segments[start:]:
        tag = elements[0]
        if tag == "HL":
            current = _open_level(elements, position, levels, loops, report)
            sub_loop = current.loop if current else ""
            continue
        if current is None:
            _note(report, tag, position, None, f"segment {shown(tag)} comes before any HL level")
            continue
        if tag == "NM1":
            sub_loop = NM1_LOOPS.get(current.loop) or NM1_EVENT.get(current.loop, current.loop)
        elif tag in ALLOWED[current.loop] and sub_loop != current.loop:
            sub_loop = sub_loop if tag in ALLOWED[sub_loop] else current.loop
        if tag not in ALLOWED[sub_loop]:
            _note(
                report, tag, position, sub_loop, f"segment {shown(tag)} is not read in {sub_loop}"
            )
            continue
        current.segments.append((sub_loop, elements))
    _check_complete(loops, segments, report)
    return loops


def _open_level(
    elements: list[str],
    position: int,
    levels: dict[str, str],
    loops: list[HlLoop],
    report: Report,
) -> HlLoop | None:
    """Start a level from its HL; None (and a rejection) when it has no place."""
    hl_id, parent, code = _get(elements, 1), _get(elements, 2), _get(elements, 3)
    loop = LEVELS.get(code)
    if loop is None:
        _reject(
            report,
            "HL",
            position,
            None,
            SegmentCode.ELEMENT_ERRORS,
            "HL03 is not a 278 request level (20, 21, 22, 23, EV or SS)",
            ElementError(3, ElementCode.INVALID_CODE, "735", None, None, code),
        )
        return None
    if not hl_id or hl_id in levels:
        _reject(
            report,
            "HL",
            position,
            loop,
            SegmentCode.ELEMENT_ERRORS,
            "HL01 is missing or repeats an earlier level's id",
            ElementError(1, ElementCode.INVALID_CODE, "628", None, None, hl_id),
        )
        return None
    wanted = PARENT_LEVEL.get(code, ())
    if (code == "20" and parent) or (wanted and levels.get(parent) not in wanted):
        _reject(
            report,
            "HL",
            position,
            loop,
            SegmentCode.ELEMENT_ERRORS,
            f"HL02 does not name the level a {code} level belongs under",
            ElementError(2, ElementCode.INVALID_CODE, "734", None, None, parent),
        )
        return None
    if code in ONCE_PER_SET and code in levels.values():
        _reject(
            report,
            "HL",
            position,
            loop,
            SegmentCode.LOOP_OVER_MAXIMUM,
            f"a 278 request holds one {loop} level",
        )
        return None
    levels[hl_id] = code
    level = HlLoop(hl_id, parent, code, loop, elements, [])
    loops.append(level)
    return level


def _check_complete(loops: list[HlLoop], segments: Numbered, report: Report) -> None:
    """Require the four single levels, their NM1s and the patient event's UM."""
    position = segments[-1][0] + 1 if segments else 2
    present = {loop.level: loop for loop in loops}
    for code in ONCE_PER_SET:
        if code not in present:
            _reject(
                report,
                "HL",
                position,
                LEVELS[code],
                SegmentCode.REQUIRED_MISSING,
                f"the {LEVELS[code]} level is missing",
            )
    for loop in loops:
        tags = {elements[0] for _, elements in loop.segments}
        needed = "UM" if loop.level in ("EV", "SS") else "NM1"
        if needed not in tags and loop.level != "SS":
            _reject(
                report,
                needed,
                position,
                loop.loop,
                SegmentCode.REQUIRED_MISSING,
                f"loop {loop.loop} lacks its required {needed} segment",
            )

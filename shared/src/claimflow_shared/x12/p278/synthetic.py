"""Synthetic 278 request interchanges built from the X217 guide's layout (made-up people only).

`request` returns the body of one request set as segment lists (a tuple is a composite);
`interchange` wraps bodies in ST/SE, GS/GE and ISA/IEA with the given delimiters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from claimflow_shared.x12.p837.synthetic import Segment, Style, isa, npi, render

REQUESTER_NPI = npi("123456789")
PLAIN = Style()
SERVICING_NPI = npi("124531959")


@dataclass(frozen=True)
class ServiceSpec:
    """One 2000F service level to write."""

    code: str = "E0114"
    modifiers: tuple[str, ...] = ()
    units: str = "2"
    dates: str | None = "20251001-20251231"


@dataclass(frozen=True)
class RequestSpec:
    """What one synthetic 278 request holds; change a field to make an error."""

    payer_id: str = "PAYER-1"
    requester_npi: str = REQUESTER_NPI
    member_id: str = "SYNTHMEM0042"
    dependent: bool = False
    category: str = "HS"
    certification: str = "I"
    level_of_service: str = "E"
    place_of_service: str = "12"
    diagnoses: tuple[str, ...] = ("M2351",)
    event_dates: str | None = None
    servicing_npi: str | None = SERVICING_NPI
    services: tuple[ServiceSpec, ...] = field(default_factory=lambda: (ServiceSpec(),))
    trace: str = "TRACE-0001"


def request(spec: RequestSpec = RequestSpec(), reference: str = "REF0001") -> list[Segment]:
    """Return the body of one 278 request set (BHT to the last service level)."""
    segments: list[Segment] = [
        ["BHT", "0007", "13", reference, "20251001", "1200"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "X3", "2", "SYNTHETIC HEALTH PLAN", "", "", "", "", "PI", spec.payer_id],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "1", "REQUESTER", "RITA", "", "", "", "XX", spec.requester_npi],
        ["HL", "3", "2", "22", "1"],
        ["NM1", "IL", "1", "SYNTHETIC", "SAM", "", "", "", "MI", spec.member_id],
        ["DMG", "D8", "19800115", "F"],
    ]
    event_hl = "4"
    if spec.dependent:
        segments += [
            ["HL", "4", "3", "23", "1"],
            ["NM1", "QC", "1", "SYNTHETIC", "KIM"],
            ["DMG", "D8", "20120304", "M"],
        ]
        event_hl = "5"
    segments += [
        ["HL", event_hl, str(int(event_hl) - 1), "EV", "1"],
        ["TRN", "1", spec.trace, "9123456789"],
        [
            "UM",
            spec.category,
            spec.certification,
            "12",
            (spec.place_of_service, "B"),
            "",
            spec.level_of_service,
        ],
    ]
    if spec.event_dates:
        segments.append(["DTP", "AAH", "RD8", spec.event_dates])
    if spec.diagnoses:
        qualifiers = ["ABK"] + ["ABF"] * (len(spec.diagnoses) - 1)
        segments.append(["HI", *((q, d) for q, d in zip(qualifiers, spec.diagnoses, strict=True))])
    if spec.servicing_npi is not None:
        segments.append(
            ["NM1", "SJ", "1", "SERVICING", "SAL", "", "", "", "XX", spec.servicing_npi]
        )
    for offset, service in enumerate(spec.services):
        hl_id = str(int(event_hl) + 1 + offset)
        segments += [
            ["HL", hl_id, event_hl, "SS", "0"],
            ["TRN", "1", f"{spec.trace}-{offset + 1}", "9123456789"],
            ["UM", spec.category, spec.certification],
        ]
        if service.dates:
            form = "RD8" if "-" in service.dates else "D8"
            segments.append(["DTP", "472", form, service.dates])
        segments.append(["SV1", ("HC", service.code, *service.modifiers), "0", "UN", service.units])
    return segments


def gs(number: int) -> Segment:
    """Return a GS for a 278 group."""
    return ["GS", "HI", "SUB001", "CLAIMFLOW01", "20251001", "1200", str(number), "X", "005010X217"]


def interchange(
    bodies: Sequence[Sequence[Segment]], style: Style = PLAIN, *, control: int = 1
) -> bytes:
    """Wrap request bodies, one group, in correct envelopes."""
    segments: list[Segment] = [isa(style, control), gs(1)]
    for index, body in enumerate(bodies, start=1):
        number = f"{index:04d}"
        segments += [["ST", "278", number, "005010X217"], *body, ["SE", str(len(body) + 2), number]]
    segments += [["GE", str(len(bodies)), "1"], ["IEA", "1", f"{control:09d}"]]
    return render(segments, style).encode()

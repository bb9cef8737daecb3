"""Rendering 278 responses (005010X217, BHT02 11): the request's levels echoed with the outcome.

Each request set the 999 accepted gets one response set, all in one reply interchange. Per level
the response echoes the HL and the identifying segments (NM1 of 2010A/B/C/D/EA/F, TRN as a
referenced trace with TRN01 2, UM, DTP, HI, SV1), then adds:
* AAA*N**<reason>*<follow-up> in the loop each request error names (no HCR then: the request
  was not taken in);
* otherwise REF*NT (the UMO's administrative reference: our authorization id) in 2000E and an
  HCR per 2000F: HCR01 the action code, HCR02 the authorization number when certified, HCR03
  the decision reason code when one is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from claimflow_shared.x12.p278.models import HlLoop, Request278Read, RequestIssue
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.writer import ControlNumbers, InterchangeWriter

FUNCTIONAL_ID = "HI"
SET_ID = "278"
CONVENTION = "005010X217"
BHT_RESPONSE = "11"
ECHOED = {
    "2010A": ("NM1",),
    "2010B": ("NM1",),
    "2010C": ("NM1",),
    "2010D": ("NM1",),
    "2010EA": ("NM1",),
    "2010F": ("NM1",),
}
EVENT_ORDER = ("UM", "REF", "DTP", "HI")
SERVICE_ORDER = ("UM", "REF", "DTP", "SV1", "SV2", "SV3")
CERTIFIED = frozenset({"A1", "A2", "A6"})


@dataclass(frozen=True, slots=True)
class ServiceDecision:
    """The review outcome of one 2000F service level."""

    action_code: str
    authorization_number: str | None = None
    reason_code: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What the UMO says about a request it took in: its reference and each service's outcome."""

    reference: str
    services: Mapping[str, ServiceDecision] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Response278:
    """A request to answer and, when it was taken in, its outcome."""

    read: Request278Read
    outcome: ReviewOutcome | None = None


def render_278_responses(
    responses: Sequence[Response278],
    ack: InterchangeAck,
    control: ControlNumbers,
    *,
    sent_at: datetime,
) -> str | None:
    """Return the reply interchange with one 278 response per request, None when there is none."""
    if not responses:
        return None
    writer = InterchangeWriter(ack.header, control, sent_at)
    group = responses[0].read.header.group
    writer.begin_group(FUNCTIONAL_ID, CONVENTION, group.receiver, group.sender)
    for response in responses:
        _write_set(writer, response, sent_at)
    writer.end_group()
    return writer.finish()


def _write_set(writer: InterchangeWriter, response: Response278, sent_at: datetime) -> None:
    """Write one 278 response set."""
    read = response.read
    writer.begin_set(SET_ID, CONVENTION)
    writer.segment(
        "BHT",
        "0007",
        BHT_RESPONSE,
        read.reference,
        sent_at.strftime("%Y%m%d"),
        sent_at.strftime("%H%M"),
    )
    issues: dict[tuple[str, str], list[RequestIssue]] = {}
    for issue in read.issues:
        issues.setdefault((issue.loop, issue.hl_id), []).append(issue)
    outcome = response.outcome if not read.issues else None
    echo = _Echo(writer, read.header.interchange.delimiters.component)
    for level in read.loops:
        _write_level(echo, level, issues, outcome)
    writer.end_set()


class _Echo:
    """Writes request segments back, composites split so the writer keeps their separators."""

    def __init__(self, writer: InterchangeWriter, component: str) -> None:
        self.writer = writer
        self.component = component

    def __call__(self, tag: str, elements: Sequence[str]) -> None:
        """Write the segment with the given elements (after its tag)."""
        self.writer.segment(
            tag, *(e.split(self.component) if self.component in e else e for e in elements)
        )


def _aaa(writer: InterchangeWriter, found: Sequence[RequestIssue]) -> None:
    """Write the AAA segments of one loop (one per reason)."""
    for reason in dict.fromkeys((issue.reason, issue.follow_up) for issue in found):
        writer.segment("AAA", "N", "", reason[0].value, reason[1].value)


def _write_level(
    echo: _Echo,
    level: HlLoop,
    issues: Mapping[tuple[str, str], Sequence[RequestIssue]],
    outcome: ReviewOutcome | None,
) -> None:
    """Echo one level with its AAA, REF and HCR segments."""
    writer = echo.writer
    writer.segment("HL", *level.hl[1:5])
    own = [elements for loop, elements in level.segments if loop == level.loop]
    for trn in (e for e in own if e[0] == "TRN"):
        echo("TRN", ["2", *trn[2:]])
    _aaa(writer, issues.get((level.loop, level.hl_id), ()))
    order = EVENT_ORDER if level.level == "EV" else SERVICE_ORDER
    for tag in order[:1]:
        for elements in (e for e in own if e[0] == tag):
            echo(tag, elements[1:])
    if outcome is not None and level.level == "SS":
        decision = outcome.services.get(level.hl_id)
        if decision is not None:
            number = decision.authorization_number if decision.action_code in CERTIFIED else None
            writer.segment("HCR", decision.action_code, number or "", decision.reason_code or "")
    if outcome is not None and level.level == "EV":
        writer.segment("REF", "NT", outcome.reference)
    for tag in order[1:]:
        for elements in (e for e in own if e[0] == tag):
            if not (tag == "REF" and level.level == "EV" and outcome is not None):
                echo(tag, elements[1:])
    _write_names(echo, level, issues)


def _write_names(
    echo: _Echo,
    level: HlLoop,
    issues: Mapping[tuple[str, str], Sequence[RequestIssue]],
) -> None:
    """Echo each 2010 loop's NM1, followed by its AAA segments."""
    loops = list(dict.fromkeys(loop for loop, _ in level.segments if loop != level.loop))
    for loop in loops:
        for elements in (e for sub, e in level.segments if sub == loop and e[0] in ECHOED[loop]):
            echo(elements[0], elements[1:])
        _aaa(echo.writer, issues.get((loop, level.hl_id), ()))

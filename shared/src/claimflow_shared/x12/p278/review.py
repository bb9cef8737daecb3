"""Mapping a well-shaped 278 request to the review it asks for, noting request errors (AAA).

Errors here are application errors: the set is sound X12 (the 999 accepts it) but the request
cannot be processed as sent. Each is reported where the guide places it: the UMO (2010A: 79),
the requester (2010B: 43), the subscriber (2010C: 15, 72), the patient event (2000E: 15, 33, 57),
its servicing provider (2010EA: 43) or a service (2000F: 15, 33, 57).
"""

from __future__ import annotations

import re
from datetime import date

from claimflow_shared.x12.p278.models import (
    FollowUp,
    HlLoop,
    RejectReason,
    RequestedService,
    RequestIssue,
    ServiceReview,
)
from claimflow_shared.x12.p837.codes import npi_check_digit_ok
from claimflow_shared.x12.values import parse_date, parse_range

CATEGORIES = frozenset({"HS", "SC", "AR"})
INITIAL = "I"
DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "APR"})
SERVICING_ENTITIES = frozenset({"SJ", "FA", "72", "71", "DN", "P3", "1T", "QV", "DD"})
PROCEDURE_CODE = re.compile(r"[A-Z0-9]{5}")
DIAGNOSIS_CODE = re.compile(r"[A-Z][0-9][A-Z0-9]{1,5}")
MODIFIER = re.compile(r"[A-Z0-9]{2}")
EVENT_DATES = ("AAH", "472")
SERVICE_DATES = ("472",)

Period = tuple[date, date]


def _get(elements: list[str], index: int) -> str:
    """Element `index`, blank when absent."""
    return elements[index].strip() if index < len(elements) else ""


class _Mapper:
    """Walks the levels once, collecting the review's parts and the request errors."""

    def __init__(self, loops: tuple[HlLoop, ...], component: str) -> None:
        self.loops = loops
        self.component = component
        self.issues: list[RequestIssue] = []

    def issue(self, loop: str, hl_id: str, reason: RejectReason, message: str) -> None:
        """Record a request error for the loop's AAA."""
        self.issues.append(
            RequestIssue(loop, hl_id, reason, message, FollowUp.CORRECT_AND_RESUBMIT)
        )

    def first(self, level: HlLoop, loop: str, tag: str) -> list[str] | None:
        """The first segment with the tag in the given loop of a level."""
        return next((e for sub, e in level.segments if sub == loop and e[0] == tag), None)

    def all(self, level: HlLoop, loop: str, tag: str) -> list[list[str]]:
        """Every segment with the tag in the given loop of a level."""
        return [e for sub, e in level.segments if sub == loop and e[0] == tag]

    def composite(self, value: str) -> list[str]:
        """The components of a composite element."""
        return [part.strip() for part in value.split(self.component)]

    def level(self, code: str) -> HlLoop | None:
        """The level with the HL03 code (the single ones)."""
        return next((loop for loop in self.loops if loop.level == code), None)

    def npi(self, nm1: list[str] | None, loop: str, hl_id: str, who: str) -> str:
        """NM109 when NM108 is XX and the NPI is well formed, else an AAA 43."""
        value = _get(nm1, 9) if nm1 else ""
        if (
            nm1 is None
            or _get(nm1, 8) != "XX"
            or not (len(value) == 10 and value.isdigit() and npi_check_digit_ok(value))
        ):
            self.issue(
                loop, hl_id, RejectReason.PROVIDER_ID, f"the {who} NPI is missing or invalid"
            )
            return ""
        return value

    def period(self, dtp: list[str]) -> Period | None:
        """A DTP's D8 day or RD8 range."""
        form, value = _get(dtp, 2), _get(dtp, 3)
        if form == "D8":
            day = parse_date(value)
            return (day, day) if day else None
        if form == "RD8":
            return parse_range(value)
        return None

    def dates(
        self, level: HlLoop, qualifiers: tuple[str, ...], loop: str
    ) -> tuple[Period | None, bool]:
        """The first DTP period with one of the qualifiers; (None, True) when one is invalid."""
        for dtp in self.all(level, level.loop, "DTP"):
            if _get(dtp, 1) in qualifiers:
                found = self.period(dtp)
                if found is None:
                    self.issue(
                        loop,
                        level.hl_id,
                        RejectReason.DATES_OF_SERVICE,
                        f"DTP*{_get(dtp, 1)} is not a valid D8 date or RD8 range",
                    )
                    return None, True
                return found, False
        return None, False


def _payer(m: _Mapper) -> str:
    """The UMO's identifier (2010A NM109)."""
    umo = m.level("20")
    assert umo is not None
    nm1 = m.first(umo, "2010A", "NM1")
    payer = _get(nm1, 9) if nm1 else ""
    if nm1 is None or _get(nm1, 1) != "X3" or not payer:
        m.issue(
            "2010A", umo.hl_id, RejectReason.PARTICIPANT_ID, "the UMO (NM1*X3) has no identifier"
        )
    return payer


def _requester(m: _Mapper) -> str:
    """The requesting provider's NPI (2010B)."""
    level = m.level("21")
    assert level is not None
    return m.npi(m.first(level, "2010B", "NM1"), "2010B", level.hl_id, "requesting provider")


def _subscriber(m: _Mapper) -> str:
    """The subscriber's member id (2010C NM109 with NM108 MI)."""
    level = m.level("22")
    assert level is not None
    nm1 = m.first(level, "2010C", "NM1")
    member = _get(nm1, 9) if nm1 else ""
    if nm1 is None or _get(nm1, 1) != "IL":
        m.issue("2010C", level.hl_id, RejectReason.REQUIRED_DATA_MISSING, "NM1*IL is missing")
    elif _get(nm1, 8) != "MI" or not member or len(member) > 80:
        m.issue(
            "2010C", level.hl_id, RejectReason.SUBSCRIBER_ID, "the member id is missing or invalid"
        )
    return member


def _diagnoses(m: _Mapper, event: HlLoop) -> tuple[str, ...]:
    """The 2000E HI codes, checked."""
    codes: list[str] = []
    for hi in m.all(event, "2000E", "HI"):
        for value in hi[1:]:
            if not value.strip():
                continue
            parts = m.composite(value)
            code = parts[1].replace(".", "").upper() if len(parts) > 1 else ""
            if parts[0] not in DIAGNOSIS_QUALIFIERS or not DIAGNOSIS_CODE.fullmatch(code):
                m.issue(
                    "2000E", event.hl_id, RejectReason.INPUT_ERRORS, "an HI diagnosis is invalid"
                )
                return ()
            codes.append(code)
    if not codes:
        m.issue("2000E", event.hl_id, RejectReason.REQUIRED_DATA_MISSING, "no diagnosis (HI)")
    return tuple(codes[:12])


def _event_um(m: _Mapper, event: HlLoop) -> tuple[str, str, str, str, str | None]:
    """UM01 category, UM02 certification type, UM03 service type, UM06 level, UM04 place."""
    um = m.first(event, "2000E", "UM") or ["UM"]
    category, certification = _get(um, 1), _get(um, 2)
    if category not in CATEGORIES:
        m.issue("2000E", event.hl_id, RejectReason.INPUT_ERRORS, "UM01 must be HS, SC or AR")
    if certification != INITIAL:
        m.issue(
            "2000E",
            event.hl_id,
            RejectReason.INPUT_ERRORS,
            "only initial requests (UM02 I) are taken; appeal, cancel and extend through the API",
        )
    facility = m.composite(_get(um, 4)) if _get(um, 4) else []
    place = facility[0] if len(facility) > 1 and facility[1] == "B" else None
    if place is not None and not (len(place) == 2 and place.isdigit()):
        m.issue("2000E", event.hl_id, RejectReason.INPUT_ERRORS, "UM04 place of service is invalid")
        place = None
    return category, certification, _get(um, 3), _get(um, 6), place


def _servicing(m: _Mapper, event: HlLoop, services: list[HlLoop]) -> str:
    """The servicing provider's NPI: the event's 2010EA, else the first service's 2010F."""
    for level, loop in [(event, "2010EA"), *((s, "2010F") for s in services)]:
        for nm1 in m.all(level, loop, "NM1"):
            if _get(nm1, 1) in SERVICING_ENTITIES:
                return m.npi(nm1, loop, level.hl_id, "servicing provider")
    m.issue("2000E", event.hl_id, RejectReason.REQUIRED_DATA_MISSING, "no servicing provider")
    return ""


def _service(m: _Mapper, level: HlLoop, event_dates: Period | None) -> RequestedService | None:
    """One 2000F service: SV1 procedure, units and its (or the event's) dates."""
    sv1 = m.first(level, "2000F", "SV1")
    if sv1 is None:
        m.issue("2000F", level.hl_id, RejectReason.REQUIRED_DATA_MISSING, "SV1 is missing")
        return None
    procedure = m.composite(_get(sv1, 1))
    code = procedure[1].upper() if len(procedure) > 1 else ""
    modifiers = tuple(part.upper() for part in procedure[2:6] if part)
    quantity = _get(sv1, 4)
    units = int(float(quantity)) if re.fullmatch(r"\d+(\.0*)?", quantity) else 0
    if procedure[0] not in ("HC", "HP") or not PROCEDURE_CODE.fullmatch(code):
        m.issue(
            "2000F", level.hl_id, RejectReason.INPUT_ERRORS, "SV101 is not an HC procedure code"
        )
        return None
    if any(not MODIFIER.fullmatch(modifier) for modifier in modifiers):
        m.issue("2000F", level.hl_id, RejectReason.INPUT_ERRORS, "an SV101 modifier is invalid")
        return None
    if _get(sv1, 3) not in ("UN", "") or not 1 <= units <= 99_999:
        m.issue("2000F", level.hl_id, RejectReason.INPUT_ERRORS, "SV104 units must be 1-99999 (UN)")
        return None
    own, invalid = m.dates(level, SERVICE_DATES, "2000F")
    dates = own or event_dates
    if dates is None:
        if not invalid:
            m.issue("2000F", level.hl_id, RejectReason.DATES_OF_SERVICE, "no service dates")
        return None
    return RequestedService(level.hl_id, code, modifiers, units, dates[0], dates[1])


def _trace(m: _Mapper, event: HlLoop) -> str | None:
    """The requester's patient event trace number (TRN01 1, TRN02)."""
    for trn in m.all(event, "2000E", "TRN"):
        if _get(trn, 1) == "1" and _get(trn, 2):
            return _get(trn, 2)
    return None


def map_review(
    loops: tuple[HlLoop, ...], component: str
) -> tuple[ServiceReview | None, tuple[RequestIssue, ...]]:
    """The review a well-shaped request asks for, and its request errors in file order."""
    m = _Mapper(loops, component)
    event = m.level("EV")
    if event is None or m.level("20") is None or m.level("21") is None or m.level("22") is None:
        return None, ()
    payer, requester, member = _payer(m), _requester(m), _subscriber(m)
    category, certification, service_type, urgency, place = _event_um(m, event)
    diagnoses = _diagnoses(m, event)
    event_dates, _ = m.dates(event, EVENT_DATES, "2000E")
    levels = [loop for loop in loops if loop.level == "SS"]
    servicing = _servicing(m, event, levels)
    if not levels:
        m.issue(
            "2000E", event.hl_id, RejectReason.REQUIRED_DATA_MISSING, "no service level (2000F)"
        )
    services = [_service(m, level, event_dates) for level in levels]
    order = {loop.hl_id: index for index, loop in enumerate(loops)}
    m.issues.sort(key=lambda issue: order.get(issue.hl_id, 0))
    review = ServiceReview(
        payer_id=payer,
        requester_npi=requester,
        subscriber_id=member,
        has_dependent=m.level("23") is not None,
        category=category,
        certification_type=certification,
        service_type=service_type,
        level_of_service=urgency,
        place_of_service=place,
        diagnoses=diagnoses,
        servicing_npi=servicing,
        services=tuple(s for s in services if s is not None),
        trace=_trace(m, event),
    )
    return review, tuple(m.issues)

"""The 278 (005010X217) request reader and response writer, on synthetic interchanges."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from claimflow_shared.x12.ack999 import render_999
from claimflow_shared.x12.envelope import InterchangeReader
from claimflow_shared.x12.p278 import (
    RejectReason,
    Request278Read,
    Request278Reader,
    Response278,
    ReviewOutcome,
    ServiceDecision,
    render_278_responses,
)
from claimflow_shared.x12.p278.synthetic import (
    REQUESTER_NPI,
    SERVICING_NPI,
    RequestSpec,
    ServiceSpec,
    interchange,
    request,
)
from claimflow_shared.x12.p837.synthetic import Segment, Style
from claimflow_shared.x12.results import AckStatus, InterchangeAck
from claimflow_shared.x12.transactions import TransactionContext, TransactionType
from claimflow_shared.x12.writer import ControlNumbers

PLAIN = Style()
PIPES = Style(element="|", component="^", repetition="{", segment="\n")
TILDE_LINES = Style(element="*", component=">", repetition="^", segment="~", line_break="\r\n")
SENT = datetime(2025, 10, 1, 12, 30, tzinfo=UTC)


def read(data: bytes) -> tuple[list[Request278Read], InterchangeAck]:
    """Every request read from the interchange, and the 999 verdict."""
    reader = Request278Reader()
    reads = [e for e in reader.read(data) if isinstance(e, Request278Read)]
    return reads, reader.acknowledgment


def one(spec: RequestSpec, style: Style = PLAIN) -> tuple[Request278Read, InterchangeAck]:
    """The single request of a one-set interchange."""
    reads, ack = read(interchange([request(spec)], style))
    assert len(reads) == 1
    return reads[0], ack


class TestMapping:
    @pytest.mark.parametrize("style", [Style(), PIPES, TILDE_LINES])
    def test_a_clean_request_maps_to_its_review_with_any_delimiters(self, style: Style) -> None:
        spec = RequestSpec(
            services=(
                ServiceSpec("E0114", ("RR",), "2", "20251001-20251231"),
                ServiceSpec("97110", ("GP", "59"), "12", "20251002"),
            ),
            diagnoses=("M2351", "S83.241A"),
        )
        got, ack = one(spec, style)
        assert ack.status is AckStatus.ACCEPTED
        assert ack.transaction_sets[0].status is AckStatus.ACCEPTED
        assert got.actionable and got.reference == "REF0001"
        review = got.review
        assert review is not None
        assert (review.payer_id, review.requester_npi, review.servicing_npi) == (
            "PAYER-1",
            REQUESTER_NPI,
            SERVICING_NPI,
        )
        assert review.subscriber_id == "SYNTHMEM0042" and not review.has_dependent
        assert (review.category, review.certification_type, review.place_of_service) == (
            "HS",
            "I",
            "12",
        )
        assert review.diagnoses == ("M2351", "S83241A")
        assert not review.expedited
        first, second = review.services
        assert (first.code, first.modifiers, first.units) == ("E0114", ("RR",), 2)
        assert (first.start_date, first.end_date) == (date(2025, 10, 1), date(2025, 12, 31))
        assert (second.code, second.modifiers, second.units) == ("97110", ("GP", "59"), 12)
        assert second.start_date == second.end_date == date(2025, 10, 2)

    def test_services_without_dates_take_the_event_dates_and_urgent_is_expedited(self) -> None:
        spec = RequestSpec(
            level_of_service="U",
            event_dates="20251005-20251010",
            services=(ServiceSpec(dates=None),),
        )
        got, _ = one(spec)
        assert got.review is not None and got.review.expedited
        service = got.review.services[0]
        assert (service.start_date, service.end_date) == (date(2025, 10, 5), date(2025, 10, 10))

    def test_a_dependent_is_read_under_the_subscriber(self) -> None:
        got, _ = one(RequestSpec(dependent=True))
        assert got.review is not None and got.review.has_dependent
        assert got.review.subscriber_id == "SYNTHMEM0042"
        assert [loop.loop for loop in got.loops][3:5] == ["2000D", "2000E"]

    def test_the_member_id_stays_out_of_reprs(self) -> None:
        got, _ = one(RequestSpec())
        assert "SYNTHMEM0042" not in repr(got)

    def test_several_requests_in_one_interchange(self) -> None:
        bodies = [request(RequestSpec(trace=f"T{n}"), reference=f"R{n}") for n in range(3)]
        reads, ack = read(interchange(bodies))
        assert [r.reference for r in reads] == ["R0", "R1", "R2"]
        assert [r.review.trace for r in reads if r.review] == ["T0", "T1", "T2"]
        assert ack.groups[0].accepted_sets == 3


class TestRequestErrors:
    """Sound X12 that cannot be processed: the 999 accepts it, the 278 response says why."""

    @pytest.mark.parametrize(
        ("spec", "loop", "reason"),
        [
            (RequestSpec(payer_id=""), "2010A", RejectReason.PARTICIPANT_ID),
            (RequestSpec(requester_npi="1234567890"), "2010B", RejectReason.PROVIDER_ID),
            (RequestSpec(member_id=""), "2010C", RejectReason.SUBSCRIBER_ID),
            (RequestSpec(diagnoses=()), "2000E", RejectReason.REQUIRED_DATA_MISSING),
            (RequestSpec(diagnoses=("123",)), "2000E", RejectReason.INPUT_ERRORS),
            (RequestSpec(certification="3"), "2000E", RejectReason.INPUT_ERRORS),
            (RequestSpec(category="IN"), "2000E", RejectReason.INPUT_ERRORS),
            (RequestSpec(servicing_npi=None), "2000E", RejectReason.REQUIRED_DATA_MISSING),
            (RequestSpec(servicing_npi="1245319590"), "2010EA", RejectReason.PROVIDER_ID),
            (RequestSpec(event_dates="20251310-20251311"), "2000E", RejectReason.DATES_OF_SERVICE),
            (RequestSpec(services=()), "2000E", RejectReason.REQUIRED_DATA_MISSING),
            (
                RequestSpec(services=(ServiceSpec(dates="20251231-20251001"),)),
                "2000F",
                RejectReason.DATES_OF_SERVICE,
            ),
            (
                RequestSpec(services=(ServiceSpec(dates=None),)),
                "2000F",
                RejectReason.DATES_OF_SERVICE,
            ),
            (RequestSpec(services=(ServiceSpec(code="E01"),)), "2000F", RejectReason.INPUT_ERRORS),
            (RequestSpec(services=(ServiceSpec(units="0"),)), "2000F", RejectReason.INPUT_ERRORS),
        ],
    )
    def test_each_error_is_placed_in_its_loop(
        self, spec: RequestSpec, loop: str, reason: RejectReason
    ) -> None:
        got, ack = one(spec)
        assert ack.transaction_sets[0].status is AckStatus.ACCEPTED
        assert not got.actionable
        assert [(i.loop, i.reason) for i in got.issues] == [(loop, reason)]
        assert "SYNTHMEM0042" not in got.issues[0].message

    def test_errors_in_several_loops_are_all_reported_in_level_order(self) -> None:
        spec = RequestSpec(requester_npi="1", services=(ServiceSpec(), ServiceSpec(code="bad!!")))
        got, _ = one(spec)
        assert [(i.loop, i.hl_id) for i in got.issues] == [("2010B", "2"), ("2000F", "6")]


def edit(body: list[Segment], tag: str, index: int, value: str) -> list[Segment]:
    """The body with element `index` of the first `tag` segment replaced."""
    out = [list(segment) for segment in body]
    target = next(segment for segment in out if segment[0] == tag)
    target[index] = value
    return out


class TestShapeErrors:
    """A request the 999 rejects: nothing to act on."""

    def verdict(self, body: list[Segment]) -> tuple[Request278Read | None, InterchangeAck]:
        reads, ack = read(interchange([body]))
        return (reads[0] if reads else None), ack

    def test_a_response_sent_to_us_is_rejected_at_bht02(self) -> None:
        got, ack = self.verdict(edit(request(), "BHT", 2, "11"))
        assert ack.transaction_sets[0].status is AckStatus.REJECTED
        error = ack.transaction_sets[0].errors[0]
        assert (error.segment_id, error.element and error.element.position) == ("BHT", 2)
        assert got is not None and got.review is None

    def test_a_missing_patient_event_level_is_rejected(self) -> None:
        body = request()
        cut = next(i for i, s in enumerate(body) if s[0] == "HL" and s[3] == "EV")
        _, ack = self.verdict(body[:cut])
        verdict = ack.transaction_sets[0]
        assert verdict.status is AckStatus.REJECTED
        assert any(e.loop_id == "2000E" and e.code.value == "3" for e in verdict.errors)

    def test_a_level_under_the_wrong_parent_is_rejected(self) -> None:
        body = edit(request(), "HL", 2, "9")
        _, ack = self.verdict(body)
        assert ack.transaction_sets[0].status is AckStatus.REJECTED

    def test_a_patient_event_without_um_is_rejected(self) -> None:
        body = [s for s in request() if not (s[0] == "UM" and s[2] == "I" and len(s) > 4)]
        _, ack = self.verdict(body)
        assert ack.transaction_sets[0].status is AckStatus.REJECTED

    def test_an_unknown_segment_is_noted_not_fatal(self) -> None:
        body = request()
        body.insert(3, ["ZZZ", "1"])
        got, ack = self.verdict(body)
        assert ack.transaction_sets[0].status is AckStatus.ACCEPTED_WITH_ERRORS
        assert got is not None and got.actionable

    def test_a_wrong_segment_count_rejects_the_set(self) -> None:
        data = re.sub(rb"SE\*(\d+)\*", rb"SE*99*", interchange([request()]))
        _, ack = read(data)
        assert ack.transaction_sets[0].status is AckStatus.REJECTED

    def test_another_convention_is_not_supported(self) -> None:
        data = interchange([request()]).replace(b"005010X217", b"005010X215")
        reads, ack = read(data)
        assert reads == []
        assert ack.transaction_sets[0].codes[0].value == "I6"
        assert "IK5*R*I6" in render_999(ack, ControlNumbers(1, 1), sent_at=SENT)


class _Collect:
    """A handler that keeps a response set's segments, to parse our own output back."""

    found: list[list[list[str]]] = []

    def __init__(self, context: TransactionContext) -> None:
        self.segments_seen: list[list[str]] = []
        _Collect.found.append(self.segments_seen)

    def segments(self, batch: list[list[str]], start: int, position: int) -> tuple[int, int]:
        for index in range(start, len(batch)):
            if batch[index][0] in ("SE", "GE", "IEA", "ST", "GS"):
                return index, position
            self.segments_seen.append(batch[index])
            position += 1
        return len(batch), position

    def finish(self, position: int) -> tuple[int, int]:
        return 1, 0


def parse_back(text: str) -> tuple[list[list[list[str]]], InterchangeAck]:
    """Read a 278 response interchange with the shared envelope reader."""
    _Collect.found = []
    reader = InterchangeReader([TransactionType("HI", "278", "005010X217", _Collect)])
    reader.feed(text.encode())
    reader.close()
    return _Collect.found, reader.result


class TestResponse:
    def test_an_accepted_request_is_answered_per_service_and_parses_back(self) -> None:
        spec = RequestSpec(services=(ServiceSpec(), ServiceSpec("97110"), ServiceSpec("K0001")))
        got, ack = one(spec, PIPES)
        outcome = ReviewOutcome(
            "auth-123",
            {
                "5": ServiceDecision("A1", "AUTH-9"),
                "6": ServiceDecision("A2", "AUTH-9", "0U"),
                "7": ServiceDecision("A3", "AUTH-9", "0U"),
            },
        )
        text = render_278_responses(
            [Response278(got, outcome)], ack, ControlNumbers(7, 7), sent_at=SENT
        )
        assert text is not None and text.startswith("ISA|")
        sets, verdict = parse_back(text)
        assert verdict.status is AckStatus.ACCEPTED
        assert verdict.transaction_sets[0].status is AckStatus.ACCEPTED
        body = sets[0]
        assert body[0][:3] == ["BHT", "0007", "11"] and body[0][3] == "REF0001"
        hcr = [s for s in body if s[0] == "HCR"]
        assert hcr == [
            ["HCR", "A1", "AUTH-9"],
            ["HCR", "A2", "AUTH-9", "0U"],
            ["HCR", "A3", "", "0U"],
        ]
        assert ["REF", "NT", "auth-123"] in body
        assert ["SV1", "HC^97110", "0", "UN", "2"] in body
        assert [s[:2] for s in body if s[0] == "TRN"] == [["TRN", "2"]] * 4
        assert [s[3] for s in body if s[0] == "HL"] == ["20", "21", "22", "EV", "SS", "SS", "SS"]

    def test_request_errors_come_back_as_aaa_after_the_loop_they_concern(self) -> None:
        spec = RequestSpec(member_id="", services=(ServiceSpec(), ServiceSpec(dates=None)))
        got, ack = one(spec)
        text = render_278_responses([Response278(got)], ack, ControlNumbers(8, 8), sent_at=SENT)
        assert text is not None
        sets, verdict = parse_back(text)
        assert verdict.transaction_sets[0].status is AckStatus.ACCEPTED
        body = sets[0]
        tags = [s[0] if s[0] != "NM1" else f"NM1*{s[1]}" for s in body]
        aaa = [i for i, s in enumerate(body) if s[0] == "AAA"]
        assert [body[i] for i in aaa] == [["AAA", "N", "", "72", "C"], ["AAA", "N", "", "57", "C"]]
        assert tags[aaa[0] - 1] == "NM1*IL"
        assert (
            tags[aaa[1] - 1] == "TRN" and body[aaa[1] - 2][0] == "HL" and body[aaa[1] - 2][1] == "6"
        )
        assert "HCR" not in tags and ["REF", "NT"] not in [s[:2] for s in body]

    def test_no_response_when_nothing_is_answered(self) -> None:
        got, ack = one(RequestSpec())
        assert render_278_responses([], ack, ControlNumbers(1, 1), sent_at=SENT) is None
        assert replace(got, issues=()).actionable

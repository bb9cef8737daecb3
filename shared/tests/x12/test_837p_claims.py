"""837P loops, required elements and mapping on synthetic interchanges, good and partly bad."""

from __future__ import annotations

from decimal import Decimal

from claimflow_shared.x12.errors import Channel, ElementCode, SegmentCode, Severity
from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader
from claimflow_shared.x12.p837 import synthetic as s
from claimflow_shared.x12.results import AckStatus, InterchangeAck, TransactionSetAck
from claimflow_shared.x12.transactions import TransactionSetClosed


def read(data: bytes) -> tuple[InterchangeAck, list[ClaimRead]]:
    """Read an interchange; return the verdict and the claims."""
    reader = Professional837Reader()
    events = list(reader.read(data))
    return reader.acknowledgment, [e for e in events if isinstance(e, ClaimRead)]


def one_set(body: list[s.Segment]) -> tuple[TransactionSetAck, list[ClaimRead]]:
    """Read a single-set interchange made of body."""
    ack, claims = read(s.interchange([[body]]))
    (result,) = ack.transaction_sets
    return result, claims


def position(body: list[s.Segment], tag: str, nth: int = 0) -> int:
    """Return the ST-relative position (ST = 1) of the nth segment with this id in body."""
    hits = [index for index, seg in enumerate(body) if seg[0] == tag]
    return hits[nth] + 2


def replace(body: list[s.Segment], tag: str, nth: int, segment: s.Segment | None) -> None:
    """Replace (or, with None, delete) the nth segment with this id."""
    index = position(body, tag, nth) - 2
    if segment is None:
        del body[index]
    else:
        body[index] = segment


class TestGoodClaims:
    def test_every_claim_is_accepted_and_mapped(self) -> None:
        result, claims = one_set(s.body(3, lines=2))
        assert result.status is AckStatus.ACCEPTED and result.items_accepted == 3
        claim = claims[1].claim
        assert claim.claim_id == "CLM00000001" and claim.total_charge == Decimal("205.50")
        assert claim.prior_authorization == "PA0000001"
        assert claim.rendering_npi == s.npi("987654321")
        assert claim.billing_provider.npi == s.npi("123456789")
        assert [(d.qualifier, d.code) for d in claim.diagnoses] == [
            ("ABK", "J0300"),
            ("ABF", "R509"),
        ]
        line = claim.lines[0]
        assert (line.qualifier, line.procedure_code, line.modifiers) == ("HC", "99213", ("25",))
        assert (line.units, line.unit_basis, line.diagnosis_pointers) == (Decimal(1), "UN", (1, 2))
        assert claim.subscriber.member_id == "MEM000000001" and claim.patient_relationship == "18"

    def test_line_level_rendering_and_authorizations(self) -> None:
        body = s.body(1, lines=2)
        at = position(body, "DTP", 1) - 1
        body[at:at] = [
            ["REF", "G1", "LINEAUTH"],
            ["NM1", "82", "1", "LINE", "DOC", "", "", "", "XX", s.npi("555555555")],
        ]
        result, (read_claim,) = one_set(body)
        assert result.status is AckStatus.ACCEPTED, result.errors
        line = read_claim.claim.lines[1]
        assert line.prior_authorizations == ("LINEAUTH",)
        assert line.rendering_npi == s.npi("555555555")

    def test_replacement_claim_carries_the_original_reference(self) -> None:
        body = s.body(1, lines=1)
        replace(
            body, "CLM", 0, ["CLM", "CLM1", "125.00", "", "", ("11", "B", "7"), "Y", "A", "Y", "Y"]
        )
        body.insert(position(body, "CLM") - 1, ["REF", "F8", "PAYER123"])
        _, (read_claim,) = one_set(body)
        assert read_claim.accepted
        assert (read_claim.claim.frequency_code, read_claim.claim.original_reference) == (
            "7",
            "PAYER123",
        )

    def test_service_date_range_is_mapped(self) -> None:
        body = s.body(1, lines=1)
        replace(body, "DTP", 0, ["DTP", "472", "RD8", "20240110-20240112"])
        _, (read_claim,) = one_set(body)
        period = read_claim.claim.lines[0].service_period
        assert period is not None and (period.end - period.start).days == 2

    def test_patient_level_below_the_subscriber(self) -> None:
        body = s.header() + s.billing_provider()
        claim = s.claim(0, hl_id=2)
        claim[0] = ["HL", "2", "1", "22", "1"]
        patient = [
            ["HL", "3", "2", "23", "0"],
            ["PAT", "19"],
            ["NM1", "QC", "1", "CHILD", "KIM"],
            ["N3", "1 ELM ST"],
            ["N4", "SPRINGFIELD", "IL", "62704"],
            ["DMG", "D8", "20150101", "F"],
        ]
        at = next(i for i, seg in enumerate(claim) if seg[0] == "CLM")
        body += claim[:at] + patient + claim[at:]
        result, (read_claim,) = one_set(body)
        assert result.status is AckStatus.ACCEPTED, result.errors
        assert read_claim.claim.patient_relationship == "19"
        assert read_claim.claim.demographics.patient.name.first == "KIM"


class TestPartlyBadInterchange:
    def build(self) -> tuple[list[s.Segment], dict[str, int]]:
        """Five claims: the 2nd has frequency 9, the 4th no service date, the 5th a dotted ICD."""
        body = s.body(5, lines=2)
        clm = body[position(body, "CLM", 1) - 2]
        body[position(body, "CLM", 1) - 2] = [*clm[:5], ("11", "B", "9"), *clm[6:]]
        replace(body, "DTP", 6, None)
        replace(body, "HI", 4, ["HI", ("ABK", "J03.00")])
        where = {
            "CLM": position(body, "CLM", 1),
            "LX": position(body, "LX", 7),
            "HI": position(body, "HI", 4),
        }
        return body, where

    def test_good_claims_accepted_bad_claims_rejected_and_the_set_accepted_with_errors(
        self,
    ) -> None:
        body, _ = self.build()
        result, claims = one_set(body)
        assert [c.accepted for c in claims] == [True, False, True, False, False]
        assert result.status is AckStatus.ACCEPTED_WITH_ERRORS
        assert (result.items_accepted, result.items_rejected) == (2, 3)

    def test_each_error_names_segment_position_loop_and_element(self) -> None:
        body, where = self.build()
        result, _ = one_set(body)
        by_segment = {e.segment_id: e for e in result.errors}
        frequency = by_segment["CLM"]
        assert (frequency.position, frequency.loop_id, frequency.item_id) == (
            where["CLM"],
            "2300",
            "CLM00000001",
        )
        assert frequency.element is not None
        assert (frequency.element.position, frequency.element.component) == (5, 3)
        assert frequency.element.code is ElementCode.INVALID_CODE
        assert frequency.element.bad_value == "9" and "1, 7, 8" in frequency.message
        missing_date = by_segment["DTP"]
        assert missing_date.code is SegmentCode.REQUIRED_MISSING and missing_date.loop_id == "2400"
        icd = by_segment["HI"]
        assert icd.position == where["HI"] and icd.element is not None
        assert (icd.element.code, icd.element.bad_value) == (ElementCode.PATTERN_MISMATCH, "J03.00")

    def test_a_claim_rejected_only_by_an_edit_leaves_the_999_clean(self) -> None:
        body = s.body(2, lines=2)
        clm = body[position(body, "CLM", 0) - 2]
        body[position(body, "CLM", 0) - 2] = [clm[0], clm[1], "999.99", *clm[3:]]
        result, claims = one_set(body)
        assert result.status is AckStatus.ACCEPTED and not result.errors
        (edit,) = claims[0].errors
        assert (edit.channel, edit.status_code) == (Channel.BUSINESS, "400")
        assert [c.accepted for c in claims] == [False, True]


class TestStructure:
    def test_missing_header_loop_rejects_the_set(self) -> None:
        body = s.body(2, lines=1)
        replace(body, "NM1", 1, None)
        replace(body, "PER", 0, None)
        result, claims = one_set(body)
        assert result.status is AckStatus.REJECTED
        assert any("1000B" in e.message for e in result.errors)
        assert all(e.severity is Severity.REJECT_SET for e in result.errors)

    def test_missing_payer_loop_rejects_only_that_subscriber_s_claims(self) -> None:
        body = s.body(3, lines=1)
        replace(body, "NM1", 3 + 3 * 1 + 1, None)
        result, claims = one_set(body)
        assert [c.accepted for c in claims] == [True, False, True]
        (error,) = result.errors
        assert (error.code, error.loop_id) == (SegmentCode.REQUIRED_MISSING, "2010BB")

    def test_subscriber_with_unknown_parent_is_rejected_with_its_claims(self) -> None:
        body = s.body(2, lines=1)
        replace(body, "HL", 2, ["HL", "3", "9", "22", "0"])
        _, claims = one_set(body)
        assert [c.accepted for c in claims] == [True, False]
        assert any(e.element and e.element.position == 2 for e in claims[1].errors)

    def test_hl_ids_that_do_not_increase_reject_the_level(self) -> None:
        body = s.body(2, lines=1)
        replace(body, "HL", 2, ["HL", "2", "1", "22", "0"])
        _, claims = one_set(body)
        assert [c.accepted for c in claims] == [True, False]

    def test_unknown_segment_inside_a_claim_rejects_that_claim(self) -> None:
        body = s.body(2, lines=1)
        body.insert(position(body, "LX", 0) - 1, ["ZZZ", "1"])
        result, claims = one_set(body)
        assert [c.accepted for c in claims] == [False, True]
        (error,) = result.errors
        assert (error.segment_id, error.code) == ("ZZZ", SegmentCode.NOT_IN_TRANSACTION)

    def test_more_than_twelve_pointers_or_diagnoses_are_element_errors(self) -> None:
        body = s.body(1, lines=1)
        replace(
            body, "HI", 0, ["HI", *[("ABK" if i == 0 else "ABF", f"R{i:02d}") for i in range(13)]]
        )
        result, (read_claim,) = one_set(body)
        assert not read_claim.accepted
        assert any(
            e.element and e.element.code is ElementCode.TOO_MANY_ELEMENTS for e in result.errors
        )

    def test_pointer_to_a_missing_diagnosis_is_an_edit(self) -> None:
        body = s.body(1, lines=1)
        replace(body, "SV1", 0, ["SV1", ("HC", "99213"), "125.00", "UN", "1", "", "", ("1", "3")])
        result, (read_claim,) = one_set(body)
        assert result.status is AckStatus.ACCEPTED
        assert [e.status_code for e in read_claim.errors] == ["477"]

    def test_void_without_payer_claim_number_is_rejected(self) -> None:
        body = s.body(1, lines=1)
        replace(
            body, "CLM", 0, ["CLM", "V1", "125.00", "", "", ("11", "B", "8"), "Y", "A", "Y", "Y"]
        )
        result, (read_claim,) = one_set(body)
        assert not read_claim.accepted
        assert [e.code for e in result.errors] == [SegmentCode.DEPENDENT_MISSING]

    def test_claim_events_precede_their_set_verdict(self) -> None:
        reader = Professional837Reader()
        kinds = [type(e) for e in reader.read(s.interchange([[s.body(2), s.body(1, first=2)]]))]
        assert kinds == [
            ClaimRead,
            ClaimRead,
            TransactionSetClosed,
            ClaimRead,
            TransactionSetClosed,
        ]

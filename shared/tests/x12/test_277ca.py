"""The 277CA: one claim verdict per claim of each accepted 837 set, rendered as 005010X214."""

from __future__ import annotations

import re
from datetime import date, datetime

from claimflow_shared.x12.p837 import (
    ClaimAcknowledger,
    ClaimStatus,
    Professional837Reader,
    Source,
    render_277ca,
)
from claimflow_shared.x12.p837 import synthetic as s
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.writer import ControlNumbers

from .helpers import data_dir, segments_of

SENT = datetime(2024, 3, 5, 16, 45)
RECEIVED = date(2024, 3, 5)


def acknowledge(data: bytes) -> tuple[ClaimAcknowledger, InterchangeAck]:
    """Read data, numbering each claim's record CF-<CLM01> as a claims service would."""
    reader, acks = Professional837Reader(), ClaimAcknowledger()
    for event in reader.read(data):
        number = getattr(getattr(event, "claim", None), "claim_id", None)
        acks.add(event, payer_claim_number=f"CF-{number}" if number else None)
    return acks, reader.acknowledgment


def rendered(data: bytes, source: Source | None = None) -> list[list[str]]:
    """Return the 277CA for data as segments."""
    acks, ack = acknowledge(data)
    text = render_277ca(
        acks.batches, ack, ControlNumbers(77, 78), sent_at=SENT, received=RECEIVED, source=source
    )
    assert text is not None
    return segments_of(text)


def partly_bad() -> bytes:
    """Three claims: the 2nd with frequency 9, the 3rd with no date on its 2nd line."""
    body = s.body(3, lines=2)
    clms = [i for i, seg in enumerate(body) if seg[0] == "CLM"]
    body[clms[1]] = [*body[clms[1]][:5], ("11", "B", "9"), *body[clms[1]][6:]]
    dates = [i for i, seg in enumerate(body) if seg[0] == "DTP"]
    del body[dates[5]]
    return s.interchange([[body]])


def miscount(data: bytes, control: bytes) -> bytes:
    """Make the SE of the set with this control number declare one segment too many."""
    return re.sub(
        rb"SE\*(\d+)\*" + control, lambda m: b"SE*%d*" % (int(m.group(1)) + 1) + control, data
    )


def between(segments: list[list[str]], tag: str, value: str) -> list[list[str]]:
    """Return the 2000D loop whose TRN02 is value (from its HL to the next HL or SE)."""
    start = next(i for i, seg in enumerate(segments) if seg[:3] == ["TRN", "2", value]) - 2
    end = next(i for i in range(start + 1, len(segments)) if segments[i][0] in ("HL", "SE"))
    return [seg for seg in segments[start:end] if seg[0] == tag]


class TestVerdicts:
    def test_each_claim_gets_accepted_or_rejected_with_status_codes(self) -> None:
        acks, _ = acknowledge(partly_bad())
        (batch,) = acks.batches
        assert [c.accepted for c in batch.claims] == [True, False, False]
        assert batch.claims[0].statuses == (ClaimStatus("A2", "20"),)
        assert batch.claims[1].statuses == (ClaimStatus("A7", "535"),)
        assert batch.claims[2].statuses == (ClaimStatus("A6", "187"),)
        assert [v.line.line_number for v in batch.claims[2].lines] == [2]
        assert batch.claims[0].payer_claim_number == "CF-CLM00000000"
        assert batch.claims[1].payer_claim_number is None

    def test_claims_of_a_set_rejected_by_the_999_get_no_277ca(self) -> None:
        data = miscount(s.interchange([[s.body(2), s.body(1, first=2)]]), b"1001")
        acks, ack = acknowledge(data)
        assert [t.accepted for t in ack.transaction_sets] == [False, True]
        assert [c.claim_id for b in acks.batches for c in b.claims] == ["CLM00000002"]

    def test_nothing_to_acknowledge_renders_nothing(self) -> None:
        data = miscount(s.interchange([[s.body(1)]]), b"1001")
        acks, ack = acknowledge(data)
        assert acks.batches == ()
        assert (
            render_277ca(acks.batches, ack, ControlNumbers(1, 1), sent_at=SENT, received=RECEIVED)
            is None
        )

    def test_unexpected_segment_returns_the_claim_as_unprocessable(self) -> None:
        body = s.body(1, lines=1)
        body.insert(len(body) - 1, ["XYZ", "1"])
        (batch,) = acknowledge(s.interchange([[body]]))[0].batches
        assert batch.claims[0].statuses[0].category == "A3"

    def test_business_edit_rejection_names_its_entity(self) -> None:
        data = (data_dir() / "badx12/X222-ambulance.edi").read_bytes()
        (batch,) = acknowledge(data)[0].batches
        assert batch.claims[0].statuses == (ClaimStatus("A7", "562", "85"),)


class TestRendering:
    def test_one_277_per_accepted_837_set_with_its_submitter_and_trace(self) -> None:
        data = s.interchange([[s.body(2, reference="BATCH-A"), s.body(1, first=2, reference="B")]])
        segments = rendered(data)
        assert [seg[1:4] for seg in segments if seg[0] == "ST"] == [
            ["277", "0001", "005010X214"],
            ["277", "0002", "005010X214"],
        ]
        traces = [seg[2] for seg in segments if seg[:2] == ["TRN", "2"]]
        assert traces == ["BATCH-A", "CLM00000000", "CLM00000001", "B", "CLM00000002"]
        gs = next(seg for seg in segments if seg[0] == "GS")
        assert gs[1:4] == ["HN", "CLAIMFLOW01", "SUB001"] and gs[8] == "005010X214"
        isa = segments[0]
        assert (isa[6].strip(), isa[8].strip(), isa[13]) == ("CLAIMFLOW01", "SUB001", "000000077")

    def test_counts_amounts_and_envelope_totals(self) -> None:
        segments = rendered(partly_bad())
        qty = [seg[1:] for seg in segments if seg[0] == "QTY"]
        amt = [seg[1:] for seg in segments if seg[0] == "AMT"]
        assert qty == [["90", "1"], ["AA", "2"], ["QA", "1"], ["QC", "2"]]
        assert amt == [["YU", "205.5"], ["YY", "411"], ["YU", "205.5"], ["YY", "411"]]
        st = next(i for i, seg in enumerate(segments) if seg[0] == "ST")
        se = next(i for i, seg in enumerate(segments) if seg[0] == "SE")
        assert int(segments[se][1]) == se - st + 1
        assert next(seg for seg in segments if seg[0] == "GE")[1] == "1"

    def test_claim_loops_carry_trace_status_references_and_dates(self) -> None:
        segments = rendered(partly_bad())
        assert between(segments, "STC", "CLM00000000") == [
            ["STC", "A2:20", "20240305", "WQ", "205.5"]
        ]
        assert between(segments, "REF", "CLM00000000") == [["REF", "1K", "CF-CLM00000000"]]
        assert between(segments, "STC", "CLM00000001") == [
            ["STC", "A7:535", "20240305", "U", "205.5"]
        ]
        assert between(segments, "DTP", "CLM00000002") == [["DTP", "472", "D8", "20240115"]]

    def test_rejected_line_is_reported_in_a_service_line_loop(self) -> None:
        segments = rendered(partly_bad())
        start = next(i for i, seg in enumerate(segments) if seg[:3] == ["TRN", "2", "CLM00000002"])
        svc = next(i for i in range(start, len(segments)) if segments[i][0] == "SVC")
        assert segments[svc] == ["SVC", "HC:99213:25", "80.5", "", "", "", "", "1"]
        assert segments[svc + 1] == ["STC", "A6:187", "20240305", "U"]

    def test_hierarchy_links_claims_to_their_billing_provider(self) -> None:
        segments = rendered(partly_bad())
        hls = [seg for seg in segments if seg[0] == "HL"]
        assert hls[:3] == [
            ["HL", "1", "", "20", "1"],
            ["HL", "2", "1", "21", "1"],
            ["HL", "3", "2", "19", "1"],
        ]
        assert hls[3:] == [["HL", str(n), "3", "PT"] for n in (4, 5, 6)]
        provider = next(seg for seg in segments if seg[:2] == ["NM1", "85"])
        assert provider[8:] == ["XX", s.npi("123456789")]

    def test_source_defaults_to_the_837_receiver_and_can_be_given(self) -> None:
        default = rendered(partly_bad())
        assert next(seg for seg in default if seg[:2] == ["NM1", "AY"])[3] == "CLAIMFLOW"
        given = rendered(partly_bad(), Source("ACME PAYER", "ACME01", "PR"))
        assert next(seg for seg in given if seg[:2] == ["NM1", "PR"])[9] == "ACME01"

    def test_sample_claim_reply_keeps_its_delimiters_and_patient(self) -> None:
        data = (data_dir() / "lfh/demo.example1.837").read_bytes()
        segments = rendered(data)
        assert next(seg for seg in segments if seg[:2] == ["NM1", "QC"])[3:5] == ["SMITH", "TED"]
        assert next(seg for seg in segments if seg[:2] == ["NM1", "QC"])[9] == "JS00111223333"
        assert between(segments, "DTP", "26463774") == [["DTP", "472", "RD8", "20061003-20061010"]]
        assert between(segments, "REF", "26463774") == [
            ["REF", "1K", "CF-26463774"],
            ["REF", "D9", "17312345600006351"],
        ]

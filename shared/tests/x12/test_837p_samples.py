"""Every public 837P sample: the same claims, totals and lines other readers extract, and the
known quirks reported in the 999 (or accepted leniently) without a crash."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from claimflow_shared.x12.errors import Channel, ElementCode, InterchangeCode, SetCode, Severity
from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader
from claimflow_shared.x12.results import AckStatus, InterchangeAck
from claimflow_shared.x12.tokenizer import UnreadableInterchangeError

from .helpers import data_dir
from .sample_claims import SAMPLE_CLAIMS


def provenance() -> dict[str, dict[str, str]]:
    """Return PROVENANCE.tsv rows by local file name."""
    with (data_dir() / "PROVENANCE.tsv").open(newline="") as handle:
        return {row["local_file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def read(name: str) -> tuple[InterchangeAck, list[ClaimRead]]:
    """Read one sample file; return the verdict and the claims."""
    reader = Professional837Reader()
    events = list(reader.read((data_dir() / name).read_bytes()))
    return reader.acknowledgment, [e for e in events if isinstance(e, ClaimRead)]


def only_claim(name: str) -> ClaimRead:
    """Read a sample that holds exactly one claim."""
    (read_claim,) = read(name)[1]
    return read_claim


PROFESSIONAL = sorted(SAMPLE_CLAIMS)


class TestSameClaimsAsOtherReaders:
    @pytest.mark.parametrize("name", PROFESSIONAL)
    def test_claims_totals_and_line_charges(self, name: str) -> None:
        _, claims = read(name)
        got = [
            (c.claim.claim_id, c.claim.total_charge, tuple(line.charge for line in c.claim.lines))
            for c in claims
        ]
        expected = [
            (claim_id, Decimal(total), tuple(Decimal(x) for x in lines))
            for claim_id, total, lines in SAMPLE_CLAIMS[name]
        ]
        assert got == expected

    @pytest.mark.parametrize("name", PROFESSIONAL)
    def test_claim_and_segment_counts_match_the_provenance(self, name: str) -> None:
        ack, claims = read(name)
        row = provenance()[name]
        assert len(claims) == int(row["CLM_count"])
        envelope = 2 + 2 * len(ack.groups)
        assert sum(t.segment_count for t in ack.transaction_sets) + envelope == int(row["segments"])

    def test_every_professional_sample_in_the_folder_is_covered(self) -> None:
        rows = provenance()
        professional = {n for n, r in rows.items() if r["GS08"].startswith("005010X222")}
        assert professional == set(SAMPLE_CLAIMS)
        assert all((data_dir() / n).is_file() for n in professional)


class TestMapping:
    def test_claim_with_patient_level_maps_every_reference(self) -> None:
        read_claim = only_claim("lfh/demo.example1.837")
        claim = read_claim.claim
        assert read_claim.accepted
        assert (claim.claim_id, claim.place_of_service, claim.frequency_code) == (
            "26463774",
            "11",
            "1",
        )
        assert claim.billing_provider.npi == "1912301953"
        assert (claim.billing_provider.tax_id_qualifier, claim.billing_provider.tax_id) == (
            "EI",
            "587654321",
        )
        assert (claim.payer.payer_id, claim.payer.name) == ("999996666", "KEY INSURANCE COMPANY")
        assert claim.subscriber.member_id == "JS00111223333"
        assert claim.patient_relationship == "19"
        assert [(d.qualifier, d.code) for d in claim.diagnoses] == [("BK", "0340"), ("BF", "V7389")]
        assert [line.procedure_code for line in claim.lines] == ["99213", "87070", "99214", "86663"]
        assert [line.diagnosis_pointers for line in claim.lines] == [(1,), (1,), (2,), (2,)]
        assert claim.lines[2].service_period is not None
        assert claim.lines[2].service_period.start == date(2006, 10, 10)
        assert claim.clearinghouse_trace == "17312345600006351"
        assert claim.position == 25 and claim.batch.reference == "244579"

    def test_patient_identity_lives_only_in_demographics(self) -> None:
        claim = only_claim("lfh/demo.example1.837").claim
        patient = claim.demographics.patient
        assert (patient.name.last, patient.name.first, patient.birth_date) == (
            "SMITH",
            "TED",
            date(1973, 5, 1),
        )
        assert claim.demographics.subscriber.name.first == "JANE"
        outside = repr(claim._replace(demographics=None))
        assert "TED" not in outside and "JANE" not in outside and "1973" not in outside

    def test_anesthesia_modifiers_minutes_ranges_and_line_control_numbers(self) -> None:
        _, claims = read("databricks/Molina_Mock_UP_837P_File.txt")
        first, _, _, last = (c.claim for c in claims)
        line = first.lines[0]
        assert (line.procedure_code, line.modifiers, line.unit_basis, line.units) == (
            "01710",
            ("QZ",),
            "MJ",
            Decimal(88),
        )
        assert line.control_number == "09876543210"
        assert claims[1].claim.lines[0].modifiers == ("AA", "P3")
        assert first.rendering_npi == "1234567891"
        assert [(ln.procedure_code, ln.diagnosis_pointers) for ln in last.lines] == [
            ("00902", (1,)),
            ("62322", (2,)),
        ]
        assert last.lines[0].service_period is not None
        assert last.lines[0].service_period.end == date(2018, 7, 13)


class TestQuirks:
    def test_x222a2_convention_is_read_as_837p(self) -> None:
        ack, claims = read("lfh/demo.example1.837")
        assert ack.groups[0].version == "005010X222A2" and len(claims) == 1
        assert ack.transaction_sets[0].status is AckStatus.ACCEPTED

    @pytest.mark.parametrize(
        "name",
        [
            "lfh/demo.example6.837",
            "lfh/demo.example9.837",
            "lfh/demo.example11.837",
            "lfh/demo.example12.837",
            "lfh/demo.cob.2ndary.example4.837",
        ],
    )
    def test_greater_than_used_as_component_separator_is_read_and_noted(self, name: str) -> None:
        ack, claims = read(name)
        claim = claims[0].claim
        assert len(claim.place_of_service) == 2 and claim.frequency_code == "1"
        assert all(line.qualifier == "HC" and len(line.procedure_code) == 5 for line in claim.lines)
        notes = [e for e in ack.transaction_sets[0].errors if "'>'" in e.message]
        assert {e.segment_id for e in notes} >= {"CLM", "SV1"}
        assert all(e.severity is Severity.NOTE for e in notes)

    def test_missing_facility_qualifier_rejects_the_claim_with_its_ik4(self) -> None:
        ack, claims = read("lfh/demo.ambulance.example5.837")
        (error,) = [e for e in ack.transaction_sets[0].errors if e.segment_id == "CLM"]
        assert error.element is not None
        assert (error.element.position, error.element.component, error.element.code) == (
            5,
            2,
            ElementCode.REQUIRED_MISSING,
        )
        assert error.item_id == "051068" and not claims[0].accepted

    @pytest.mark.parametrize(
        "name", ["badx12/X222-wheelchair.edi", "badx12/X222-oxygen.edi", "lfh/demo.example7.837"]
    )
    def test_pwk_ad_is_the_valid_dme_certificate_transmission_code(self, name: str) -> None:
        ack, claims = read(name)
        assert not [e for e in ack.transaction_sets[0].errors if e.segment_id == "PWK"]
        assert claims and ack.transaction_sets[0].accepted

    def test_state_na_is_an_invalid_code_that_rejects_the_claim(self) -> None:
        ack, claims = read("databricks/CC_837P_EDI.txt")
        (error,) = [e for e in ack.transaction_sets[0].errors if e.segment_id == "N4"]
        assert error.element is not None and error.element.bad_value == "NA"
        assert (error.loop_id, error.element.code) == ("2010BB", ElementCode.INVALID_CODE)
        assert not claims[0].accepted
        assert ack.transaction_sets[0].status is AckStatus.ACCEPTED_WITH_ERRORS

    def test_hl_numbering_not_starting_at_one_is_noted_and_the_claims_accepted(self) -> None:
        ack, claims = read("databricks/CHPW_Claimdata.txt")
        assert len(claims) == 5 and all(c.accepted for c in claims)
        later = ack.transaction_sets[1:]
        assert all(any(e.segment_id == "HL" for e in t.errors) for t in later)
        assert all(t.status is AckStatus.ACCEPTED_WITH_ERRORS for t in later)

    def test_iea_control_number_mismatch_is_noted_in_the_ta1(self) -> None:
        ack, claims = read("databricks/Molina_Mock_UP_837P_File.txt")
        assert [e.code for e in ack.errors] == [InterchangeCode.CONTROL_NUMBER_MISMATCH]
        assert ack.status is AckStatus.ACCEPTED_WITH_ERRORS and ack.wants_ta1
        assert len(claims) == 4 and ack.transaction_sets[0].accepted

    def test_npi_check_digit_is_a_claim_edit_not_a_syntax_error(self) -> None:
        ack, claims = read("badx12/X222-ambulance.edi")
        assert ack.transaction_sets[0].status is AckStatus.ACCEPTED
        (edit,) = [e for e in claims[0].errors if e.rejects]
        assert (edit.channel, edit.status_code, edit.entity) == (Channel.BUSINESS, "562", "85")

    def test_fully_valid_samples_are_accepted(self) -> None:
        for name in ("databricks/837p.txt", "lfh/demo.example1.837"):
            ack, claims = read(name)
            assert ack.transaction_sets[0].status is AckStatus.ACCEPTED
            assert claims and all(c.accepted for c in claims)


class TestFilesMeantToBeRejected:
    @pytest.mark.parametrize(
        "name",
        [
            "lfh/institutional-claim.837i",
            "lfh/two-claims-single-provider.837i",
            "databricks/CC_837I_EDI.txt",
        ],
    )
    def test_institutional_claims_are_rejected_as_not_supported(self, name: str) -> None:
        ack, claims = read(name)
        assert not claims
        assert [t.codes for t in ack.transaction_sets] == [(SetCode.CONVENTION_NOT_SUPPORTED,)]

    @pytest.mark.parametrize(
        "name", ["badx12_errors/bad_file.edi", "databricks_malformed/CC_837I_EDI.txt"]
    )
    def test_files_without_isa_are_unreadable(self, name: str) -> None:
        with pytest.raises(UnreadableInterchangeError, match="ISA"):
            read(name)

    def test_isa_without_terminator_or_content_is_rejected(self) -> None:
        ack, _ = read("badx12_errors/segment_terminator.edi")
        assert ack.status is AckStatus.REJECTED
        assert "ends before the IEA" in ack.errors[0].message

    def test_835_with_bad_counts_names_each_problem(self) -> None:
        ack, claims = read("badx12_errors/error_validation.edi")
        group = ack.groups[0]
        messages = " | ".join(e.message for e in (*ack.errors, *group.errors))
        for words in ("IEA01", "IEA02", "GE01", "GE02", "GS01"):
            assert words in messages
        assert set(group.transaction_sets[0].codes) == {
            SetCode.NOT_SUPPORTED,
            SetCode.SEGMENT_COUNT_MISMATCH,
            SetCode.CONTROL_NUMBER_MISMATCH,
        }
        assert group.status is AckStatus.REJECTED and not claims

    def test_270_with_segments_before_its_st_is_rejected(self) -> None:
        ack, _ = read("badx12_errors/unknown_segment_error.edi")
        assert any("outside any transaction set" in e.message for e in ack.errors)
        assert ack.groups[0].status is AckStatus.REJECTED


def test_sample_folder_is_found_from_the_workspace_root() -> None:
    assert isinstance(data_dir(), Path) and (data_dir() / "PROVENANCE.tsv").is_file()

"""Pure intake rules: future dates, timely filing, fingerprints, the JSON claim schema."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from claims.intake import duplicates
from claims.intake.edits import date_findings, latest_today
from claims.intake.mapping import draft_of
from claims.intake.schemas import ClaimIn
from claims.records.drafts import ClaimDraft, LineDraft

NOW = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)


def draft(*lines: tuple[date, date], **changes: Any) -> ClaimDraft:
    values: dict[str, Any] = {
        "source": "json",
        "payer_id": "PAYER-A",
        "billing_npi": "1234567893",
        "patient_ref": "SYNTH-1",
        "place_of_service": "11",
        "diagnosis_codes": ("J101",),
        "lines": tuple(
            LineDraft(n, "99213", (), Decimal(1), Decimal("10.00"), start, end, (1,))
            for n, (start, end) in enumerate(lines, start=1)
        ),
        "total_charge": Decimal("10.00") * len(lines),
    }
    return ClaimDraft(**(values | changes))


def day(offset: int) -> date:
    return NOW.date() + timedelta(days=offset)


class TestDates:
    def test_the_future_starts_after_today_in_the_latest_time_zone(self) -> None:
        assert latest_today(NOW) == date(2026, 3, 3)
        assert date_findings(draft((day(1), day(1))), now=NOW, filing_days=365) == []
        [finding] = date_findings(draft((day(2), day(2))), now=NOW, filing_days=365)
        assert (finding.rule, finding.line) == ("DATE_IN_FUTURE", 1)

    def test_a_range_ending_in_the_future_is_in_the_future(self) -> None:
        findings = date_findings(draft((day(-3), day(5))), now=NOW, filing_days=365)
        assert [f.rule for f in findings] == ["DATE_IN_FUTURE"]

    @pytest.mark.parametrize(("days_ago", "late"), [(30, False), (30 + 1, True)])
    def test_the_filing_limit_is_inclusive(self, days_ago: int, late: bool) -> None:
        findings = date_findings(draft((day(-days_ago), day(-days_ago))), now=NOW, filing_days=30)
        assert bool(findings) is late

    def test_the_message_names_the_payer_and_limit_but_no_patient(self) -> None:
        [finding] = date_findings(draft((day(-40), day(-40))), now=NOW, filing_days=30)
        assert "PAYER-A" in finding.message and "30 days" in finding.message
        assert "SYNTH-1" not in finding.message


class TestFingerprints:
    def test_the_same_service_has_the_same_fingerprint(self) -> None:
        one, two = draft((day(-1), day(-1))), draft((day(-1), day(-1)), claim_number="other")
        assert duplicates.fingerprint(one, one.lines[0]) == duplicates.fingerprint(
            two, two.lines[0]
        )

    @pytest.mark.parametrize(
        "change",
        [{"payer_id": "B"}, {"patient_ref": "SYNTH-2"}, {"billing_npi": "1245319599"}],
    )
    def test_the_claim_fields_that_matter_change_it(self, change: dict[str, Any]) -> None:
        one, two = draft((day(-1), day(-1))), draft((day(-1), day(-1)), **change)
        assert duplicates.fingerprint(one, one.lines[0]) != duplicates.fingerprint(
            two, two.lines[0]
        )

    def test_charge_scale_does_not_change_it(self) -> None:
        one = draft((day(-1), day(-1)))
        line = one.lines[0]
        rescaled = LineDraft(
            1, "99213", (), Decimal(1), Decimal("10.0"), line.service_from, line.service_to, (1,)
        )
        assert duplicates.fingerprint(one, line) == duplicates.fingerprint(one, rescaled)

    def test_rows_are_sorted_and_a_claims_repeated_line_is_held_once(self) -> None:
        same = draft((day(-1), day(-1)), (day(-1), day(-1)), (day(-2), day(-2)))
        rows = duplicates._rows("t", [duplicates.Candidate(uuid.uuid4(), same)])
        assert len(rows) == 2
        assert [r["fingerprint"] for r in rows] == sorted(r["fingerprint"] for r in rows)


def claim_json(**changes: Any) -> dict[str, Any]:
    return {
        "payer_id": "P",
        "billing_npi": "1234567893",
        "patient_ref": "SYNTH-1",
        "place_of_service": "11",
        "diagnosis_codes": ["E11.9"],
        "lines": [{"code": "99213", "units": 1, "charge": "10.00", "service_date": "2026-01-05"}],
        "total_charge": "10.00",
    } | changes


class TestSchema:
    def test_a_valid_claim_becomes_a_draft(self) -> None:
        claim = ClaimIn.model_validate(claim_json(diagnosis_codes=["E11.9"]))
        made = draft_of(claim)
        assert made.diagnosis_codes == ("E119",)
        assert made.lines[0].service_to == date(2026, 1, 5)
        assert made.demographics is None and made.frequency == "1"

    @pytest.mark.parametrize("npi", ["1234567890", "0000000001", "123456789X"])
    def test_an_npi_failing_the_luhn_check_is_refused(self, npi: str) -> None:
        with pytest.raises(ValidationError) as refused:
            ClaimIn.model_validate(claim_json(billing_npi=npi))
        assert refused.value.errors()[0]["loc"] == ("billing_npi",)

    @pytest.mark.parametrize("code", ["99213", "0001F", "0042T", "G0008", "J1100", "0001U"])
    def test_cpt_categories_and_hcpcs_are_codes(self, code: str) -> None:
        lines = [{"code": code, "units": 1, "charge": "10.00", "service_date": "2026-01-05"}]
        ClaimIn.model_validate(claim_json(lines=lines))

    def test_identity_goes_to_demographics_only(self) -> None:
        subscriber = {"member_id": "M-1", "last_name": "Synthetic", "birth_date": "1990-02-03"}
        made = draft_of(ClaimIn.model_validate(claim_json(subscriber=subscriber)))
        assert made.demographics is not None and made.demographics.member_id == "M-1"
        assert made.demographics.subscriber == {
            "last_name": "Synthetic",
            "first_name": None,
            "middle_name": None,
            "birth_date": "1990-02-03",
            "gender": None,
        }

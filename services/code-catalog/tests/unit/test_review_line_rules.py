"""Review rules on single lines and on the claim's diagnoses."""

from __future__ import annotations

from datetime import date

from code_catalog.review.engine import ReviewEngine
from code_catalog.review.findings import CLAIM_LEVEL, Finding, RuleId, Severity

from .claims import claim, service_line
from .conftest import RELEASES


def _rules(findings: list[Finding]) -> list[tuple[int, RuleId]]:
    return [(finding.line, finding.rule) for finding in findings]


class TestCleanClaim:
    def test_valid_claim_has_no_findings(self, engine: ReviewEngine) -> None:
        reviewed = claim(
            service_line(1, "10001", modifiers=("25",)),
            service_line(2, "G0101", pointers=(1, 2)),
            service_line(3, "0500F", units=1),
            diagnoses=("E11.9", "I10"),
        )
        assert engine.review(reviewed) == []


class TestCodes:
    def test_malformed_code_names_the_expected_format(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "123F")))
        assert _rules(findings) == [(1, RuleId.CODE_FORMAT)]
        assert "CPT Category II codes are four digits followed by F (NNNNF)" in findings[0].message
        assert findings[0].severity is Severity.REJECT

    def test_well_formed_but_unknown_code(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10999"), service_line(2, "Z9999")))
        assert _rules(findings) == [(1, RuleId.CODE_UNKNOWN), (2, RuleId.CODE_FORMAT)]

    def test_code_is_usable_through_its_termination_date(self, engine: ReviewEngine) -> None:
        on_last_day = claim(service_line(1, "10009", day=date(2024, 12, 31)))
        after = claim(service_line(1, "10009", day=date(2025, 1, 1)))
        assert engine.review(on_last_day) == []
        findings = engine.review(after)
        assert _rules(findings) == [(1, RuleId.CODE_INACTIVE)]
        assert "2024-12-31" in findings[0].message
        assert findings[0].release == RELEASES["cpt"]

    def test_code_not_yet_effective(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10010")))
        assert _rules(findings) == [(1, RuleId.CODE_INACTIVE)]

    def test_terminated_hcpcs_code_from_the_real_file(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "A4397")))
        assert _rules(findings) == [(1, RuleId.CODE_INACTIVE)]
        assert findings[0].release == RELEASES["hcpcs"]

    def test_units_must_be_positive(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10004", units=0)))
        assert _rules(findings) == [(1, RuleId.UNITS_INVALID)]


class TestModifiers:
    def test_known_cpt_and_level_ii_modifiers_pass(self, engine: ReviewEngine) -> None:
        assert engine.review(claim(service_line(1, "10004", modifiers=("59", "lt")))) == []

    def test_malformed_unknown_and_ended_modifiers(self, engine: ReviewEngine) -> None:
        line = service_line(1, "10004", modifiers=("5", "ZZ", "CP"))
        findings = engine.review(claim(line))
        assert _rules(findings) == [(1, RuleId.MODIFIER_INVALID)] * 3
        messages = [finding.message for finding in findings]
        assert "modifiers are two letters or digits" in messages[0]
        assert "ZZ is not a known modifier" in messages[1]
        assert "CP is not active on 2025-09-15" in messages[2]
        assert findings[2].release == RELEASES["hcpcs"]


class TestPlaceOfService:
    def test_line_place_overrides_the_claim(self, engine: ReviewEngine) -> None:
        assert engine.review(claim(service_line(1, "10004", pos="22"), pos="30")) == []

    def test_unknown_malformed_and_missing_places(self, engine: ReviewEngine) -> None:
        findings = engine.review(
            claim(
                service_line(1, "10004", pos="30"),
                service_line(2, "10005", pos="3A"),
                service_line(3, "10001"),
                pos=None,
            )
        )
        assert _rules(findings) == [
            (1, RuleId.POS_INVALID),
            (2, RuleId.POS_INVALID),
            (3, RuleId.POS_INVALID),
        ]
        assert "30 is not a known code" in findings[0].message
        assert "two digits" in findings[1].message
        assert "no place of service" in findings[2].message
        assert findings[0].release == RELEASES["pos"]


class TestDiagnoses:
    def test_header_code_is_not_billable(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10004"), diagnoses=("E11",)))
        assert _rules(findings) == [(CLAIM_LEVEL, RuleId.DX_HEADER)]
        assert findings[0].release == RELEASES["icd_previous"]

    def test_malformed_and_unknown_codes(self, engine: ReviewEngine) -> None:
        reviewed = claim(
            service_line(1, "10004", pointers=(1, 2, 3)), diagnoses=("E11-9", "E99.9", "I10")
        )
        findings = engine.review(reviewed)
        assert _rules(findings) == [(CLAIM_LEVEL, RuleId.DX_INVALID)] * 2
        assert findings[0].message.startswith("diagnosis 1: ")
        assert "E99.9" in findings[1].message

    def test_code_outside_every_release_on_the_date(self, engine: ReviewEngine) -> None:
        line = service_line(1, "10004", day=date(2026, 10, 1))
        findings = engine.review(claim(line))
        assert _rules(findings) == [(CLAIM_LEVEL, RuleId.DX_INVALID)]
        assert "not valid on 2026-10-01" in findings[0].message

    def test_unpointed_diagnosis_is_checked_on_the_first_date(self, engine: ReviewEngine) -> None:
        lines = (
            service_line(1, "10004", day=date(2024, 9, 30)),
            service_line(2, "10005", day=date(2025, 9, 30)),
        )
        findings = engine.review(claim(*lines, diagnoses=("E119", "I10")))
        assert [f.message for f in findings if f.rule is RuleId.DX_INVALID] == [
            "diagnosis 1 (E11.9) is not valid on 2024-09-30",
            "diagnosis 2 (I10) is not valid on 2024-09-30",
        ]

    def test_pointers_must_resolve(self, engine: ReviewEngine) -> None:
        findings = engine.review(
            claim(service_line(1, "10004", pointers=(1, 3)), service_line(2, "10005", pointers=()))
        )
        assert _rules(findings) == [(1, RuleId.DX_POINTER), (2, RuleId.DX_POINTER)]
        assert "pointer 3 is not one of the claim's 1" in findings[0].message

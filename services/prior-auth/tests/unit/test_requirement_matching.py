"""Code ranges and which requirement rule decides a line."""

from __future__ import annotations

from datetime import date

import pytest

from prior_auth.requirements.matching import (
    CodeRange,
    InvalidCodeRangeError,
    LineRequirement,
    RequirementRule,
    RuleKind,
    ServiceLine,
    requirement_for,
    requirements_for,
)

JAN_1 = date(2025, 1, 1)
MRI = ServiceLine(line_number=1, code="70552", service_date=date(2025, 5, 5), place_of_service="22")


def rule(
    rule_id: str,
    codes: str,
    *,
    kind: RuleKind = RuleKind.REQUIRED,
    payer_id: str = "P1",
    plan_id: str | None = None,
    place_of_service: str | None = None,
    effective_from: date = JAN_1,
    effective_to: date | None = None,
) -> RequirementRule:
    """Return a rule; by default payer P1's, required, effective from 2025-01-01."""
    return RequirementRule(
        rule_id=rule_id,
        payer_id=payer_id,
        codes=CodeRange.parse(codes),
        effective_from=effective_from,
        kind=kind,
        plan_id=plan_id,
        place_of_service=place_of_service,
        effective_to=effective_to,
    )


def decide(
    *rules: RequirementRule, line: ServiceLine = MRI, plan: str | None = "GOLD"
) -> LineRequirement:
    """Return the answer for the line under the rules, for payer P1."""
    return requirement_for(rules=rules, payer_id="P1", plan_id=plan, line=line)


class TestCodeRange:
    @pytest.mark.parametrize("text", ["70551-70553", "70551..70553", " 70551 - 70553 "])
    def test_parse_forms(self, text: str) -> None:
        assert CodeRange.parse(text) == CodeRange(first="70551", last="70553")

    @pytest.mark.parametrize(
        ("code", "inside"),
        [
            ("70550", False),
            ("70551", True),
            ("70552", True),
            ("70553", True),
            ("70554", False),
        ],
    )
    def test_numeric_range_is_inclusive(self, code: str, inside: bool) -> None:
        assert CodeRange.parse("70551-70553").contains(code) is inside

    @pytest.mark.parametrize(
        ("code", "inside"),
        [
            ("E0100", True),
            ("e0555", True),
            ("E0999", True),
            ("E1000", False),
            ("E0099", False),
            ("K0500", False),
            ("0500T", False),
            ("00500", False),
        ],
    )
    def test_hcpcs_range_keeps_its_letter(self, code: str, inside: bool) -> None:
        assert CodeRange.parse("E0100-E0999").contains(code) is inside

    def test_category_iii_codes_are_not_in_a_category_i_range(self) -> None:
        assert not CodeRange.parse("00100-99999").contains("0042T")

    def test_single_code(self) -> None:
        single = CodeRange.single("j3490")
        assert single.is_single and single.width == 1
        assert single.contains("J3490") and not single.contains("J3491")

    @pytest.mark.parametrize(
        "text", ["70551-E0100", "0042T-70551", "70553-70551", "", "705 51", "E0100-K0100"]
    )
    def test_incomparable_ranges_are_refused(self, text: str) -> None:
        with pytest.raises(InvalidCodeRangeError):
            CodeRange.parse(text)

    def test_width_counts_codes(self) -> None:
        assert CodeRange.parse("E0100-E0999").width == 900


class TestPrecedence:
    def test_no_rule_means_not_required(self) -> None:
        assert decide() == LineRequirement(
            line_number=1, required=False, rule_id=None, rule_kind=None
        )

    def test_plan_rule_beats_a_payer_wide_single_code(self) -> None:
        payer_exempt = rule("payer-single", "70552", kind=RuleKind.EXEMPT, place_of_service="22")
        plan_range = rule("plan-range", "70000-79999", plan_id="GOLD")
        answer = decide(payer_exempt, plan_range)
        assert (answer.rule_id, answer.required) == ("plan-range", True)

    def test_single_code_beats_a_range(self) -> None:
        answer = decide(rule("range", "70551-70553"), rule("single", "70552", kind=RuleKind.EXEMPT))
        assert (answer.rule_id, answer.required) == ("single", False)

    def test_narrower_range_beats_a_wider_one(self) -> None:
        answer = decide(
            rule("wide", "70000-79999", kind=RuleKind.EXEMPT), rule("narrow", "70551-70553")
        )
        assert (answer.rule_id, answer.required) == ("narrow", True)

    def test_place_of_service_rule_beats_any_place(self) -> None:
        answer = decide(
            rule("any", "70552"), rule("er", "70552", place_of_service="22", kind=RuleKind.EXEMPT)
        )
        assert (answer.rule_id, answer.required) == ("er", False)

    def test_exemption_wins_a_tie(self) -> None:
        answer = decide(
            rule("a-required", "70551-70553"), rule("b-exempt", "70551-70553", kind=RuleKind.EXEMPT)
        )
        assert (answer.rule_id, answer.rule_kind) == ("b-exempt", RuleKind.EXEMPT)

    def test_less_specific_exemption_does_not_override(self) -> None:
        answer = decide(
            rule("exempt-wide", "70000-79999", kind=RuleKind.EXEMPT),
            rule("required-single", "70552"),
        )
        assert answer.required is True

    def test_newer_rule_wins_among_equals_then_rule_id(self) -> None:
        older = rule("a-old", "70552", effective_from=date(2024, 1, 1))
        newer = rule("z-new", "70552", effective_from=date(2025, 2, 1))
        assert decide(older, newer).rule_id == "z-new"
        assert decide(rule("b", "70552"), rule("a", "70552")).rule_id == "a"


class TestApplicability:
    def test_other_payers_and_plans_are_ignored(self) -> None:
        assert decide(rule("other-payer", "70552", payer_id="P2")).rule_id is None
        assert decide(rule("other-plan", "70552", plan_id="SILVER")).rule_id is None
        assert decide(rule("plan", "70552", plan_id="GOLD"), plan=None).rule_id is None

    def test_place_of_service_must_match_when_given(self) -> None:
        assert decide(rule("office", "70552", place_of_service="11")).rule_id is None

    @pytest.mark.parametrize(
        ("effective_from", "effective_to", "applies"),
        [
            (date(2025, 5, 5), None, True),
            (date(2025, 5, 6), None, False),
            (JAN_1, date(2025, 5, 5), True),
            (JAN_1, date(2025, 5, 4), False),
        ],
    )
    def test_effective_dates_are_inclusive(
        self, effective_from: date, effective_to: date | None, applies: bool
    ) -> None:
        found = decide(rule("r", "70552", effective_from=effective_from, effective_to=effective_to))
        assert (found.rule_id == "r") is applies

    def test_rule_ending_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ValueError, match="ends before"):
            rule("r", "70552", effective_to=date(2024, 12, 31))

    def test_lines_are_answered_in_order(self) -> None:
        lines = [
            ServiceLine(line_number=3, code="E0601", service_date=date(2025, 5, 5)),
            ServiceLine(line_number=1, code="99213", service_date=date(2025, 5, 5)),
        ]
        answers = requirements_for(
            rules=[rule("dme", "E0100-E0999")], payer_id="P1", plan_id=None, lines=lines
        )
        assert [(a.line_number, a.required) for a in answers] == [(3, True), (1, False)]

"""Claim-line authorization checks: not required, authorized, pending, denied, missing."""

from __future__ import annotations

from datetime import date

import pytest

from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.status import AuthorizationStatus
from prior_auth.claim_checks.decide import (
    UNITS_EXHAUSTED,
    Candidate,
    CheckOutcome,
    ClaimLine,
    LineCheck,
    check_claim,
)
from prior_auth.requirements.matching import (
    CodeRange,
    LineRequirement,
    RequirementRule,
    RuleKind,
    requirements_for,
)

S = AuthorizationStatus
APRIL_1, APRIL_30 = date(2025, 4, 1), date(2025, 4, 30)
DOS = date(2025, 4, 15)


def required(line_number: int = 1) -> LineRequirement:
    """Return a 'required' answer from rule r-1."""
    return LineRequirement(
        line_number=line_number, required=True, rule_id="r-1", rule_kind=RuleKind.REQUIRED
    )


def claim_line(
    line_number: int = 1,
    units: int = 1,
    day: date = DOS,
    code: str = "97110",
    number: str | None = None,
) -> ClaimLine:
    """Return a claim line."""
    return ClaimLine(
        line_number=line_number,
        code=code,
        service_date=day,
        units=units,
        authorization_number=number,
    )


def candidate(
    auth_id: str,
    status: AuthorizationStatus,
    *,
    remaining: int = 0,
    approved: tuple[date, date] | None = None,
    patient: str = "pt-1",
    payer: str = "P1",
    code: str = "97110",
    line_number: int = 1,
    number: str | None = None,
) -> Candidate:
    """Return one authorization line for a requested April window of 12 units."""
    approval = None
    if approved is not None:
        approval = ApprovedLine(
            line_number=line_number, units=12, start_date=approved[0], end_date=approved[1]
        )
    return Candidate(
        authorization_id=auth_id,
        status=status,
        patient_ref=patient,
        payer_id=payer,
        requested=RequestedLine(
            line_number=line_number, code=code, units=12, start_date=APRIL_1, end_date=APRIL_30
        ),
        approved=approval,
        remaining_units=remaining,
        authorization_number=number,
    )


def check(
    lines: list[ClaimLine],
    candidates: list[Candidate],
    requirements: list[LineRequirement] | None = None,
) -> tuple[LineCheck, ...]:
    """Check the claim for patient pt-1 and payer P1."""
    answers = requirements or [required(line.line_number) for line in lines]
    return check_claim(
        patient_ref="pt-1",
        payer_id="P1",
        lines=lines,
        requirements=answers,
        candidates=candidates,
    )


APPROVED = candidate("a-1", S.APPROVED, remaining=4, approved=(APRIL_1, APRIL_30))


class TestOutcomes:
    def test_not_required_draws_nothing_even_with_an_approval(self) -> None:
        answer = LineRequirement(line_number=1, required=False, rule_id=None, rule_kind=None)
        [result] = check([claim_line()], [APPROVED], [answer])
        assert result == LineCheck(line_number=1, outcome=CheckOutcome.NOT_REQUIRED, rule_id=None)

    def test_authorized_names_the_authorization_line_and_units(self) -> None:
        [result] = check([claim_line(units=3)], [APPROVED])
        assert result == LineCheck(
            line_number=1,
            outcome=CheckOutcome.AUTHORIZED,
            rule_id="r-1",
            authorization_id="a-1",
            authorization_line_number=1,
            units=3,
        )

    @pytest.mark.parametrize("day", [date(2025, 3, 31), date(2025, 5, 1)])
    def test_date_of_service_outside_the_approval_is_missing(self, day: date) -> None:
        [result] = check([claim_line(day=day)], [APPROVED])
        assert (result.outcome, result.detail) == (CheckOutcome.MISSING, None)

    @pytest.mark.parametrize(
        "other",
        [
            candidate("a-2", S.APPROVED, remaining=4, approved=(APRIL_1, APRIL_30), patient="pt-2"),
            candidate("a-2", S.APPROVED, remaining=4, approved=(APRIL_1, APRIL_30), payer="P2"),
            candidate("a-2", S.APPROVED, remaining=4, approved=(APRIL_1, APRIL_30), code="97112"),
            candidate("a-2", S.CANCELLED, remaining=4, approved=(APRIL_1, APRIL_30)),
            candidate("a-2", S.EXPIRED, remaining=4, approved=(APRIL_1, APRIL_30)),
        ],
    )
    def test_other_patient_payer_code_or_closed_authorization_does_not_count(
        self, other: Candidate
    ) -> None:
        [result] = check([claim_line()], [other])
        assert result.outcome is CheckOutcome.MISSING

    @pytest.mark.parametrize("status", [S.SUBMITTED, S.PENDED, S.CONTACT_PAYER, S.IN_APPEAL])
    def test_request_awaiting_a_decision_is_pending(self, status: AuthorizationStatus) -> None:
        [result] = check([claim_line()], [candidate("a-3", status)])
        assert (result.outcome, result.authorization_id) == (CheckOutcome.PENDING, "a-3")

    def test_denial_is_denied(self) -> None:
        [result] = check([claim_line()], [candidate("a-4", S.DENIED)])
        assert (result.outcome, result.authorization_id) == (CheckOutcome.DENIED, "a-4")

    def test_line_left_out_of_a_partial_approval_is_denied(self) -> None:
        [result] = check([claim_line()], [candidate("a-5", S.PARTIALLY_APPROVED)])
        assert result.outcome is CheckOutcome.DENIED

    def test_pending_request_outranks_an_earlier_denial(self) -> None:
        [result] = check([claim_line()], [candidate("a-4", S.DENIED), candidate("a-6", S.PENDED)])
        assert (result.outcome, result.authorization_id) == (CheckOutcome.PENDING, "a-6")

    def test_approval_stays_in_force_during_its_appeal(self) -> None:
        in_appeal = candidate("a-7", S.IN_APPEAL, remaining=2, approved=(APRIL_1, APRIL_30))
        [result] = check([claim_line(units=2)], [in_appeal])
        assert result.outcome is CheckOutcome.AUTHORIZED

    def test_line_without_a_requirement_answer_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="no requirement answer"):
            check([claim_line(line_number=2)], [APPROVED], [required(1)])


class TestUnits:
    def test_later_lines_see_units_drawn_by_earlier_ones(self) -> None:
        first, second = check([claim_line(1, units=3), claim_line(2, units=2)], [APPROVED])
        assert (first.outcome, first.units) == (CheckOutcome.AUTHORIZED, 3)
        assert (second.outcome, second.detail) == (CheckOutcome.MISSING, UNITS_EXHAUSTED)

    def test_exactly_the_remaining_units_are_enough(self) -> None:
        first, second = check([claim_line(1, units=3), claim_line(2, units=1)], [APPROVED])
        assert second.outcome is CheckOutcome.AUTHORIZED and second.units == 1

    def test_a_line_moves_to_another_approval_when_one_runs_out(self) -> None:
        other = candidate("a-9", S.MODIFIED, remaining=5, approved=(APRIL_1, date(2025, 6, 30)))
        first, second = check([claim_line(1, units=4), claim_line(2, units=4)], [APPROVED, other])
        assert (first.authorization_id, second.authorization_id) == ("a-1", "a-9")


class TestPreference:
    def test_the_approval_ending_soonest_is_drawn_first(self) -> None:
        later = candidate("a-0", S.APPROVED, remaining=9, approved=(APRIL_1, date(2025, 5, 31)))
        [result] = check([claim_line()], [later, APPROVED])
        assert result.authorization_id == "a-1"

    def test_the_authorization_the_line_names_comes_first(self) -> None:
        named = candidate(
            "a-8", S.APPROVED, remaining=9, approved=(APRIL_1, date(2025, 5, 31)), number="AUTH-8"
        )
        [result] = check([claim_line(number="AUTH-8")], [APPROVED, named])
        assert result.authorization_id == "a-8"

    def test_fewest_sufficient_units_break_a_tie(self) -> None:
        roomy = candidate("a-0", S.APPROVED, remaining=10, approved=(APRIL_1, APRIL_30))
        [result] = check([claim_line()], [roomy, APPROVED])
        assert result.authorization_id == "a-1"


class TestWithMatching:
    def test_claim_lines_feed_requirement_matching_directly(self) -> None:
        therapy = RequirementRule(
            rule_id="pt-visits",
            payer_id="P1",
            codes=CodeRange.parse("97110-97140"),
            effective_from=APRIL_1,
        )
        lines = [claim_line(1, units=2), claim_line(2, code="99213")]
        answers = requirements_for(rules=[therapy], payer_id="P1", plan_id=None, lines=lines)
        first, second = check(lines, [APPROVED], list(answers))
        assert (first.outcome, first.rule_id, first.units) == (
            CheckOutcome.AUTHORIZED,
            "pt-visits",
            2,
        )
        assert (second.outcome, second.rule_id) == (CheckOutcome.NOT_REQUIRED, None)

"""Payer decision payloads: what each HCR01 code demands, and approvals within the request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.state import AuthorizationState
from prior_auth.authorizations.status import (
    ActionCode,
    AuthorizationStatus,
    AuthorizationValidationError,
)
from prior_auth.authorizations.transitions import Actor, ActorKind, Transition, apply

C = ActionCode
AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
PAYER = Actor(kind=ActorKind.PAYER, id="payer-1")
MARCH_1, MARCH_31 = date(2025, 3, 1), date(2025, 3, 31)

SUBMITTED = AuthorizationState(
    status=AuthorizationStatus.SUBMITTED,
    lines=(
        RequestedLine(line_number=1, code="97110", units=12, start_date=MARCH_1, end_date=MARCH_31),
        RequestedLine(line_number=2, code="97140", units=6, start_date=MARCH_1, end_date=MARCH_31),
    ),
)


def approved(line: int, units: int, start: date = MARCH_1, end: date = MARCH_31) -> ApprovedLine:
    """Return an approved line."""
    return ApprovedLine(line_number=line, units=units, start_date=start, end_date=end)


def decide(decision: PayerDecision) -> Transition:
    """Apply the decision to the submitted request."""
    return apply(state=SUBMITTED, command=decision, actor=PAYER, at=AT)


def refused_field(decision: PayerDecision) -> str:
    """Apply the decision expecting a validation error; return the field it names."""
    with pytest.raises(AuthorizationValidationError) as caught:
        decide(decision)
    return caught.value.field


class TestRequiredParticulars:
    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_denial_needs_a_specific_reason(self, reason: str | None) -> None:
        assert refused_field(PayerDecision(code=C.NOT_CERTIFIED, reason=reason)) == "reason"

    def test_partial_approval_needs_a_reason_for_what_was_not_approved(self) -> None:
        decision = PayerDecision(
            code=C.CERTIFIED_PARTIAL, authorization_number="N1", approved_lines=(approved(1, 12),)
        )
        assert refused_field(decision) == "reason"

    def test_pend_needs_the_information_asked_for(self) -> None:
        assert refused_field(PayerDecision(code=C.PENDED)) == "information_needed"

    def test_modification_needs_what_changed(self) -> None:
        decision = PayerDecision(
            code=C.MODIFIED, authorization_number="N1", approved_lines=(approved(1, 8),)
        )
        assert refused_field(decision) == "modification"

    @pytest.mark.parametrize("code", [C.CERTIFIED_IN_TOTAL, C.CERTIFIED_PARTIAL, C.MODIFIED])
    def test_approvals_need_an_authorization_number(self, code: ActionCode) -> None:
        decision = PayerDecision(
            code=code, approved_lines=(approved(1, 12),), reason="r", modification="m"
        )
        assert refused_field(decision) == "authorization_number"

    def test_cancellation_code_is_not_a_payer_decision(self) -> None:
        assert refused_field(PayerDecision(code=C.CANCELLED)) == "code"

    @pytest.mark.parametrize(
        "code", [C.NOT_CERTIFIED, C.PENDED, C.CONTACT_PAYER, C.NO_ACTION_REQUIRED]
    )
    def test_non_approvals_carry_no_approved_lines(self, code: ActionCode) -> None:
        decision = PayerDecision(
            code=code, approved_lines=(approved(1, 12),), reason="r", information_needed="i"
        )
        assert refused_field(decision) == "approved_lines"


class TestApprovedWithinRequested:
    @pytest.mark.parametrize(
        ("lines", "field"),
        [
            ((approved(1, 13),), "approved_lines[1].units"),
            ((approved(1, 0),), "approved_lines[1].units"),
            ((approved(1, 12, date(2025, 2, 28), MARCH_31),), "approved_lines[1].start_date"),
            ((approved(1, 12, MARCH_1, date(2025, 4, 1)),), "approved_lines[1].start_date"),
            ((approved(3, 1),), "approved_lines[3].line_number"),
            ((approved(1, 2), approved(1, 3)), "approved_lines"),
        ],
        ids=["too-many-units", "zero-units", "starts-early", "ends-late", "unknown", "twice"],
    )
    def test_lines_outside_the_request_are_refused(
        self, lines: tuple[ApprovedLine, ...], field: str
    ) -> None:
        decision = PayerDecision(
            code=C.MODIFIED, authorization_number="N1", modification="m", approved_lines=lines
        )
        assert refused_field(decision) == field

    def test_certified_in_total_must_approve_everything(self) -> None:
        decision = PayerDecision(
            code=C.CERTIFIED_IN_TOTAL,
            authorization_number="N1",
            approved_lines=(approved(1, 12), approved(2, 5)),
        )
        assert refused_field(decision) == "approved_lines"

    def test_partial_approval_must_leave_something_out(self) -> None:
        decision = PayerDecision(
            code=C.CERTIFIED_PARTIAL,
            authorization_number="N1",
            reason="r",
            approved_lines=(approved(1, 12), approved(2, 6)),
        )
        assert refused_field(decision) == "approved_lines"


class TestDecidedState:
    def test_certified_in_total_without_lines_approves_as_requested(self) -> None:
        result = decide(PayerDecision(code=C.CERTIFIED_IN_TOTAL, authorization_number=" N1 "))
        assert result.state.status is AuthorizationStatus.APPROVED
        assert result.state.authorization_number == "N1"
        assert result.state.approved_lines == (approved(1, 12), approved(2, 6))
        assert result.record.action_code is C.CERTIFIED_IN_TOTAL
        assert result.record.details["approved_lines"] == (
            "1:12@2025-03-01..2025-03-31;2:6@2025-03-01..2025-03-31"
        )

    def test_partial_approval_keeps_its_lines_and_reason(self) -> None:
        lines = (approved(1, 8, date(2025, 3, 3), date(2025, 3, 28)),)
        result = decide(
            PayerDecision(
                code=C.CERTIFIED_PARTIAL,
                authorization_number="N1",
                approved_lines=lines,
                reason="97140 not supported by documentation",
            )
        )
        assert result.state.status is AuthorizationStatus.PARTIALLY_APPROVED
        assert result.state.approved_lines == lines
        assert result.record.reason == "97140 not supported by documentation"

    def test_modification_records_what_changed(self) -> None:
        result = decide(
            PayerDecision(
                code=C.MODIFIED,
                authorization_number="N1",
                approved_lines=(approved(2, 6),),
                modification="97110 visits moved to 97140",
            )
        )
        assert result.state.modification == "97110 visits moved to 97140"
        assert result.record.details["modification"] == "97110 visits moved to 97140"

    def test_denial_records_the_reason(self) -> None:
        result = decide(PayerDecision(code=C.NOT_CERTIFIED, reason="benefit exhausted"))
        assert result.state.status is AuthorizationStatus.DENIED
        assert result.state.reason == "benefit exhausted"
        assert result.state.approved_lines == ()
        assert result.record.reason == "benefit exhausted"

    def test_pend_records_the_information_needed(self) -> None:
        result = decide(PayerDecision(code=C.PENDED, information_needed="plan of care"))
        assert result.state.information_needed == "plan of care"
        assert result.record.details == {"information_needed": "plan of care"}

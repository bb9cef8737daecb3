"""Receiving requests, requester actions, appeals and the audit records they leave."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.status import (
    Action,
    ActionCode,
    AuthorizationStatus,
    AuthorizationValidationError,
)
from prior_auth.authorizations.transitions import (
    Actor,
    ActorKind,
    AddDocuments,
    Appeal,
    Cancel,
    Command,
    Transition,
    UpdateRequest,
    apply,
    receive,
)

S = AuthorizationStatus
START = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
REQUESTER = Actor(kind=ActorKind.REQUESTER, id="clearinghouse-7")
PAYER = Actor(kind=ActorKind.PAYER, id="payer-3")
KNEE_MRI = RequestedLine(
    line_number=1, code="73721", units=1, start_date=date(2025, 6, 9), end_date=date(2025, 7, 9)
)


def step(previous: Transition, command: Command, actor: Actor, hours: int) -> Transition:
    """Apply the command some hours after the start."""
    return apply(
        state=previous.state, command=command, actor=actor, at=START + timedelta(hours=hours)
    )


def received() -> Transition:
    """Return a freshly received one-line request."""
    return receive(lines=(KNEE_MRI,), actor=REQUESTER, at=START)


class TestReceive:
    def test_receipt_starts_submitted_with_a_record_from_nowhere(self) -> None:
        result = received()
        assert result.state.status is S.SUBMITTED
        assert result.record.from_status is None
        assert result.record.action is Action.RECEIVE
        assert result.record.action_code is None

    def test_no_lines_is_refused(self) -> None:
        with pytest.raises(AuthorizationValidationError, match="lines"):
            receive(lines=(), actor=REQUESTER, at=START)

    @pytest.mark.parametrize(
        ("line", "field"),
        [
            (RequestedLine(1, "73721", 0, date(2025, 6, 9), date(2025, 6, 9)), "lines[1].units"),
            (RequestedLine(1, "73721", 1, date(2025, 6, 9), date(2025, 6, 8)), "lines[1].end_date"),
            (RequestedLine(1, "73-21", 1, date(2025, 6, 9), date(2025, 6, 9)), "lines[1].code"),
        ],
    )
    def test_bad_lines_name_the_field(self, line: RequestedLine, field: str) -> None:
        with pytest.raises(AuthorizationValidationError) as caught:
            receive(lines=(line,), actor=REQUESTER, at=START)
        assert caught.value.field == field

    def test_duplicate_line_numbers_are_refused(self) -> None:
        with pytest.raises(AuthorizationValidationError, match="more than once"):
            receive(lines=(KNEE_MRI, KNEE_MRI), actor=REQUESTER, at=START)

    def test_naive_time_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            receive(lines=(KNEE_MRI,), actor=REQUESTER, at=datetime(2025, 6, 2, 14, 0))


class TestRequesterActions:
    def test_documents_answer_a_pend_and_clear_the_question(self) -> None:
        pended = step(
            received(),
            PayerDecision(code=ActionCode.PENDED, information_needed="x-rays"),
            PAYER,
            1,
        )
        answered = step(pended, AddDocuments(document_ids=("doc-9", "doc-10")), REQUESTER, 5)
        assert answered.state.status is S.SUBMITTED
        assert answered.state.information_needed is None
        assert answered.record.from_status is S.PENDED
        assert answered.record.details == {"document_ids": "doc-9,doc-10"}

    @pytest.mark.parametrize("ids", [(), ("",), ("doc-1", "  ")])
    def test_documents_need_ids(self, ids: tuple[str, ...]) -> None:
        with pytest.raises(AuthorizationValidationError, match="document_ids"):
            step(received(), AddDocuments(document_ids=ids), REQUESTER, 1)

    def test_update_replaces_the_lines(self) -> None:
        wider = RequestedLine(
            line_number=1,
            code="73721",
            units=2,
            start_date=date(2025, 6, 9),
            end_date=date(2025, 8, 9),
        )
        updated = step(received(), UpdateRequest(lines=(wider,)), REQUESTER, 1)
        assert updated.state.lines == (wider,)
        assert updated.record.action is Action.UPDATE

    def test_update_with_bad_lines_is_refused(self) -> None:
        with pytest.raises(AuthorizationValidationError):
            step(received(), UpdateRequest(lines=()), REQUESTER, 1)

    def test_cancel_records_code_c_and_the_reason(self) -> None:
        cancelled = step(received(), Cancel(reason="  patient moved  "), REQUESTER, 2)
        assert cancelled.state.status is S.CANCELLED
        assert cancelled.record.action_code is ActionCode.CANCELLED
        assert cancelled.record.reason == "patient moved"


class TestAppeal:
    def test_denial_overturned_on_appeal_is_marked_appealed(self) -> None:
        denied = step(
            received(),
            PayerDecision(code=ActionCode.NOT_CERTIFIED, reason="no conservative care"),
            PAYER,
            10,
        )
        appealed = step(denied, Appeal(reason="six weeks of physical therapy done"), REQUESTER, 30)
        overturned = step(
            appealed,
            PayerDecision(code=ActionCode.CERTIFIED_IN_TOTAL, authorization_number="A-77"),
            PAYER,
            50,
        )
        assert appealed.state.status is S.IN_APPEAL
        assert appealed.record.reason == "six weeks of physical therapy done"
        assert overturned.state.status is S.APPROVED
        assert overturned.state.appealed is True
        assert overturned.state.reason is None

    def test_appeal_decision_replaces_a_partial_approval(self) -> None:
        two_units = RequestedLine(
            line_number=1,
            code="73721",
            units=2,
            start_date=date(2025, 6, 9),
            end_date=date(2025, 7, 9),
        )
        partial = apply(
            state=receive(lines=(two_units,), actor=REQUESTER, at=START).state,
            command=PayerDecision(
                code=ActionCode.CERTIFIED_PARTIAL,
                authorization_number="A-1",
                reason="one scan",
                approved_lines=(ApprovedLine(1, 1, date(2025, 6, 9), date(2025, 7, 9)),),
            ),
            actor=PAYER,
            at=START + timedelta(hours=3),
        )
        appealed = step(partial, Appeal(), REQUESTER, 4)
        assert appealed.state.approved_lines == partial.state.approved_lines
        upheld = step(
            appealed, PayerDecision(code=ActionCode.NOT_CERTIFIED, reason="upheld"), PAYER, 9
        )
        assert upheld.state.status is S.DENIED
        assert upheld.state.approved_lines == ()

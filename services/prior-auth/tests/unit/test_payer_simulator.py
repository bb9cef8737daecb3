"""The demo payer's planned decisions, and that the state machine accepts every one of them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import RequestedLine
from prior_auth.authorizations.state import AuthorizationState
from prior_auth.authorizations.status import Action, ActionCode, AuthorizationStatus
from prior_auth.authorizations.transitions import (
    Actor,
    ActorKind,
    AddDocuments,
    TransitionRecord,
    apply,
)
from prior_auth.simulator.rules import (
    PlannedDecision,
    RequestSummary,
    SimulatorConfig,
    authorization_number,
    decide,
    responded_to_pend,
)

S = AuthorizationStatus
C = ActionCode
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
CONFIG = SimulatorConfig(
    gold_card_codes=frozenset({"97110", "e0601"}),
    denied_codes={"70553": "Not medically necessary without prior imaging"},
    approve_after=timedelta(minutes=2),
    pend_after=timedelta(minutes=5),
    deny_after=timedelta(minutes=7),
)


def line(number: int, code: str) -> RequestedLine:
    """Return a requested line of 2 units in September."""
    return RequestedLine(
        line_number=number,
        code=code,
        units=2,
        start_date=date(2025, 9, 2),
        end_date=date(2025, 9, 30),
    )


def plan(
    *codes: str,
    status: AuthorizationStatus = S.SUBMITTED,
    responded: bool = False,
    config: SimulatorConfig = CONFIG,
) -> PlannedDecision | None:
    """Plan the decision for a request with one line per code."""
    request = RequestSummary(
        authorization_id="auth-42",
        status=status,
        lines=tuple(line(index, code) for index, code in enumerate(codes, start=1)),
        responded=responded,
    )
    return decide(request=request, config=config, now=NOW)


def planned(
    *codes: str,
    status: AuthorizationStatus = S.SUBMITTED,
    responded: bool = False,
    config: SimulatorConfig = CONFIG,
) -> PlannedDecision:
    """Plan a decision that must exist."""
    result = plan(*codes, status=status, responded=responded, config=config)
    assert result is not None
    return result


def accepted(
    decision: PayerDecision, codes: tuple[str, ...], status: AuthorizationStatus = S.SUBMITTED
) -> AuthorizationStatus:
    """Apply the decision to a matching request; return the resulting status."""
    state = AuthorizationState(
        status=status,
        lines=tuple(line(index, code) for index, code in enumerate(codes, start=1)),
    )
    payer = Actor(kind=ActorKind.PAYER, id="simulator")
    return apply(state=state, command=decision, actor=payer, at=NOW).state.status


class TestInitialDecisions:
    def test_gold_carded_codes_are_approved_after_the_delay(self) -> None:
        result = planned("97110", "E0601")
        assert result.at == NOW + timedelta(minutes=2)
        assert result.decision.code is C.CERTIFIED_IN_TOTAL
        assert result.decision.authorization_number == authorization_number(
            authorization_id="auth-42", config=CONFIG
        )
        assert [a.line_number for a in result.decision.approved_lines] == [1, 2]
        assert accepted(result.decision, ("97110", "E0601")) is S.APPROVED

    def test_other_codes_are_pended_for_information(self) -> None:
        result = planned("97110", "27447")
        assert result.at == NOW + timedelta(minutes=5)
        assert result.decision.code is C.PENDED
        assert result.decision.information_needed == CONFIG.information_needed
        assert accepted(result.decision, ("97110", "27447")) is S.PENDED

    def test_after_the_requester_responds_they_are_approved(self) -> None:
        result = planned("97110", "27447", responded=True)
        assert result.decision.code is C.CERTIFIED_IN_TOTAL

    def test_listed_code_alone_is_denied_with_its_reason(self) -> None:
        result = planned("70553")
        assert result.at == NOW + timedelta(minutes=7)
        assert result.decision.code is C.NOT_CERTIFIED
        assert result.decision.reason == "70553: Not medically necessary without prior imaging"
        assert accepted(result.decision, ("70553",)) is S.DENIED

    def test_listed_code_beside_gold_codes_is_a_partial_approval(self) -> None:
        result = planned("97110", "70553")
        assert result.decision.code is C.CERTIFIED_PARTIAL
        assert [a.line_number for a in result.decision.approved_lines] == [1]
        assert result.decision.reason is not None and "70553" in result.decision.reason
        assert accepted(result.decision, ("97110", "70553")) is S.PARTIALLY_APPROVED

    def test_listed_code_beside_unknown_codes_waits_for_information(self) -> None:
        assert planned("70553", "27447").decision.code is C.PENDED

    def test_denied_list_wins_over_the_gold_card(self) -> None:
        config = SimulatorConfig(gold_card_codes=frozenset({"70553"}), denied_codes={"70553": "no"})
        assert planned("70553", config=config).decision.code is C.NOT_CERTIFIED


class TestWhenToDecide:
    @pytest.mark.parametrize(
        "status",
        [
            S.PENDED,
            S.APPROVED,
            S.PARTIALLY_APPROVED,
            S.MODIFIED,
            S.DENIED,
            S.NOT_REQUIRED,
            S.CANCELLED,
            S.EXPIRED,
        ],
    )
    def test_nothing_to_decide(self, status: AuthorizationStatus) -> None:
        assert plan("97110", status=status) is None

    def test_contact_payer_requests_are_decided(self) -> None:
        assert planned("97110", status=S.CONTACT_PAYER).decision.code is C.CERTIFIED_IN_TOTAL

    def test_appeals_are_approved_in_full_when_configured(self) -> None:
        result = planned("70553", status=S.IN_APPEAL)
        assert result.decision.code is C.CERTIFIED_IN_TOTAL
        assert accepted(result.decision, ("70553",), S.IN_APPEAL) is S.APPROVED

    def test_appeals_are_upheld_otherwise(self) -> None:
        config = SimulatorConfig(approve_on_appeal=False, deny_after=timedelta(hours=1))
        result = planned("70553", status=S.IN_APPEAL, config=config)
        assert result.decision.code is C.NOT_CERTIFIED
        assert result.at == NOW + timedelta(hours=1)
        assert accepted(result.decision, ("70553",), S.IN_APPEAL) is S.DENIED


class TestRespondedToPend:
    def test_documents_after_a_pend_count_as_a_response(self) -> None:
        actor = Actor(kind=ActorKind.REQUESTER, id="r")
        pended = AuthorizationState(status=S.PENDED, lines=(line(1, "27447"),))
        answer = apply(
            state=pended, command=AddDocuments(document_ids=("d",)), actor=actor, at=NOW
        ).record
        receipt = TransitionRecord(
            from_status=None,
            to_status=S.SUBMITTED,
            action=Action.RECEIVE,
            action_code=None,
            actor=actor,
            at=NOW,
        )
        assert not responded_to_pend([receipt])
        assert responded_to_pend([receipt, answer])

    def test_numbers_are_stable_and_distinct(self) -> None:
        first = authorization_number(authorization_id="auth-1", config=CONFIG)
        assert first == authorization_number(authorization_id="auth-1", config=CONFIG)
        assert first != authorization_number(authorization_id="auth-2", config=CONFIG)
        assert first.startswith("SIM-")

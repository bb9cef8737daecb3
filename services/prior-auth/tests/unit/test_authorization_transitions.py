"""Every (status, trigger) pair of the authorization state machine, allowed and refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.state import AuthorizationState
from prior_auth.authorizations.status import (
    Action,
    ActionCode,
    AuthorizationStatus,
    AuthorizationValidationError,
    InvalidTransitionError,
    Trigger,
    allowed_triggers,
)
from prior_auth.authorizations.transitions import (
    Actor,
    ActorKind,
    AddDocuments,
    Appeal,
    Cancel,
    Command,
    Expire,
    Extend,
    UpdateRequest,
    apply,
)

S = AuthorizationStatus
A = Action
C = ActionCode

AT = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
PAYER = Actor(kind=ActorKind.PAYER, id="payer-1")
REQUESTER = Actor(kind=ActorKind.REQUESTER, id="clearinghouse-1")
SYSTEM = Actor(kind=ActorKind.SYSTEM, id="scheduler")

LINES = (
    RequestedLine(
        line_number=1,
        code="70551",
        units=2,
        start_date=date(2025, 3, 1),
        end_date=date(2025, 3, 31),
    ),
    RequestedLine(
        line_number=2,
        code="70553",
        units=1,
        start_date=date(2025, 3, 1),
        end_date=date(2025, 3, 31),
    ),
)
APPROVED = (
    ApprovedLine(line_number=1, units=2, start_date=date(2025, 3, 1), end_date=date(2025, 3, 31)),
)

# Written out by hand from the design, not derived from the code's table.
EXPECTED: dict[tuple[AuthorizationStatus, Trigger], AuthorizationStatus] = {}
_ALL_DECISIONS = {
    C.CERTIFIED_IN_TOTAL: S.APPROVED,
    C.CERTIFIED_PARTIAL: S.PARTIALLY_APPROVED,
    C.NOT_CERTIFIED: S.DENIED,
    C.PENDED: S.PENDED,
    C.MODIFIED: S.MODIFIED,
    C.CONTACT_PAYER: S.CONTACT_PAYER,
    C.NO_ACTION_REQUIRED: S.NOT_REQUIRED,
}
for _status, _documents_lead_to in (
    (S.SUBMITTED, S.SUBMITTED),
    (S.PENDED, S.SUBMITTED),
    (S.CONTACT_PAYER, S.CONTACT_PAYER),
):
    EXPECTED[(_status, A.ADD_DOCUMENTS)] = _documents_lead_to
    EXPECTED[(_status, A.UPDATE)] = _documents_lead_to
    EXPECTED[(_status, A.CANCEL)] = S.CANCELLED
    EXPECTED[(_status, A.EXTEND)] = _status
    for _code, _target in _ALL_DECISIONS.items():
        EXPECTED[(_status, _code)] = _target
EXPECTED.update(
    {
        (S.IN_APPEAL, A.ADD_DOCUMENTS): S.IN_APPEAL,
        (S.IN_APPEAL, A.EXTEND): S.IN_APPEAL,
        (S.IN_APPEAL, A.CANCEL): S.CANCELLED,
        (S.IN_APPEAL, C.CERTIFIED_IN_TOTAL): S.APPROVED,
        (S.IN_APPEAL, C.CERTIFIED_PARTIAL): S.PARTIALLY_APPROVED,
        (S.IN_APPEAL, C.NOT_CERTIFIED): S.DENIED,
        (S.IN_APPEAL, C.MODIFIED): S.MODIFIED,
        (S.APPROVED, A.CANCEL): S.CANCELLED,
        (S.APPROVED, A.EXPIRE): S.EXPIRED,
        (S.PARTIALLY_APPROVED, A.CANCEL): S.CANCELLED,
        (S.PARTIALLY_APPROVED, A.EXPIRE): S.EXPIRED,
        (S.PARTIALLY_APPROVED, A.APPEAL): S.IN_APPEAL,
        (S.MODIFIED, A.CANCEL): S.CANCELLED,
        (S.MODIFIED, A.EXPIRE): S.EXPIRED,
        (S.MODIFIED, A.APPEAL): S.IN_APPEAL,
        (S.DENIED, A.APPEAL): S.IN_APPEAL,
    }
)

TRIGGERS: tuple[Trigger, ...] = (
    A.ADD_DOCUMENTS,
    A.UPDATE,
    A.CANCEL,
    A.APPEAL,
    A.EXPIRE,
    A.EXTEND,
    *_ALL_DECISIONS,
)
PAIRS = [(status, trigger) for status in S for trigger in TRIGGERS]


def state_in(status: AuthorizationStatus) -> AuthorizationState:
    """Return an authorization in the status, with an approval where the status has one."""
    approved = status in {S.APPROVED, S.PARTIALLY_APPROVED, S.MODIFIED, S.EXPIRED}
    return AuthorizationState(
        status=status,
        lines=LINES,
        approved_lines=APPROVED if approved else (),
        authorization_number="AUTH-1" if approved else None,
        information_needed="operative report" if status is S.PENDED else None,
    )


def command_for(trigger: Trigger) -> Command:
    """Return a well-formed command for the trigger."""
    commands: dict[Trigger, Command] = {
        A.ADD_DOCUMENTS: AddDocuments(document_ids=("doc-1",)),
        A.UPDATE: UpdateRequest(lines=LINES[:1]),
        A.CANCEL: Cancel(reason="service no longer planned"),
        A.APPEAL: Appeal(reason="records attached"),
        A.EXPIRE: Expire(today=date(2025, 4, 1)),
        A.EXTEND: Extend(by=timedelta(days=14), reason="records requested from a specialist"),
        C.CERTIFIED_IN_TOTAL: PayerDecision(code=C.CERTIFIED_IN_TOTAL, authorization_number="N1"),
        C.CERTIFIED_PARTIAL: PayerDecision(
            code=C.CERTIFIED_PARTIAL,
            authorization_number="N1",
            approved_lines=APPROVED,
            reason="70553 not medically necessary",
        ),
        C.NOT_CERTIFIED: PayerDecision(code=C.NOT_CERTIFIED, reason="not medically necessary"),
        C.PENDED: PayerDecision(code=C.PENDED, information_needed="imaging history"),
        C.MODIFIED: PayerDecision(
            code=C.MODIFIED,
            authorization_number="N1",
            approved_lines=APPROVED,
            modification="70553 replaced by 70551",
        ),
        C.CONTACT_PAYER: PayerDecision(code=C.CONTACT_PAYER),
        C.NO_ACTION_REQUIRED: PayerDecision(code=C.NO_ACTION_REQUIRED),
    }
    return commands[trigger]


def actor_for(trigger: Trigger) -> Actor:
    """Return who performs the trigger."""
    if isinstance(trigger, ActionCode):
        return PAYER
    if trigger is A.EXTEND:
        return PAYER
    return SYSTEM if trigger is A.EXPIRE else REQUESTER


class TestTransitionTable:
    @pytest.mark.parametrize(("status", "trigger"), [p for p in PAIRS if p in EXPECTED])
    def test_allowed_transition_reaches_expected_status(
        self, status: AuthorizationStatus, trigger: Trigger
    ) -> None:
        result = apply(
            state=state_in(status), command=command_for(trigger), actor=actor_for(trigger), at=AT
        )
        assert result.state.status is EXPECTED[(status, trigger)]
        assert result.record.from_status is status
        assert result.record.to_status is EXPECTED[(status, trigger)]
        assert result.record.at == AT
        assert result.record.actor == actor_for(trigger)

    @pytest.mark.parametrize(("status", "trigger"), [p for p in PAIRS if p not in EXPECTED])
    def test_refused_transition_names_current_status(
        self, status: AuthorizationStatus, trigger: Trigger
    ) -> None:
        with pytest.raises(InvalidTransitionError) as caught:
            apply(
                state=state_in(status),
                command=command_for(trigger),
                actor=actor_for(trigger),
                at=AT,
            )
        assert caught.value.current is status
        assert caught.value.trigger == trigger
        assert status.value in str(caught.value)

    def test_allowed_triggers_match_the_expected_table(self) -> None:
        for status in S:
            expected = {trigger for (s, trigger) in EXPECTED if s is status}
            assert allowed_triggers(status) == expected

    def test_terminal_statuses_accept_nothing(self) -> None:
        for status in (S.CANCELLED, S.EXPIRED, S.NOT_REQUIRED):
            assert allowed_triggers(status) == frozenset()


class TestRefusalsNameTheState:
    @pytest.mark.parametrize("status", [S.CANCELLED, S.EXPIRED])
    def test_decision_on_closed_authorization_is_refused(self, status: AuthorizationStatus) -> None:
        with pytest.raises(InvalidTransitionError, match=f"that is {status.value}"):
            apply(
                state=state_in(status),
                command=PayerDecision(code=C.CERTIFIED_IN_TOTAL, authorization_number="N1"),
                actor=PAYER,
                at=AT,
            )

    def test_state_is_checked_before_payload(self) -> None:
        denial_without_reason = PayerDecision(code=C.NOT_CERTIFIED)
        with pytest.raises(InvalidTransitionError):
            apply(state=state_in(S.CANCELLED), command=denial_without_reason, actor=PAYER, at=AT)

    def test_expiry_refused_while_approved_dates_remain(self) -> None:
        with pytest.raises(InvalidTransitionError, match="approved through 2025-03-31"):
            apply(
                state=state_in(S.APPROVED),
                command=Expire(today=date(2025, 3, 31)),
                actor=SYSTEM,
                at=AT,
            )

    def test_update_after_a_decision_is_refused(self) -> None:
        with pytest.raises(InvalidTransitionError, match="that is approved"):
            apply(
                state=state_in(S.APPROVED),
                command=UpdateRequest(lines=LINES),
                actor=REQUESTER,
                at=AT,
            )


class TestExtension:
    def extend(self, **fields: object) -> Extend:
        values: dict[str, object] = {"by": timedelta(days=14), "reason": "specialist records"}
        values.update(fields)
        return Extend(**values)  # type: ignore[arg-type]

    def test_extension_keeps_the_status_and_records_its_length(self) -> None:
        result = apply(state=state_in(S.PENDED), command=self.extend(), actor=PAYER, at=AT)
        assert result.state.status is S.PENDED
        assert result.record.action is A.EXTEND
        assert result.record.reason == "specialist records"
        assert result.record.details == {"extension_seconds": str(14 * 86400)}

    def test_a_second_extension_is_refused_for_the_state(self) -> None:
        with pytest.raises(InvalidTransitionError, match="already extended 1 time"):
            apply(state=state_in(S.SUBMITTED), command=self.extend(granted=1), actor=PAYER, at=AT)

    def test_the_payer_may_allow_more_than_one(self) -> None:
        command = self.extend(granted=1, max_count=2)
        assert apply(state=state_in(S.SUBMITTED), command=command, actor=PAYER, at=AT)

    @pytest.mark.parametrize("days", [0, 15])
    def test_length_is_bounded(self, days: int) -> None:
        with pytest.raises(AuthorizationValidationError) as caught:
            apply(
                state=state_in(S.SUBMITTED),
                command=self.extend(by=timedelta(days=days)),
                actor=PAYER,
                at=AT,
            )
        assert caught.value.field == "days"

    def test_a_reason_is_required(self) -> None:
        with pytest.raises(AuthorizationValidationError) as caught:
            apply(state=state_in(S.SUBMITTED), command=self.extend(reason="  "), actor=PAYER, at=AT)
        assert caught.value.field == "reason"

    @pytest.mark.parametrize("status", [S.APPROVED, S.DENIED, S.CANCELLED])
    def test_no_extension_once_decided(self, status: AuthorizationStatus) -> None:
        with pytest.raises(InvalidTransitionError):
            apply(state=state_in(status), command=self.extend(), actor=PAYER, at=AT)

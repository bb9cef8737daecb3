"""The authorization lifecycle: statuses, X12 HCR01 action codes and the transition table.

Payer decisions use the X12 278 HCR01 action codes as their vocabulary; requester and system
actions (add documents, update, cancel, appeal, expire) have names of their own. A trigger is
either. ``TRANSITIONS`` lists every allowed (status, trigger) pair and the status it leads to;
any other pair is an ``InvalidTransitionError`` (the API's 409). Payload problems found after
the transition is known to be allowed are an ``AuthorizationValidationError`` (the API's 422).

Choices the table encodes:
- A requester may add documents or update the request only while no decision is in force
  (submitted, pended, contact payer); documents may also support an appeal. Adding documents
  to or updating a pended request is the requester's response: it returns to ``submitted``.
  After a decision the way forward is an appeal, or a cancellation and a new request.
- The payer may decide with any decision code until a decision is in force. During an appeal it
  may only answer A1, A2, A3 or A6; that answer replaces the earlier decision (to uphold a
  partial approval the payer answers A2 again).
- Cancellation (C) is the requester's, and is allowed until the authorization is terminal or
  denied; an approval may be cancelled when the service is no longer planned.
- Only an authorization with approved lines expires.
- The payer may extend the decision timeframe (``extend``) while a decision is awaited, an
  appeal's included; the status does not change, only the due time.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class AuthorizationStatus(StrEnum):
    """Where an authorization request stands."""

    SUBMITTED = "submitted"
    PENDED = "pended"
    CONTACT_PAYER = "contact_payer"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    MODIFIED = "modified"
    DENIED = "denied"
    NOT_REQUIRED = "not_required"
    IN_APPEAL = "in_appeal"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class ActionCode(StrEnum):
    """X12 278 HCR01 health care services review action codes."""

    CERTIFIED_IN_TOTAL = "A1"
    CERTIFIED_PARTIAL = "A2"
    NOT_CERTIFIED = "A3"
    PENDED = "A4"
    MODIFIED = "A6"
    CANCELLED = "C"
    CONTACT_PAYER = "CT"
    NO_ACTION_REQUIRED = "NA"


class Action(StrEnum):
    """What happened to an authorization, as the audit trail names it."""

    RECEIVE = "receive"
    ADD_DOCUMENTS = "add_documents"
    UPDATE = "update"
    CANCEL = "cancel"
    DECIDE = "decide"
    APPEAL = "appeal"
    EXPIRE = "expire"
    EXTEND = "extend"


Trigger = Action | ActionCode

_S = AuthorizationStatus
_A = Action
_C = ActionCode

DECISION_CODES: frozenset[ActionCode] = frozenset(
    {
        _C.CERTIFIED_IN_TOTAL,
        _C.CERTIFIED_PARTIAL,
        _C.NOT_CERTIFIED,
        _C.PENDED,
        _C.MODIFIED,
        _C.CONTACT_PAYER,
        _C.NO_ACTION_REQUIRED,
    }
)
APPROVAL_CODES: frozenset[ActionCode] = frozenset(
    {_C.CERTIFIED_IN_TOTAL, _C.CERTIFIED_PARTIAL, _C.MODIFIED}
)
AWAITING_DECISION: frozenset[AuthorizationStatus] = frozenset(
    {_S.SUBMITTED, _S.PENDED, _S.CONTACT_PAYER, _S.IN_APPEAL}
)
APPROVED_STATUSES: frozenset[AuthorizationStatus] = frozenset(
    {_S.APPROVED, _S.PARTIALLY_APPROVED, _S.MODIFIED}
)
TERMINAL_STATUSES: frozenset[AuthorizationStatus] = frozenset(
    {_S.CANCELLED, _S.EXPIRED, _S.NOT_REQUIRED}
)

_DECISIONS: Mapping[Trigger, AuthorizationStatus] = {
    _C.CERTIFIED_IN_TOTAL: _S.APPROVED,
    _C.CERTIFIED_PARTIAL: _S.PARTIALLY_APPROVED,
    _C.NOT_CERTIFIED: _S.DENIED,
    _C.PENDED: _S.PENDED,
    _C.MODIFIED: _S.MODIFIED,
    _C.CONTACT_PAYER: _S.CONTACT_PAYER,
    _C.NO_ACTION_REQUIRED: _S.NOT_REQUIRED,
}
_APPEAL_DECISIONS: Mapping[Trigger, AuthorizationStatus] = {
    _C.CERTIFIED_IN_TOTAL: _S.APPROVED,
    _C.CERTIFIED_PARTIAL: _S.PARTIALLY_APPROVED,
    _C.NOT_CERTIFIED: _S.DENIED,
    _C.MODIFIED: _S.MODIFIED,
}

TRANSITIONS: Mapping[AuthorizationStatus, Mapping[Trigger, AuthorizationStatus]] = {
    _S.SUBMITTED: {
        _A.EXTEND: _S.SUBMITTED,
        _A.ADD_DOCUMENTS: _S.SUBMITTED,
        _A.UPDATE: _S.SUBMITTED,
        _A.CANCEL: _S.CANCELLED,
        **_DECISIONS,
    },
    _S.PENDED: {
        _A.EXTEND: _S.PENDED,
        _A.ADD_DOCUMENTS: _S.SUBMITTED,
        _A.UPDATE: _S.SUBMITTED,
        _A.CANCEL: _S.CANCELLED,
        **_DECISIONS,
    },
    _S.CONTACT_PAYER: {
        _A.EXTEND: _S.CONTACT_PAYER,
        _A.ADD_DOCUMENTS: _S.CONTACT_PAYER,
        _A.UPDATE: _S.CONTACT_PAYER,
        _A.CANCEL: _S.CANCELLED,
        **_DECISIONS,
    },
    _S.IN_APPEAL: {
        _A.EXTEND: _S.IN_APPEAL,
        _A.ADD_DOCUMENTS: _S.IN_APPEAL,
        _A.CANCEL: _S.CANCELLED,
        **_APPEAL_DECISIONS,
    },
    _S.APPROVED: {_A.CANCEL: _S.CANCELLED, _A.EXPIRE: _S.EXPIRED},
    _S.PARTIALLY_APPROVED: {
        _A.CANCEL: _S.CANCELLED,
        _A.EXPIRE: _S.EXPIRED,
        _A.APPEAL: _S.IN_APPEAL,
    },
    _S.MODIFIED: {_A.CANCEL: _S.CANCELLED, _A.EXPIRE: _S.EXPIRED, _A.APPEAL: _S.IN_APPEAL},
    _S.DENIED: {_A.APPEAL: _S.IN_APPEAL},
    _S.NOT_REQUIRED: {},
    _S.CANCELLED: {},
    _S.EXPIRED: {},
}


class InvalidTransitionError(Exception):
    """The trigger is not allowed in the authorization's current status (the API's 409)."""

    def __init__(
        self, *, current: AuthorizationStatus, trigger: Trigger, detail: str | None = None
    ) -> None:
        self.current = current
        self.trigger = trigger
        self.detail = detail
        message = f"cannot apply {trigger.value!r} to an authorization that is {current.value}"
        super().__init__(f"{message}: {detail}" if detail else message)


class AuthorizationValidationError(Exception):
    """A request or decision payload breaks a rule; names the field (the API's 422)."""

    def __init__(self, *, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def allowed_triggers(status: AuthorizationStatus) -> frozenset[Trigger]:
    """Return every trigger the status accepts."""
    return frozenset(TRANSITIONS[status])


def next_status(*, current: AuthorizationStatus, trigger: Trigger) -> AuthorizationStatus:
    """Return the status the trigger leads to, or raise InvalidTransitionError."""
    target = TRANSITIONS[current].get(trigger)
    if target is None:
        raise InvalidTransitionError(current=current, trigger=trigger)
    return target

"""Applying requester, payer and system actions to an authorization, one audit record each.

``apply`` checks the transition first (``InvalidTransitionError``, 409) and the payload second
(``AuthorizationValidationError``, 422), so a decision sent to a cancelled authorization is
refused for the state even when its payload is also wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from prior_auth.authorizations.decisions import PayerDecision, decided_state, optional_text
from prior_auth.authorizations.lines import RequestedLine, validate_requested_lines
from prior_auth.authorizations.state import AuthorizationState
from prior_auth.authorizations.status import (
    Action,
    ActionCode,
    AuthorizationStatus,
    AuthorizationValidationError,
    InvalidTransitionError,
    Trigger,
    next_status,
)


class ActorKind(StrEnum):
    """Who acted: the requesting provider, the payer, ops staff or the system itself."""

    REQUESTER = "requester"
    PAYER = "payer"
    OPS = "ops"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """The party behind a transition, by kind and opaque id (never a person's identity)."""

    kind: ActorKind
    id: str


@dataclass(frozen=True, slots=True)
class AddDocuments:
    """The requester attaches documents (answers a pend, supports a request or an appeal)."""

    document_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """The requester replaces the requested lines before any decision."""

    lines: tuple[RequestedLine, ...]


@dataclass(frozen=True, slots=True)
class Cancel:
    """The requester withdraws the request or gives up the authorization (HCR01 C)."""

    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Appeal:
    """The requester contests a denial, a partial approval or a modification."""

    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Expire:
    """The system closes an approval whose dates have all passed; today is the payer's date."""

    today: date


@dataclass(frozen=True, slots=True)
class Extend:
    """The payer extends the timeframe of the decision awaited (CMS-0057-F), giving a reason.

    ``granted`` counts the extensions already given to this decision (the request's, or the
    appeal's); ``max_count`` and ``max_length`` are the payer's limits.
    """

    by: timedelta
    reason: str | None
    granted: int = 0
    max_count: int = 1
    max_length: timedelta = timedelta(days=14)


EXTENSION_DETAIL = "extension_seconds"

Command = AddDocuments | UpdateRequest | Cancel | Appeal | Expire | Extend | PayerDecision


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One audit-trail entry: what moved the authorization from where to where, who and when."""

    from_status: AuthorizationStatus | None
    to_status: AuthorizationStatus
    action: Action
    action_code: ActionCode | None
    actor: Actor
    at: datetime
    reason: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Transition:
    """The authorization after an action, and the record that explains the change."""

    state: AuthorizationState
    record: TransitionRecord


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What a command handler decided, before it is stamped with actor and time."""

    state: AuthorizationState
    action: Action
    action_code: ActionCode | None = None
    reason: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)


def _require_aware(at: datetime) -> None:
    """Refuse naive datetimes: every instant in the trail is timezone-aware."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("transition time must be timezone-aware")


def receive(*, lines: Sequence[RequestedLine], actor: Actor, at: datetime) -> Transition:
    """Start an authorization from the requested lines: it is submitted, awaiting a decision."""
    _require_aware(at)
    validate_requested_lines(lines)
    state = AuthorizationState(status=AuthorizationStatus.SUBMITTED, lines=tuple(lines))
    record = TransitionRecord(
        from_status=None,
        to_status=state.status,
        action=Action.RECEIVE,
        action_code=None,
        actor=actor,
        at=at,
    )
    return Transition(state=state, record=record)


def _trigger(command: Command) -> Trigger:
    """Return the transition-table key of a command."""
    match command:
        case PayerDecision(code=code):
            return code
        case AddDocuments():
            return Action.ADD_DOCUMENTS
        case UpdateRequest():
            return Action.UPDATE
        case Cancel():
            return Action.CANCEL
        case Appeal():
            return Action.APPEAL
        case Expire():
            return Action.EXPIRE
        case Extend():
            return Action.EXTEND


def _requester_answer(state: AuthorizationState, target: AuthorizationStatus) -> AuthorizationState:
    """Move to the target; leaving a pend clears what the payer asked for."""
    return replace(state, status=target, information_needed=None)


def _add_documents(
    state: AuthorizationState, command: AddDocuments, target: AuthorizationStatus
) -> _Outcome:
    """Attach documents; on a pended request this is the requester's response."""
    ids = [optional_text(document_id) for document_id in command.document_ids]
    if not ids or None in ids:
        raise AuthorizationValidationError(
            field="document_ids", message="at least one non-empty document id is required"
        )
    return _Outcome(
        state=_requester_answer(state, target),
        action=Action.ADD_DOCUMENTS,
        details={"document_ids": ",".join(str(document_id) for document_id in ids)},
    )


def _update(
    state: AuthorizationState, command: UpdateRequest, target: AuthorizationStatus
) -> _Outcome:
    """Replace the requested lines."""
    validate_requested_lines(command.lines)
    updated = replace(_requester_answer(state, target), lines=command.lines)
    return _Outcome(
        state=updated,
        action=Action.UPDATE,
        details={"lines": ",".join(str(line.line_number) for line in command.lines)},
    )


def _cancel(state: AuthorizationState, command: Cancel, target: AuthorizationStatus) -> _Outcome:
    """Cancel the request or the authorization."""
    return _Outcome(
        state=replace(state, status=target),
        action=Action.CANCEL,
        action_code=ActionCode.CANCELLED,
        reason=optional_text(command.reason),
    )


def _appeal(state: AuthorizationState, command: Appeal, target: AuthorizationStatus) -> _Outcome:
    """Open an appeal; approved lines stay in force until the appeal is decided."""
    return _Outcome(
        state=replace(state, status=target, appealed=True),
        action=Action.APPEAL,
        reason=optional_text(command.reason),
    )


def _expire(state: AuthorizationState, command: Expire, target: AuthorizationStatus) -> _Outcome:
    """Expire an approval once the last approved date is behind the payer's today."""
    last_day = max((line.end_date for line in state.approved_lines), default=None)
    if last_day is not None and command.today <= last_day:
        raise InvalidTransitionError(
            current=state.status, trigger=Action.EXPIRE, detail=f"approved through {last_day}"
        )
    return _Outcome(
        state=replace(state, status=target),
        action=Action.EXPIRE,
        details={"approved_through": last_day.isoformat()} if last_day else {},
    )


def _extend(state: AuthorizationState, command: Extend, target: AuthorizationStatus) -> _Outcome:
    """Extend the decision's timeframe: once (or as often as the payer allows), bounded."""
    if command.granted >= command.max_count:
        raise InvalidTransitionError(
            current=state.status,
            trigger=Action.EXTEND,
            detail=f"the decision timeframe was already extended {command.granted} time(s)",
        )
    reason = optional_text(command.reason)
    if reason is None:
        raise AuthorizationValidationError(field="reason", message="an extension needs a reason")
    if not timedelta(0) < command.by <= command.max_length:
        raise AuthorizationValidationError(
            field="days",
            message=f"an extension lasts more than 0 and at most {command.max_length.days} days",
        )
    return _Outcome(
        state=replace(state, status=target),
        action=Action.EXTEND,
        reason=reason,
        details={EXTENSION_DETAIL: str(int(command.by.total_seconds()))},
    )


def _decide(
    state: AuthorizationState, command: PayerDecision, target: AuthorizationStatus
) -> _Outcome:
    """Record the payer's decision."""
    decided, reason, details = decided_state(state=state, decision=command, target=target)
    return _Outcome(
        state=decided,
        action=Action.DECIDE,
        action_code=command.code,
        reason=reason,
        details=details,
    )


def _handle(state: AuthorizationState, command: Command, target: AuthorizationStatus) -> _Outcome:
    """Run the command's handler once the transition is known to be allowed."""
    match command:
        case PayerDecision():
            return _decide(state, command, target)
        case AddDocuments():
            return _add_documents(state, command, target)
        case UpdateRequest():
            return _update(state, command, target)
        case Cancel():
            return _cancel(state, command, target)
        case Appeal():
            return _appeal(state, command, target)
        case Expire():
            return _expire(state, command, target)
        case Extend():
            return _extend(state, command, target)


def apply(*, state: AuthorizationState, command: Command, actor: Actor, at: datetime) -> Transition:
    """Apply one action to the authorization, returning its new state and the audit record."""
    _require_aware(at)
    if isinstance(command, PayerDecision):
        command.check_code()
    target = next_status(current=state.status, trigger=_trigger(command))
    outcome = _handle(state, command, target)
    record = TransitionRecord(
        from_status=state.status,
        to_status=outcome.state.status,
        action=outcome.action,
        action_code=outcome.action_code,
        actor=actor,
        at=at,
        reason=outcome.reason,
        details=outcome.details,
    )
    return Transition(state=outcome.state, record=record)

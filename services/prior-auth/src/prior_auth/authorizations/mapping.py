"""Between stored rows and the domain: lines, the state machine's state, audit records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.models import (
    Authorization,
    AuthorizationDocument,
    AuthorizationLine,
    AuthorizationTransition,
)
from prior_auth.authorizations.schemas import DocumentIn, LineIn, Priority
from prior_auth.authorizations.state import AuthorizationState
from prior_auth.authorizations.status import Action, ActionCode, AuthorizationStatus
from prior_auth.authorizations.transitions import Actor, ActorKind, TransitionRecord
from prior_auth.requirements.matching import normalize_code


def priority(authorization: Authorization) -> Priority:
    """The request's urgency in the events' vocabulary."""
    return "expedited" if authorization.priority == "expedited" else "standard"


def line_rows(lines: Sequence[LineIn]) -> list[AuthorizationLine]:
    """New line rows, numbered from 1 in the order given."""
    return [
        AuthorizationLine(
            line_number=number,
            code=normalize_code(line.code),
            modifiers=[modifier.strip().upper() for modifier in line.modifiers],
            units=line.units,
            start_date=line.start_date,
            end_date=line.end_date,
            place_of_service=line.place_of_service,
            diagnosis_codes=[
                code.strip().upper().replace(".", "") for code in line.diagnosis_codes
            ],
            used_units=0,
        )
        for number, line in enumerate(lines, start=1)
    ]


def document_rows(
    documents: Sequence[DocumentIn], *, actor: Actor, at: datetime
) -> list[AuthorizationDocument]:
    """New document rows with their ids already drawn (the trail names them)."""
    return [
        AuthorizationDocument(
            id=uuid.uuid4(),
            document_type=document.document_type,
            title=document.title,
            reference=document.reference,
            sha256=document.sha256,
            added_at=at,
            added_by=actor.id,
        )
        for document in documents
    ]


def requested_line(row: AuthorizationLine) -> RequestedLine:
    """The requested line a row holds."""
    return RequestedLine(
        line_number=row.line_number,
        code=row.code,
        units=row.units,
        start_date=row.start_date,
        end_date=row.end_date,
        place_of_service=row.place_of_service,
    )


def approved_line(row: AuthorizationLine) -> ApprovedLine | None:
    """The payer's approval of a row's line, if it has one."""
    if row.approved_units is None or row.approved_start is None or row.approved_end is None:
        return None
    return ApprovedLine(
        line_number=row.line_number,
        units=row.approved_units,
        start_date=row.approved_start,
        end_date=row.approved_end,
    )


def state_of(
    authorization: Authorization, lines: Sequence[AuthorizationLine]
) -> AuthorizationState:
    """The state machine's view of a stored authorization."""
    approved = (approved_line(row) for row in lines)
    return AuthorizationState(
        status=AuthorizationStatus(authorization.status),
        lines=tuple(requested_line(row) for row in lines),
        approved_lines=tuple(line for line in approved if line is not None),
        authorization_number=authorization.authorization_number,
        information_needed=authorization.information_needed,
        reason=authorization.reason,
        modification=authorization.modification,
        appealed=authorization.appealed,
        reason_code=authorization.reason_code,
    )


def store_state(
    authorization: Authorization, lines: Sequence[AuthorizationLine], state: AuthorizationState
) -> None:
    """Write the state's status, decision texts and approvals onto the rows."""
    authorization.status = state.status.value
    authorization.authorization_number = state.authorization_number
    authorization.information_needed = state.information_needed
    authorization.reason = state.reason
    authorization.modification = state.modification
    authorization.appealed = state.appealed
    authorization.reason_code = state.reason_code
    approvals = {line.line_number: line for line in state.approved_lines}
    for row in lines:
        approval = approvals.get(row.line_number)
        row.approved_units = approval.units if approval else None
        row.approved_start = approval.start_date if approval else None
        row.approved_end = approval.end_date if approval else None


def record_of(row: AuthorizationTransition) -> TransitionRecord:
    """The audit record a trail row holds."""
    return TransitionRecord(
        from_status=AuthorizationStatus(row.from_status) if row.from_status else None,
        to_status=AuthorizationStatus(row.to_status),
        action=Action(row.action),
        action_code=ActionCode(row.action_code) if row.action_code else None,
        actor=Actor(kind=ActorKind(row.actor_kind), id=row.actor_id),
        at=row.at,
        reason=row.reason,
        details=dict(row.details),
    )


def transition_row(
    authorization_id: uuid.UUID, record: TransitionRecord
) -> AuthorizationTransition:
    """A trail row for an audit record."""
    return AuthorizationTransition(
        authorization_id=authorization_id,
        from_status=record.from_status.value if record.from_status else None,
        to_status=record.to_status.value,
        action=record.action.value,
        action_code=record.action_code.value if record.action_code else None,
        actor_kind=record.actor.kind.value,
        actor_id=record.actor.id,
        at=record.at,
        reason=record.reason,
        details=dict(record.details),
    )

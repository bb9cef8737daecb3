"""Authorization requests and every later step: payer decisions, documents, updates, cancels.

Each step runs the state machine on the locked authorization, writes the new state, one trail
row and an ``AuthorizationStatusChanged`` event in the caller's transaction, and moves the
decision deadline along.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import NotFound
from claimflow_shared.events.contracts import AuthorizationStatusChanged
from claimflow_shared.messaging import outbox
from prior_auth.access import Viewer, as_payer, as_requester
from prior_auth.authorizations.deadlines import decision_phase, extensions_granted
from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import ApprovedLine
from prior_auth.authorizations.mapping import (
    document_rows,
    line_rows,
    priority,
    record_of,
    requested_line,
    state_of,
    store_state,
    transition_row,
)
from prior_auth.authorizations.models import (
    Authorization,
    AuthorizationDocument,
    AuthorizationLine,
)
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.schedule import reschedule
from prior_auth.authorizations.schemas import (
    AuthorizationIn,
    DecisionIn,
    DocumentIn,
    ExtensionIn,
    LineIn,
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
    Transition,
    TransitionRecord,
    UpdateRequest,
    apply,
    receive,
)
from prior_auth.errors import domain_errors
from prior_auth.payers.policy import PayerPolicy
from prior_auth.payers.service import policy_for


def requester(principal: Principal) -> Actor:
    """The trail's name for a submitter's key."""
    return Actor(kind=ActorKind.REQUESTER, id=f"key:{principal.key_id}")


def payer(principal: Principal) -> Actor:
    """The trail's name for a payer's key."""
    return Actor(kind=ActorKind.PAYER, id=f"key:{principal.key_id}")


def status_changed(
    authorization: Authorization, record: TransitionRecord, codes: Sequence[str]
) -> AuthorizationStatusChanged:
    """The event announcing one step of the trail (ids and codes only)."""
    return AuthorizationStatusChanged(
        authorization_id=str(authorization.id),
        tenant_id=authorization.tenant_id,
        payer_id=authorization.payer_id,
        priority=priority(authorization),
        codes=sorted(set(codes)),
        from_status=record.from_status.value if record.from_status else None,
        to_status=record.to_status.value,
        action=record.action.value,
        action_code=record.action_code.value if record.action_code else None,
        authorization_number=authorization.authorization_number,
        due_at=authorization.due_at,
        changed_at=record.at,
    )


def _finish(
    session: AsyncSession,
    authorization: Authorization,
    trail: Sequence[TransitionRecord],
    transition: Transition,
) -> None:
    """Record the step, move the deadline and announce the step."""
    record = transition.record
    AuthorizationRepository(session).record(transition_row(authorization.id, record))
    authorization.last_transition_at = record.at
    reschedule(authorization, [*trail, record], now=record.at)
    codes = [line.code for line in transition.state.lines]
    outbox.publish(session, status_changed(authorization, record, codes))


async def create(
    *,
    session: AsyncSession,
    principal: Principal,
    request_in: AuthorizationIn,
    now: datetime,
    default_time_zone: str,
) -> Authorization:
    """Receive a request from the key's tenant: it is submitted, its decision clock running."""
    actor = requester(principal)
    lines = line_rows(request_in.lines)
    with domain_errors():
        transition = receive(lines=[requested_line(row) for row in lines], actor=actor, at=now)
    policy = await policy_for(
        session=session, payer_id=request_in.payer_id, default_time_zone=default_time_zone
    )
    authorization = Authorization(
        id=uuid.uuid4(),
        tenant_id=principal.tenant_id,
        status=transition.state.status.value,
        appealed=False,
        received_at=now,
        deadline_policy=policy.to_json(),
        clock_paused=False,
        **request_in.model_dump(exclude={"lines", "documents"}),
    )
    repository = AuthorizationRepository(session)
    repository.add(authorization)
    documents = document_rows(request_in.documents, actor=actor, at=now)
    if documents:
        details = {"document_ids": ",".join(str(document.id) for document in documents)}
        transition = replace(transition, record=replace(transition.record, details=details))
    _finish(session, authorization, [], transition)
    await session.flush()
    children: list[AuthorizationLine | AuthorizationDocument] = [*lines, *documents]
    for row in children:
        row.authorization_id = authorization.id
        repository.add(row)
    await session.flush()
    return authorization


async def act(
    *,
    session: AsyncSession,
    authorization_id: uuid.UUID,
    viewer: Viewer | None,
    command: Command,
    actor: Actor,
    now: datetime,
) -> tuple[Authorization, list[AuthorizationLine]]:
    """Apply one command to the locked authorization; refused steps leave no trace."""
    repository = AuthorizationRepository(session)
    authorization = await repository.get(authorization_id, viewer=viewer, lock=True)
    if authorization is None:
        raise NotFound(f"No authorization {authorization_id}.")
    lines = await repository.lines(authorization.id, lock=True)
    trail = [record_of(row) for row in await repository.transitions(authorization.id)]
    with domain_errors():
        transition = apply(
            state=state_of(authorization, lines), command=command, actor=actor, at=now
        )
    store_state(authorization, lines, transition.state)
    _finish(session, authorization, trail, transition)
    return authorization, lines


def payer_decision(decision_in: DecisionIn) -> PayerDecision:
    """The domain's decision from the API's."""
    return PayerDecision(
        code=decision_in.action_code,
        authorization_number=decision_in.authorization_number,
        approved_lines=tuple(
            ApprovedLine(
                line_number=line.line_number,
                units=line.units,
                start_date=line.start_date,
                end_date=line.end_date,
            )
            for line in decision_in.approved_lines
        ),
        reason=decision_in.reason,
        information_needed=decision_in.information_needed,
        modification=decision_in.modification,
        reason_code=decision_in.reason_code,
    )


async def decide(
    *,
    session: AsyncSession,
    principal: Principal,
    authorization_id: uuid.UUID,
    decision_in: DecisionIn,
    now: datetime,
) -> Authorization:
    """Record the decision of the payer the key acts for."""
    authorization, _ = await act(
        session=session,
        authorization_id=authorization_id,
        viewer=as_payer(principal),
        command=payer_decision(decision_in),
        actor=payer(principal),
        now=now,
    )
    return authorization


async def extend(
    *,
    session: AsyncSession,
    principal: Principal,
    authorization_id: uuid.UUID,
    extension_in: ExtensionIn,
    now: datetime,
) -> Authorization:
    """Extend the timeframe of the decision awaited, within the payer's limits."""
    repository = AuthorizationRepository(session)
    found = await repository.get(authorization_id, viewer=as_payer(principal), lock=True)
    if found is None:
        raise NotFound(f"No authorization {authorization_id}.")
    trail = [record_of(row) for row in await repository.transitions(found.id)]
    policy = PayerPolicy.from_json(found.deadline_policy)
    command = Extend(
        by=timedelta(days=extension_in.days),
        reason=extension_in.reason,
        granted=extensions_granted(decision_phase(trail)),
        max_count=policy.max_extensions,
        max_length=policy.max_extension,
    )
    authorization, _ = await act(
        session=session,
        authorization_id=authorization_id,
        viewer=as_payer(principal),
        command=command,
        actor=payer(principal),
        now=now,
    )
    return authorization


async def add_documents(
    *,
    session: AsyncSession,
    principal: Principal,
    authorization_id: uuid.UUID,
    documents_in: Sequence[DocumentIn],
    now: datetime,
) -> Authorization:
    """Attach documents; on a pended request this answers the payer's question."""
    actor = requester(principal)
    documents = document_rows(documents_in, actor=actor, at=now)
    command = AddDocuments(document_ids=tuple(str(document.id) for document in documents))
    authorization, _ = await act(
        session=session,
        authorization_id=authorization_id,
        viewer=as_requester(principal),
        command=command,
        actor=actor,
        now=now,
    )
    repository = AuthorizationRepository(session)
    for document in documents:
        document.authorization_id = authorization.id
        repository.add(document)
    return authorization


async def update_lines(
    *,
    session: AsyncSession,
    principal: Principal,
    authorization_id: uuid.UUID,
    lines_in: Sequence[LineIn],
    now: datetime,
) -> Authorization:
    """Replace the requested lines while no decision is in force."""
    rows = line_rows(lines_in)
    command = UpdateRequest(lines=tuple(requested_line(row) for row in rows))
    authorization, old = await act(
        session=session,
        authorization_id=authorization_id,
        viewer=as_requester(principal),
        command=command,
        actor=requester(principal),
        now=now,
    )
    await AuthorizationRepository(session).replace_lines(authorization.id, old=old, new=rows)
    return authorization


async def requester_action(
    *,
    session: AsyncSession,
    principal: Principal,
    authorization_id: uuid.UUID,
    command: Cancel | Appeal,
    now: datetime,
) -> Authorization:
    """Cancel the request (HCR01 C) or appeal its decision, as the requester."""
    authorization, _ = await act(
        session=session,
        authorization_id=authorization_id,
        viewer=as_requester(principal),
        command=command,
        actor=requester(principal),
        now=now,
    )
    return authorization


async def expire(
    *, session: AsyncSession, authorization_id: uuid.UUID, today: date, now: datetime
) -> Authorization:
    """Close an approval whose approved dates have all passed (the system's step)."""
    authorization, _ = await act(
        session=session,
        authorization_id=authorization_id,
        viewer=None,
        command=Expire(today=today),
        actor=Actor(kind=ActorKind.SYSTEM, id="deadline-scheduler"),
        now=now,
    )
    return authorization

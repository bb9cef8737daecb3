"""Receiving a 278 interchange: each request the 999 accepts and that has no request error goes
through the JSON endpoint's intake; the answer is the 999 and one 278 response per request.

An Idempotency-Key works as on the JSON endpoint, keyed on the interchange's bytes: the same key
and bytes replay the first answer, other bytes are refused (422).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import BadRequest, ValidationFailed
from claimflow_shared.x12.ack999 import render_999
from claimflow_shared.x12.p278 import (
    RejectReason,
    Request278Read,
    RequestIssue,
    Response278,
    render_278_responses,
)
from claimflow_shared.x12.p278.response import ReviewOutcome
from claimflow_shared.x12.tokenizer import UnreadableInterchangeError
from claimflow_shared.x12.writer import ControlNumbers
from prior_auth.authorizations import service, views
from prior_auth.authorizations.intake import once
from prior_auth.authorizations.schemas import AuthorizationOut
from prior_auth.settings import PriorAuthSettings
from prior_auth.x12.mapping import authorization_in, invalid_fields, outcome
from prior_auth.x12.models import CONTROL_NUMBERS
from prior_auth.x12.reading import Interchange, SetRead, read_interchange
from prior_auth.x12.schemas import X12Answer, X12RequestOut


def fingerprint(body: bytes) -> str:
    """SHA-256 of the interchange, apart from any JSON request's fingerprint."""
    return hashlib.sha256(b"x12-278\n" + body).hexdigest()


async def receive(
    *,
    session: AsyncSession,
    principal: Principal,
    body: bytes,
    idempotency_key: str | None,
    now: datetime,
    settings: PriorAuthSettings,
) -> X12Answer:
    """Read, take in and answer one interchange; 400 when it has no readable ISA."""
    try:
        interchange = read_interchange(body)
    except UnreadableInterchangeError as exc:
        raise BadRequest(f"Not a readable X12 interchange: {exc}.") from exc

    async def answer() -> X12Answer:
        return await _answer(session, principal, interchange, now, settings)

    return await once(
        session=session,
        tenant_id=principal.tenant_id,
        key=idempotency_key,
        digest=fingerprint(body),
        produce=answer,
        answer_type=X12Answer,
    )


async def _take_in(
    session: AsyncSession,
    principal: Principal,
    read: Request278Read,
    now: datetime,
    settings: PriorAuthSettings,
) -> tuple[Request278Read, AuthorizationOut | None]:
    """Create the authorization a clean request asks for; else the read with its new issue."""
    assert read.review is not None
    event = next(loop for loop in read.loops if loop.level == "EV")
    try:
        request_in = authorization_in(
            read.review,
            tenant_id=principal.tenant_id,
            key=settings.patient_ref_key.get_secret_value().encode(),
        )
        async with session.begin_nested():
            created = await service.create(
                session=session,
                principal=principal,
                request_in=request_in,
                now=now,
                default_time_zone=settings.default_time_zone,
            )
    except ValidationError as exc:
        message = f"the request breaks the API's rules at {invalid_fields(exc)}"
    except ValidationFailed as exc:
        message = f"the request was refused: {exc.detail}"
    else:
        return read, await views.detail(session=session, authorization=created)
    issue = RequestIssue("2000E", event.hl_id, RejectReason.INPUT_ERRORS, message)
    return replace(read, issues=(*read.issues, issue)), None


def _request_out(
    item: SetRead, read: Request278Read | None, made: AuthorizationOut | None
) -> X12RequestOut:
    """One request's line in the JSON answer."""
    control = item.verdict.control_number
    if not item.accepted or read is None:
        errors = [f"transaction set {control} was rejected (see the 999)"]
    else:
        errors = [f"{i.loop} AAA*N**{i.reason.value}: {i.message}" for i in read.issues]
    return X12RequestOut(
        transaction_set=control,
        reference=read.reference if read is not None else "",
        accepted=made is not None,
        errors=errors,
        authorization=made,
    )


async def _answer(
    session: AsyncSession,
    principal: Principal,
    interchange: Interchange,
    now: datetime,
    settings: PriorAuthSettings,
) -> X12Answer:
    """Take in each clean request and render the replies."""
    responses: list[Response278] = []
    requests: list[X12RequestOut] = []
    for item in interchange.sets:
        read, made = item.read, None
        if item.accepted and read is not None:
            if read.actionable:
                read, made = await _take_in(session, principal, read, now, settings)
            services = [loop.hl_id for loop in read.loops if loop.level == "SS"]
            result: ReviewOutcome | None = outcome(made, services) if made else None
            responses.append(Response278(read, result))
        requests.append(_request_out(item, read, made))
    header = interchange.ack.header
    control_999 = await _next_control_number(session)
    ack999 = render_999(interchange.ack, ControlNumbers(control_999, control_999), sent_at=now)
    response278 = None
    if responses:
        control = await _next_control_number(session)
        response278 = render_278_responses(
            responses, interchange.ack, ControlNumbers(control, control), sent_at=now
        )
    return X12Answer(
        received_at=now,
        sender_id=header.get(6),
        interchange_control_number=header.get(13),
        interchange_status=interchange.ack.status.value,
        ack999=ack999,
        response278=response278,
        requests=requests,
    )


async def _next_control_number(session: AsyncSession) -> int:
    """The next ISA13/GS06 for an outbound reply."""
    value = await session.scalar(select(CONTROL_NUMBERS.next_value()))
    return int(value or 1)

"""New-code applications: drafts, checked and audited transitions, each one an event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal, Role
from claimflow_shared.errors import Conflict, NotFound, ValidationFailed
from claimflow_shared.events.contracts import ApplicationStatusChanged
from claimflow_shared.messaging import outbox
from code_catalog.applications.access import acting_role, visible_tenant
from code_catalog.applications.models import ApplicationEvent, CodeApplication, PanelMeeting
from code_catalog.applications.repository import ApplicationRepository
from code_catalog.applications.schemas import (
    ApplicationDetails,
    ApplicationIn,
    ApplicationListOut,
    ApplicationOut,
    ApplicationPatch,
    AuditEntry,
    MeetingOut,
    TransitionIn,
)
from code_catalog.applications.workflow import (
    EDITABLE,
    SCHEDULING,
    TRANSITIONS,
    Action,
    Actor,
    Category,
    Status,
    TransitionRefused,
    next_status,
    release_effective_date,
)
from code_catalog.codes.formats import CodeCategory, CodeFormatError, classify_procedure

CATEGORY_OF_CODE = {Category.I: CodeCategory.CPT_I, Category.III: CodeCategory.CPT_III}


def meeting_out(meeting: PanelMeeting | None) -> MeetingOut | None:
    """A meeting for a response."""
    if meeting is None:
        return None
    return MeetingOut(
        id=meeting.id,
        name=meeting.name,
        meeting_date=meeting.meeting_date,
        agenda_deadline=meeting.agenda_deadline,
    )


def _out(
    application: CodeApplication,
    meeting: PanelMeeting | None,
    history: Sequence[ApplicationEvent] = (),
) -> ApplicationOut:
    """An application for a response."""
    return ApplicationOut(
        id=application.id,
        tenant_id=application.tenant_id,
        status=Status(application.status),
        category=Category(application.category),
        title=application.title,
        details=ApplicationDetails.model_validate(application.details),
        meeting=meeting_out(meeting),
        assigned_code=application.assigned_code,
        effective_date=application.effective_date,
        created_at=application.created_at,
        updated_at=application.updated_at,
        history=[
            AuditEntry(
                action=Action(e.action),
                from_status=Status(e.from_status) if e.from_status else None,
                to_status=Status(e.to_status),
                actor_key_id=e.actor_key_id,
                actor_tenant=e.actor_tenant,
                actor_role=e.actor_role,
                reason=e.reason,
                at=e.at,
            )
            for e in history
        ],
    )


def _missing(details: ApplicationDetails) -> list[str]:
    """The parts a submitted application must have and this one lacks."""
    checks = {
        "details.procedure.purpose": bool(details.procedure.purpose.strip()),
        "details.procedure.steps": bool(details.procedure.steps),
        "details.procedure.typical_duration_minutes": details.procedure.typical_duration_minutes
        is not None,
        "details.inadequacy_of_existing_codes": bool(details.inadequacy_of_existing_codes.strip()),
        "details.evidence": bool(details.evidence),
        "details.usage": details.usage.annual_procedures is not None
        or bool(details.usage.notes.strip()),
        "details.economic_impact": bool(details.economic_impact.strip()),
        "details.specialty_societies": bool(details.specialty_societies),
        "details.resources": details.resources.physician_minutes is not None
        or bool(details.resources.equipment),
    }
    return [name for name, present in checks.items() if not present]


def _record(
    session: AsyncSession,
    application: CodeApplication,
    *,
    action: Action,
    before: str | None,
    principal: Principal,
    role: str,
    reason: str,
    meeting: PanelMeeting | None,
) -> ApplicationEvent:
    """Audit a step and publish it, in the caller's transaction."""
    now = datetime.now(UTC)
    application.updated_at = now
    entry = ApplicationEvent(
        application_id=application.id,
        action=action.value,
        from_status=before,
        to_status=application.status,
        actor_key_id=principal.key_id,
        actor_tenant=principal.tenant_id,
        actor_role=role,
        reason=reason,
        at=now,
    )
    session.add(entry)
    outbox.publish(
        session,
        ApplicationStatusChanged(
            application_id=str(application.id),
            tenant_id=application.tenant_id,
            action=action.value,
            from_status=before,
            to_status=application.status,
            category=application.category,
            meeting_date=meeting.meeting_date if meeting else None,
            assigned_code=application.assigned_code,
            effective_date=application.effective_date,
            changed_at=now,
        ),
    )
    return entry


async def create(
    *, session: AsyncSession, principal: Principal, body: ApplicationIn
) -> ApplicationOut:
    """Start a draft for the principal's tenant."""
    application = CodeApplication(
        id=uuid.uuid4(),
        tenant_id=principal.tenant_id,
        status=Status.DRAFT.value,
        category=body.category.value,
        title=body.title,
        details=body.details.model_dump(mode="json"),
        created_by=principal.key_id,
    )
    await ApplicationRepository(session).add(application)
    role = Role.ADMIN.value if Role.ADMIN in principal.roles else Role.SUBMITTER.value
    entry = _record(
        session,
        application,
        action=Action.CREATE,
        before=None,
        principal=principal,
        role=role,
        reason="",
        meeting=None,
    )
    await session.flush()
    return _out(application, None, [entry])


async def _visible(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, *, lock: bool
) -> CodeApplication:
    """An application the principal may see, or 404 (another tenant's included)."""
    application = await ApplicationRepository(session).get(
        application_id, tenant_id=visible_tenant(principal), lock=lock
    )
    if application is None:
        raise NotFound(f"no application {application_id}", application_id=str(application_id))
    return application


async def get(
    *, session: AsyncSession, principal: Principal, application_id: uuid.UUID
) -> ApplicationOut:
    """One application with its history."""
    repository = ApplicationRepository(session)
    application = await _visible(session, principal, application_id, lock=False)
    meeting = await repository.meeting(application.meeting_id)
    return _out(application, meeting, await repository.history(application.id))


async def list_applications(
    *, session: AsyncSession, principal: Principal, status: Status | None, limit: int
) -> ApplicationListOut:
    """The applications the principal may see."""
    repository = ApplicationRepository(session)
    rows = await repository.listed(
        tenant_id=visible_tenant(principal), status=status.value if status else None, limit=limit
    )
    meetings = await repository.meetings_by_id({row.meeting_id for row in rows if row.meeting_id})
    return ApplicationListOut(items=[_out(row, meetings.get(row.meeting_id or 0)) for row in rows])


async def update(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    body: ApplicationPatch,
) -> ApplicationOut:
    """Edit a draft, or an application the panel asked for more information on."""
    application = await _visible(session, principal, application_id, lock=True)
    acting_role(principal, Actor.APPLICANT, application)
    if application.status not in EDITABLE:
        raise Conflict(
            f"an application that is {application.status} cannot be edited",
            current_status=application.status,
        )
    if body.title is not None:
        application.title = body.title
    if body.category is not None:
        application.category = body.category.value
    if body.details is not None:
        application.details = body.details.model_dump(mode="json")
    application.updated_at = datetime.now(UTC)
    await session.flush()
    return await get(session=session, principal=principal, application_id=application_id)


async def _schedule(
    repository: ApplicationRepository, application: CodeApplication, today: date
) -> PanelMeeting:
    """Put a complete application on the agenda of the next meeting still open."""
    missing = _missing(ApplicationDetails.model_validate(application.details))
    if missing:
        raise ValidationFailed(f"the application lacks: {', '.join(missing)}", missing=missing)
    meeting = await repository.next_open_meeting(today)
    if meeting is None:
        raise Conflict(f"no panel meeting has an agenda open on {today}; the panel must add one")
    application.meeting_id = meeting.id
    return meeting


def _publish(application: CodeApplication, assigned: str | None, today: date) -> None:
    """Give an approved application its code and the date its release takes effect."""
    category = Category(application.category)
    try:
        kind = classify_procedure(assigned or "")
    except CodeFormatError as error:
        raise ValidationFailed(f"assigned_code: {error}", field="assigned_code") from None
    if kind.category is not CATEGORY_OF_CODE[category]:
        raise ValidationFailed(
            f"assigned_code: {kind.code} is {kind.category}, not {CATEGORY_OF_CODE[category]}",
            field="assigned_code",
        )
    application.assigned_code = kind.code
    application.effective_date = release_effective_date(category, today)


async def transition(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    body: TransitionIn,
    today: date,
) -> ApplicationOut:
    """Apply one action: checked against the status, audited, and published as an event."""
    if body.action not in TRANSITIONS:
        raise ValidationFailed(f"{body.action.value} is not a transition", field="action")
    repository = ApplicationRepository(session)
    application = await _visible(session, principal, application_id, lock=True)
    rule = TRANSITIONS[body.action]
    role = acting_role(principal, rule.actor, application)
    before = application.status
    try:
        target = next_status(body.action, Status(before))
    except TransitionRefused as error:
        raise Conflict(str(error), current_status=before, action=body.action.value) from None
    if rule.needs_reason and not body.reason.strip():
        raise ValidationFailed(f"{body.action.value} needs a reason", field="reason")
    meeting = await repository.meeting(application.meeting_id)
    if body.action in SCHEDULING:
        meeting = await _schedule(repository, application, today)
    if body.action is Action.PUBLISH:
        _publish(application, body.assigned_code, today)
    application.status = target.value
    _record(
        session,
        application,
        action=body.action,
        before=before,
        principal=principal,
        role=role,
        reason=body.reason,
        meeting=meeting,
    )
    await session.flush()
    return _out(application, meeting, await repository.history(application.id))

"""What the API shows of an authorization: its detail, its whole history, a page of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import NotFound
from prior_auth.access import Viewer
from prior_auth.authorizations.models import (
    Authorization,
    AuthorizationDocument,
    AuthorizationLine,
)
from prior_auth.authorizations.repository import AuthorizationRepository
from prior_auth.authorizations.schemas import (
    AuthorizationOut,
    DocumentOut,
    HistoryOut,
    LineOut,
    TransitionOut,
)
from prior_auth.authorizations.status import AuthorizationStatus, allowed_triggers

_COLUMNS = tuple(
    name
    for name in AuthorizationOut.model_fields
    if name not in {"allowed_actions", "lines", "documents"}
)


def _render(
    authorization: Authorization,
    lines: Sequence[AuthorizationLine],
    documents: Sequence[AuthorizationDocument],
) -> AuthorizationOut:
    """The API's view of an authorization and its children."""
    allowed = allowed_triggers(AuthorizationStatus(authorization.status))
    return AuthorizationOut.model_validate(
        {
            **{column: getattr(authorization, column) for column in _COLUMNS},
            "allowed_actions": sorted(trigger.value for trigger in allowed),
            "lines": [LineOut.model_validate(line) for line in lines],
            "documents": [DocumentOut.model_validate(document) for document in documents],
        }
    )


async def detail(*, session: AsyncSession, authorization: Authorization) -> AuthorizationOut:
    """The authorization with its lines, documents and the actions its status allows."""
    await session.flush()
    children = await AuthorizationRepository(session).children([authorization.id])
    lines, documents = children.get(authorization.id, ([], []))
    return _render(authorization, lines, documents)


async def visible(
    *, session: AsyncSession, authorization_id: uuid.UUID, viewer: Viewer
) -> Authorization:
    """An authorization the viewer may reach; anyone else's is not found."""
    authorization = await AuthorizationRepository(session).get(authorization_id, viewer=viewer)
    if authorization is None:
        raise NotFound(f"No authorization {authorization_id}.")
    return authorization


async def history(
    *, session: AsyncSession, authorization_id: uuid.UUID, viewer: Viewer
) -> HistoryOut:
    """Every step of the authorization, oldest first, with who and when."""
    authorization = await visible(session=session, authorization_id=authorization_id, viewer=viewer)
    rows = await AuthorizationRepository(session).transitions(authorization.id)
    return HistoryOut(
        authorization_id=authorization.id,
        status=authorization.status,
        transitions=[TransitionOut.model_validate(row) for row in rows],
    )


async def page(
    *,
    session: AsyncSession,
    viewer: Viewer,
    status: AuthorizationStatus | None,
    payer_id: str | None,
    limit: int,
) -> list[AuthorizationOut]:
    """The viewer's authorizations, newest first."""
    repository = AuthorizationRepository(session)
    rows = await repository.page(
        viewer=viewer,
        status=status.value if status else None,
        payer_id=payer_id,
        limit=limit,
    )
    children = await repository.children([row.id for row in rows])
    return [_render(row, *children.get(row.id, ([], []))) for row in rows]

"""Reading releases and their diffs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import NotFound
from code_catalog.releases.models import Release
from code_catalog.releases.repository import ReleaseRepository
from code_catalog.releases.schemas import (
    ChangeKind,
    ChangeOut,
    DiffOut,
    ReleaseListOut,
    ReleaseOut,
)


def release_out(release: Release) -> ReleaseOut:
    """A release for a response."""
    return ReleaseOut.model_validate(release, from_attributes=True)


async def list_releases(
    *, session: AsyncSession, code_system: str | None, limit: int, offset: int
) -> ReleaseListOut:
    """Releases, the latest effective first."""
    rows = await ReleaseRepository(session).listed(data_set=code_system, limit=limit, offset=offset)
    return ReleaseListOut(items=[release_out(row) for row in rows])


async def get_release(*, session: AsyncSession, release_id: int) -> Release:
    """One release, or 404."""
    release = await ReleaseRepository(session).get(release_id)
    if release is None:
        raise NotFound(f"no release {release_id}", release_id=release_id)
    return release


async def release_diff(
    *,
    session: AsyncSession,
    release_id: int,
    change: ChangeKind | None,
    after: str,
    limit: int,
) -> DiffOut:
    """A page of what a release added, changed and terminated."""
    repository = ReleaseRepository(session)
    release = await get_release(session=session, release_id=release_id)
    rows = await repository.changes(
        release_id, change=change.value if change else None, after_key=after, limit=limit
    )
    baseline = not await repository.has_earlier(release)
    counts = {
        ChangeKind.ADDED: release.added,
        ChangeKind.CHANGED: release.changed,
        ChangeKind.TERMINATED: release.terminated,
    }
    items = [
        ChangeOut(
            change=ChangeKind(row.change),
            system=row.system,
            key=row.key,
            before=row.before,
            after=row.after,
        )
        for row in rows
    ]
    next_after = rows[-1].key if len(rows) == limit else None
    return DiffOut(
        release=release_out(release),
        baseline=baseline,
        counts=counts,
        items=items,
        next_after=next_after,
    )

"""Every query over releases and their diffs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.releases.models import Release, ReleaseChange


class ReleaseRepository:
    """Reads and adds releases within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_checksum(self, checksum: str) -> Release | None:
        """The release imported from files with this checksum, if any."""
        return await self.session.scalar(
            select(Release).where(Release.checksum == checksum).limit(1)
        )

    async def by_name(self, data_set: str, version: str) -> Release | None:
        """The release of a series with this version."""
        return await self.session.scalar(
            select(Release).where(Release.code_system == data_set, Release.version == version)
        )

    async def latest(self, data_set: str) -> Release | None:
        """The release of a series that takes effect last."""
        return await self.session.scalar(
            select(Release)
            .where(Release.code_system == data_set)
            .order_by(Release.effective_date.desc(), Release.id.desc())
            .limit(1)
        )

    async def has_earlier(self, release: Release) -> bool:
        """Whether the release's series had a release before it."""
        found = await self.session.scalar(
            select(Release.id)
            .where(Release.code_system == release.code_system, Release.id < release.id)
            .limit(1)
        )
        return found is not None

    async def get(self, release_id: int) -> Release | None:
        """One release by id."""
        return await self.session.get(Release, release_id)

    async def add(self, release: Release) -> Release:
        """Store a new release and give it its id."""
        self.session.add(release)
        await self.session.flush()
        return release

    async def listed(self, *, data_set: str | None, limit: int, offset: int) -> Sequence[Release]:
        """Releases, the newest first, optionally of one series."""
        query = select(Release).order_by(Release.effective_date.desc(), Release.id.desc())
        if data_set:
            query = query.where(Release.code_system == data_set)
        return (await self.session.scalars(query.limit(limit).offset(offset))).all()

    async def labels(self) -> dict[int, str]:
        """Every release's label by id."""
        rows = await self.session.execute(select(Release.id, Release.code_system, Release.version))
        return {row.id: f"{row.code_system} {row.version}" for row in rows}

    async def changes(
        self, release_id: int, *, change: str | None, after_key: str, limit: int
    ) -> Sequence[ReleaseChange]:
        """A page of a release's diff in key order, after a key."""
        query = (
            select(ReleaseChange)
            .where(ReleaseChange.release_id == release_id, ReleaseChange.key > after_key)
            .order_by(ReleaseChange.key, ReleaseChange.id)
            .limit(limit)
        )
        if change:
            query = query.where(ReleaseChange.change == change)
        return (await self.session.scalars(query)).all()

"""Import one release: stage its files, name it, merge it, record its diff, announce it.

Everything happens in the caller's transaction; the event goes through the outbox, so the
release and its ``CodeSetReleased`` are committed together or not at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import Conflict, ValidationFailed
from claimflow_shared.events.contracts import CodeSetReleased
from claimflow_shared.messaging import outbox
from code_catalog.codes.formats import CodeSystem
from code_catalog.imports import staging
from code_catalog.imports.code_merge import MergeCounts, merge_codes
from code_catalog.imports.edit_merge import merge_addons, merge_mue, merge_ptp
from code_catalog.imports.fee_merge import merge_fees, merge_localities
from code_catalog.imports.kinds import DataSet, ImportKind, ReleaseName, name_release
from code_catalog.imports.plans import (
    checksum,
    data_set_of,
    input_files,
    plan_for,
    staged_rows,
)
from code_catalog.imports.rows import Progress, counted
from code_catalog.releases.models import Release
from code_catalog.releases.repository import ReleaseRepository

EARLIEST = {staging.STAGE_FEES: "effective_date", staging.STAGE_ADDON: "effective_date"}


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """What to import: a kind, its files, and the release name where the files do not say it."""

    kind: ImportKind
    files: Sequence[Path] = ()
    file_format: str | None = None
    version: str | None = None
    effective: date | None = None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The release an import made (or found already imported) and what it changed."""

    release_id: int
    label: str
    effective_date: date
    records: int
    counts: MergeCounts = field(default_factory=MergeCounts)
    unchanged: bool = False


def _outcome(release: Release, *, unchanged: bool) -> ImportOutcome:
    """Describe a stored release."""
    counts = MergeCounts(release.added, release.changed, release.terminated)
    return ImportOutcome(
        release.id, release.label, release.effective_date, release.records, counts, unchanged
    )


async def _stage(
    session: AsyncSession, request: ImportRequest, files: list[Path], progress: Progress | None
) -> tuple[str, int]:
    """Create the staging table and COPY every record into it; reject empty or doubled rows."""
    table = plan_for(request.kind, files[0], request.file_format).stage
    await staging.create_stage(session, table)
    rows = counted(staged_rows(request.kind, files, request.file_format), progress)
    try:
        records = await staging.copy_into(session, table, rows)
    except staging.DuplicateRow as duplicate:
        raise ValidationFailed(
            f"{files[0].name}: {duplicate} appears more than once", key=str(duplicate)
        ) from None
    if records == 0:
        raise ValidationFailed(f"{files[0].name}: the file holds no records", file=files[0].name)
    return table, records


async def _data_set(session: AsyncSession, kind: ImportKind) -> str:
    """The series of the staged file (a HCPCS file of modifiers only is its own series)."""
    if kind is not ImportKind.HCPCS:
        return data_set_of(kind)
    procedures = await session.scalar(
        text("SELECT count(*) FROM stage_codes WHERE system <> :modifier"),
        {"modifier": CodeSystem.MODIFIER.value},
    )
    return DataSet.HCPCS.value if procedures else DataSet.HCPCS_MODIFIERS.value


async def _earliest(session: AsyncSession, table: str) -> date | None:
    """The earliest date in a staged file that carries dates on each row."""
    column = EARLIEST.get(table)
    if column is None:
        return None
    value = await session.scalar(text(f"SELECT min({column}) FROM {table}"))
    return value if isinstance(value, date) else None


async def _check_order(repository: ReleaseRepository, name: ReleaseName) -> Release | None:
    """Refuse a version imported from other files, or one older than the latest; return that."""
    if await repository.by_name(name.data_set, name.version) is not None:
        raise Conflict(
            f"{name.label} was already imported from different files; import a corrected file "
            "under a new version",
            release=name.label,
        )
    latest = await repository.latest(name.data_set)
    if latest is not None and latest.effective_date > name.effective_date:
        raise Conflict(
            f"{name.label} (effective {name.effective_date}) is older than {latest.label} "
            f"(effective {latest.effective_date}); import releases in order",
            release=name.label,
        )
    return latest


async def _merge(
    session: AsyncSession, table: str, release: Release, previous: Release | None
) -> MergeCounts:
    """Apply the staged rows as ``release``; record a diff unless it is the series' first."""
    record_diff = previous is not None
    if table == staging.STAGE_CODES:
        return await merge_codes(
            session,
            release_id=release.id,
            effective=release.effective_date,
            previous_effective=previous.effective_date if previous else None,
            source=release.code_system,
        )
    if table == staging.STAGE_PTP:
        return await merge_ptp(session, release_id=release.id, record_diff=record_diff)
    if table == staging.STAGE_ADDON:
        return await merge_addons(session, release_id=release.id, record_diff=record_diff)
    if table == staging.STAGE_MUE:
        return await merge_mue(
            session,
            release_id=release.id,
            effective=release.effective_date,
            record_diff=record_diff,
        )
    if table == staging.STAGE_GPCI:
        return await merge_localities(session, effective=release.effective_date)
    return await merge_fees(
        session,
        release_id=release.id,
        previous_id=previous.id if previous else None,
        record_diff=record_diff,
    )


def _announce(session: AsyncSession, release: Release) -> None:
    """Publish ``CodeSetReleased`` through the outbox, in the import's transaction."""
    outbox.publish(
        session,
        CodeSetReleased(
            release_id=release.id,
            code_system=release.code_system,
            version=release.version,
            effective_date=release.effective_date,
            records=release.records,
            added=release.added,
            changed=release.changed,
            terminated=release.terminated,
            published_at=datetime.now(UTC),
        ),
    )


async def import_release(
    *, session: AsyncSession, request: ImportRequest, progress: Progress | None = None
) -> ImportOutcome:
    """Import one release in the caller's transaction; the same files twice change nothing."""
    files = input_files(request.kind, request.files)
    repository = ReleaseRepository(session)
    digest = await asyncio.to_thread(checksum, files)
    existing = await repository.by_checksum(digest)
    if existing is not None:
        return _outcome(existing, unchanged=True)
    table, records = await _stage(session, request, files, progress)
    name = name_release(
        request.kind,
        await _data_set(session, request.kind),
        files,
        version=request.version,
        effective=request.effective,
        earliest=await _earliest(session, table),
    )
    previous = await _check_order(repository, name)
    release = await repository.add(
        Release(
            code_system=name.data_set,
            version=name.version,
            effective_date=name.effective_date,
            source_name=", ".join(path.name for path in files)[:400],
            checksum=digest,
            records=records,
        )
    )
    counts = await _merge(session, table, release, previous)
    await staging.settle(session, table)
    release.added, release.changed, release.terminated = (
        counts.added,
        counts.changed,
        counts.terminated,
    )
    await session.flush()
    _announce(session, release)
    return _outcome(release, unchanged=False)

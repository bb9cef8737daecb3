"""Review tables built from the database: code spans per version, edits as imported.

Code spans cite the release of their own row; edit tables cite the latest release of their
series. MUE limits are the current ones (the engine keeps one limit per code).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.codes.formats import CodeSystem
from code_catalog.importers.records import (
    AddOnEditRecord,
    Icd10cmRecord,
    MueRecord,
    PosRecord,
    PtpEditRecord,
)
from code_catalog.imports.kinds import DataSet
from code_catalog.review import repository as queries
from code_catalog.review.builder import TableBuilder
from code_catalog.review.repository import TableSource
from code_catalog.review.tables import CatalogTables


@dataclass(frozen=True, slots=True)
class LoadedTables:
    """Review tables and the newest release they include."""

    tables: CatalogTables
    newest_release: int


def _ptp(rows: Sequence[Any]) -> Iterator[PtpEditRecord]:
    """PTP rows as parsed records."""
    for row in rows:
        yield PtpEditRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def _addons(rows: Sequence[Any]) -> Iterator[AddOnEditRecord]:
    """Add-on rows as parsed records."""
    for row in rows:
        yield AddOnEditRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])


def _mue(rows: Sequence[Any]) -> Iterator[MueRecord]:
    """MUE rows as parsed records."""
    for row in rows:
        yield MueRecord(row[0], row[1], row[2], row[3], row[4])


async def _codes(
    source: TableSource, builder: TableBuilder, labels: dict[int, str], pos_label: str
) -> None:
    """Procedure codes, modifiers, places of service and diagnoses."""
    async for rows in source.chunks(queries.PROCEDURES):
        for system, code, start, end, release in rows:
            add = builder.add_modifier if system == CodeSystem.MODIFIER else builder.add_procedure
            add(code, start, end, labels.get(release, ""))
    async for rows in source.chunks(queries.PLACES):
        builder.add_pos((PosRecord(row[0], "", "", None) for row in rows), pos_label)
    async for rows in source.chunks(queries.DIAGNOSES):
        spans: dict[tuple[int, Any, Any], list[Icd10cmRecord]] = {}
        for code, billable, start, end, release in rows:
            spans.setdefault((release, start, end), []).append(Icd10cmRecord(code, "", billable))
        for (release, start, end), records in spans.items():
            builder.add_icd10cm(records, labels.get(release, ""), start, end)


async def _edits(source: TableSource, builder: TableBuilder, latest: dict[str, str]) -> None:
    """NCCI PTP pairs, current MUEs and add-on edits."""
    async for rows in source.chunks(queries.PTP):
        builder.add_ptp(_ptp(rows), latest.get(DataSet.NCCI_PTP, ""))
    async for rows in source.chunks(queries.MUE):
        builder.add_mue(_mue(rows), latest.get(DataSet.MUE, ""))
    async for rows in source.chunks(queries.ADDONS):
        builder.add_addons(_addons(rows), latest.get(DataSet.ADDON, ""))


async def load_tables(session: AsyncSession) -> LoadedTables:
    """Build review tables from everything imported so far, in one read transaction."""
    source = TableSource(session)
    releases = await source.releases()
    labels = {release_id: label for release_id, label, _ in releases}
    latest = {series: label for _, label, series in releases}
    builder = TableBuilder()
    await _codes(source, builder, labels, latest.get(DataSet.POS, ""))
    await _edits(source, builder, latest)
    newest = max((release_id for release_id, _, _ in releases), default=0)
    return LoadedTables(builder.build(), newest)

"""The bulk reads that rebuild the review tables: one query per table, fetched in chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.imports.staging import driver_connection

CHUNK = 20_000
PROCEDURES = (
    "SELECT system, code, valid_from, valid_to, release_id FROM codes "
    "WHERE system IN ('CPT', 'HCPCS', 'modifier')"
)
PLACES = "SELECT code FROM codes WHERE system = 'POS' AND current AND valid_to IS NULL"
DIAGNOSES = (
    "SELECT code, billable, valid_from, valid_to, release_id FROM codes "
    "WHERE system = 'ICD-10-CM' ORDER BY release_id, valid_from, valid_to"
)
PTP = (
    "SELECT column1, column2, prior_to_1996, effective_date, deletion_date, modifier_indicator, "
    "rationale FROM ptp_edits"
)
MUE = (
    "SELECT code, max_units, adjudication_indicator, adjudication_label, rationale "
    "FROM mue_limits WHERE valid_to IS NULL"
)
ADDONS = (
    "SELECT addon_code, primary_code, edit_type, effective_date, deletion_date, "
    "addon_deletion_date, primary_deletion_date, notes FROM addon_edits"
)
RELEASES = (
    "SELECT id, code_system || ' ' || version AS label, code_system FROM releases "
    "ORDER BY effective_date, id"
)


class TableSource:
    """Streams the rows review needs from one read-only transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def chunks(self, query: str) -> AsyncIterator[Sequence[Any]]:
        """The rows of a query, a chunk at a time, through a server-side cursor."""
        driver = await driver_connection(self.session)
        cursor = await driver.cursor(query)
        while rows := await cursor.fetch(CHUNK):
            yield rows

    async def releases(self) -> list[tuple[int, str, str]]:
        """Every release: id, label and series, the latest effective last."""
        rows = await self.session.execute(text(RELEASES))
        return [(int(row.id), str(row.label), str(row.code_system)) for row in rows]

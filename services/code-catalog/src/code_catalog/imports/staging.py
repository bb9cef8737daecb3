"""Temporary staging tables, filled with COPY through the session's own connection.

Each table lives until the transaction ends (``ON COMMIT DROP``), so a failed import leaves
nothing behind and two imports in one transaction never share rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.imports.rows import (
    ADDON_COLUMNS,
    CODE_COLUMNS,
    FEE_COLUMNS,
    GPCI_COLUMNS,
    MUE_COLUMNS,
    PTP_COLUMNS,
    StageRow,
)

TARGETS = {
    "stage_codes": "codes",
    "stage_ptp": "ptp_edits",
    "stage_mue": "mue_limits",
    "stage_addon": "addon_edits",
    "stage_fees": "fee_schedule",
    "stage_gpci": "localities",
}
STAGE_CODES = "stage_codes"
STAGE_PTP = "stage_ptp"
STAGE_MUE = "stage_mue"
STAGE_ADDON = "stage_addon"
STAGE_FEES = "stage_fees"
STAGE_GPCI = "stage_gpci"

_DUPLICATE = re.compile(r"\)=\((.*)\) is duplicated")

DEFINITIONS = {
    STAGE_CODES: (
        "system text NOT NULL, code text NOT NULL, category text NOT NULL, billable boolean "
        "NOT NULL, short_descriptor text, long_descriptor text, valid_from date, valid_to date, "
        "change_from date, attributes jsonb NOT NULL, current_id bigint, action text, "
        "starts date"
    ),
    STAGE_PTP: (
        "column1 text NOT NULL, column2 text NOT NULL, effective_date date NOT NULL, "
        "deletion_date date, modifier_indicator smallint NOT NULL, prior_to_1996 boolean "
        "NOT NULL, rationale text NOT NULL, current_id bigint, action text"
    ),
    STAGE_MUE: (
        "code text NOT NULL, max_units integer NOT NULL, adjudication_indicator smallint "
        "NOT NULL, adjudication_label text NOT NULL, rationale text NOT NULL, current_id bigint, "
        "action text, starts date"
    ),
    STAGE_ADDON: (
        "addon_code text NOT NULL, primary_code text, edit_type smallint NOT NULL, "
        "effective_date date NOT NULL, deletion_date date, addon_deletion_date date, "
        "primary_deletion_date date, notes text NOT NULL, current_id bigint, action text"
    ),
    STAGE_FEES: (
        "code text NOT NULL, modifier text NOT NULL, description text NOT NULL, status_code "
        "text NOT NULL, work_rvu numeric NOT NULL, non_facility_pe_rvu numeric NOT NULL, "
        "facility_pe_rvu numeric NOT NULL, mp_rvu numeric NOT NULL, non_facility_total numeric "
        "NOT NULL, facility_total numeric NOT NULL, non_facility_pe_na boolean NOT NULL, "
        "facility_pe_na boolean NOT NULL, pctc_indicator text NOT NULL, global_days text "
        "NOT NULL, conversion_factor numeric NOT NULL, facility_payment numeric NOT NULL, "
        "non_facility_payment numeric NOT NULL, effective_date date NOT NULL, end_date date "
        "NOT NULL, current_id bigint, action text"
    ),
    STAGE_GPCI: (
        "locality text NOT NULL, name text NOT NULL, work_gpci numeric NOT NULL, pe_gpci "
        "numeric NOT NULL, mp_gpci numeric NOT NULL"
    ),
}
COLUMNS = {
    STAGE_CODES: CODE_COLUMNS,
    STAGE_PTP: PTP_COLUMNS,
    STAGE_MUE: MUE_COLUMNS,
    STAGE_ADDON: ADDON_COLUMNS,
    STAGE_FEES: FEE_COLUMNS,
    STAGE_GPCI: GPCI_COLUMNS,
}
KEYS = {
    STAGE_CODES: ("system", "code"),
    STAGE_PTP: ("column1", "column2", "effective_date"),
    STAGE_MUE: ("code",),
    STAGE_ADDON: ("addon_code", "coalesce(primary_code, '')", "effective_date"),
    STAGE_FEES: ("code", "modifier", "effective_date"),
    STAGE_GPCI: ("locality",),
}


async def driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def create_stage(session: AsyncSession, table: str) -> None:
    """Create an empty staging table for this transaction."""
    await session.execute(text(f"CREATE TEMP TABLE {table} ({DEFINITIONS[table]}) ON COMMIT DROP"))


class DuplicateRow(ValueError):
    """The file holds one key twice; the message names the key's values."""


def _duplicated_key(error: IntegrityError) -> str:
    """The values of the key PostgreSQL reports as duplicated, e.g. ``HCPCS, G0008``."""
    cause = getattr(error.orig, "__cause__", None)
    detail = str(getattr(cause, "detail", "") or "")
    match = _DUPLICATE.search(detail)
    return match.group(1) if match else detail or str(error.orig)


async def copy_into(session: AsyncSession, table: str, rows: Iterable[StageRow]) -> int:
    """COPY rows into a staging table, index its key (refusing a key seen twice) and analyze
    it; return how many rows it holds."""
    driver = await driver_connection(session)
    await driver.copy_records_to_table(table, records=rows, columns=list(COLUMNS[table]))
    keys = ", ".join(KEYS[table])
    try:
        await session.execute(text(f"CREATE UNIQUE INDEX ON {table} ({keys})"))
    except IntegrityError as error:
        raise DuplicateRow(_duplicated_key(error)) from None
    await session.execute(text(f"ANALYZE {table}"))
    return int(await session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


async def settle(session: AsyncSession, table: str) -> None:
    """After a merge: fold the search index's pending entries in (a GIN index scans its pending
    list on every query; after a bulk load that made searches 100 times slower) and refresh the
    planner's statistics of the table the staged rows went to."""
    target = TARGETS[table]
    if target == "codes":
        await session.execute(text("SELECT gin_clean_pending_list('ix_codes_search')"))
    await session.execute(text(f"ANALYZE {target}"))

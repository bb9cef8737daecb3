"""Merging staged NCCI PTP, MUE and add-on edits into their tables, with the release diff.

Only rows that differ from the stored ones are marked (an unmarked staged row is unchanged), so
a release that changes a few thousand of a million edits rewrites only those.

PTP and add-on rows are keyed by their codes and effective date and carry their own deletion
dates, so a later release edits them in place; a row missing from a later file is left alone
(CMS keeps deleted edits in the files, with their deletion dates). MUE rows have no dates: a
changed limit closes the current one the day before the release takes effect and opens the next,
and a code missing from the new file loses its limit that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.imports.code_merge import MergeCounts

PTP_CLASSIFY = """
UPDATE stage_ptp s SET current_id = p.id,
  action = CASE WHEN p.deletion_date IS NULL AND s.deletion_date IS NOT NULL
    THEN 'terminated' ELSE 'changed' END
FROM ptp_edits p
WHERE p.column1 = s.column1 AND p.column2 = s.column2 AND p.effective_date = s.effective_date
  AND (p.deletion_date, p.modifier_indicator, p.rationale, p.prior_to_1996)
    IS DISTINCT FROM (s.deletion_date, s.modifier_indicator, s.rationale, s.prior_to_1996)
"""
PTP_MARK_ADDED = """
UPDATE stage_ptp s SET action = 'added'
WHERE NOT EXISTS (SELECT 1 FROM ptp_edits p WHERE p.column1 = s.column1
  AND p.column2 = s.column2 AND p.effective_date = s.effective_date)
"""
PTP_SNAPSHOT = """jsonb_build_object('effective_date', {a}.effective_date,
  'deletion_date', {a}.deletion_date, 'modifier_indicator', {a}.modifier_indicator,
  'rationale', {a}.rationale)"""
PTP_DIFF = f"""
INSERT INTO release_changes (release_id, change, system, key, before, after)
SELECT CAST(:release AS integer), s.action, 'NCCI PTP', s.column1 || '/' || s.column2,
  CASE WHEN p.id IS NULL THEN NULL ELSE {PTP_SNAPSHOT.format(a="p")} END,
  {PTP_SNAPSHOT.format(a="s")}
FROM stage_ptp s LEFT JOIN ptp_edits p ON p.id = s.current_id
WHERE s.action IS NOT NULL
"""
PTP_UPDATE = """
UPDATE ptp_edits p SET deletion_date = s.deletion_date, modifier_indicator = s.modifier_indicator,
  rationale = s.rationale, prior_to_1996 = s.prior_to_1996, release_id = CAST(:release AS integer)
FROM stage_ptp s WHERE s.current_id = p.id AND s.action IN ('changed', 'terminated')
"""
PTP_INSERT = """
INSERT INTO ptp_edits (column1, column2, effective_date, deletion_date, modifier_indicator,
  prior_to_1996, rationale, release_id)
SELECT column1, column2, effective_date, deletion_date, modifier_indicator, prior_to_1996,
  rationale, CAST(:release AS integer)
FROM stage_ptp WHERE action = 'added'
"""

PTP_FIRST = """
INSERT INTO ptp_edits (column1, column2, effective_date, deletion_date, modifier_indicator,
  prior_to_1996, rationale, release_id)
SELECT column1, column2, effective_date, deletion_date, modifier_indicator, prior_to_1996,
  rationale, CAST(:release AS integer)
FROM stage_ptp ORDER BY column1, column2, effective_date
"""

ADDON_CLASSIFY = """
UPDATE stage_addon s SET current_id = a.id,
  action = CASE
    WHEN (a.edit_type, a.deletion_date, a.addon_deletion_date, a.primary_deletion_date, a.notes)
      IS NOT DISTINCT FROM
      (s.edit_type, s.deletion_date, s.addon_deletion_date, s.primary_deletion_date, s.notes)
      THEN 'same'
    WHEN a.deletion_date IS NULL AND s.deletion_date IS NOT NULL THEN 'terminated'
    ELSE 'changed'
  END
FROM addon_edits a
WHERE a.addon_code = s.addon_code AND coalesce(a.primary_code, '') = coalesce(s.primary_code, '')
  AND a.effective_date = s.effective_date
"""
ADDON_SNAPSHOT = """jsonb_build_object('edit_type', {a}.edit_type,
  'effective_date', {a}.effective_date, 'deletion_date', {a}.deletion_date)"""
ADDON_DIFF = f"""
INSERT INTO release_changes (release_id, change, system, key, before, after)
SELECT CAST(:release AS integer), s.action, 'AOC',
  s.addon_code || '/' || coalesce(s.primary_code, 'CCCCC'),
  CASE WHEN a.id IS NULL THEN NULL ELSE {ADDON_SNAPSHOT.format(a="a")} END,
  {ADDON_SNAPSHOT.format(a="s")}
FROM stage_addon s LEFT JOIN addon_edits a ON a.id = s.current_id
WHERE s.action <> 'same'
"""
ADDON_UPDATE = """
UPDATE addon_edits a SET edit_type = s.edit_type, deletion_date = s.deletion_date,
  addon_deletion_date = s.addon_deletion_date, primary_deletion_date = s.primary_deletion_date,
  notes = s.notes, release_id = CAST(:release AS integer)
FROM stage_addon s WHERE s.current_id = a.id AND s.action IN ('changed', 'terminated')
"""
ADDON_INSERT = """
INSERT INTO addon_edits (addon_code, primary_code, edit_type, effective_date, deletion_date,
  addon_deletion_date, primary_deletion_date, notes, release_id)
SELECT addon_code, primary_code, edit_type, effective_date, deletion_date, addon_deletion_date,
  primary_deletion_date, notes, CAST(:release AS integer)
FROM stage_addon WHERE action = 'added'
"""

MUE_CLASSIFY = """
UPDATE stage_mue s SET current_id = m.id,
  action = CASE
    WHEN (m.max_units, m.adjudication_indicator, m.adjudication_label, m.rationale)
      IS NOT DISTINCT FROM (s.max_units, s.adjudication_indicator, s.adjudication_label,
      s.rationale) THEN 'same'
    ELSE 'changed'
  END,
  starts = CASE WHEN CAST(:effective AS date) > m.valid_from THEN CAST(:effective AS date) END
FROM mue_limits m
WHERE m.valid_to IS NULL AND m.code = s.code
"""
MUE_SNAPSHOT = """jsonb_build_object('max_units', {a}.max_units,
  'adjudication_indicator', {a}.adjudication_indicator, 'rationale', {a}.rationale)"""
MUE_DIFF = f"""
INSERT INTO release_changes (release_id, change, system, key, before, after)
SELECT CAST(:release AS integer), s.action, 'MUE', s.code,
  CASE WHEN m.id IS NULL THEN NULL ELSE {MUE_SNAPSHOT.format(a="m")} END,
  {MUE_SNAPSHOT.format(a="s")}
FROM stage_mue s LEFT JOIN mue_limits m ON m.id = s.current_id
WHERE s.action <> 'same'
"""
MUE_ABSENT = f"""
WITH gone AS (
  SELECT m.* FROM mue_limits m
  WHERE m.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM stage_mue s WHERE s.code = m.code)
), diff AS (
  INSERT INTO release_changes (release_id, change, system, key, before, after)
  SELECT CAST(:release AS integer), 'terminated', 'MUE', g.code, {MUE_SNAPSHOT.format(a="g")}, NULL
  FROM gone g WHERE :record_diff
), ended AS (
  UPDATE mue_limits m SET valid_to = greatest(m.valid_from, CAST(:effective AS date) - 1)
  FROM gone g WHERE m.id = g.id
)
SELECT count(*) FROM gone
"""
MUE_IN_PLACE = """
UPDATE mue_limits m SET max_units = s.max_units, adjudication_indicator = s.adjudication_indicator,
  adjudication_label = s.adjudication_label, rationale = s.rationale,
  release_id = CAST(:release AS integer)
FROM stage_mue s WHERE s.current_id = m.id AND s.action = 'changed' AND s.starts IS NULL
"""
MUE_CLOSE = """
UPDATE mue_limits m SET valid_to = s.starts - 1
FROM stage_mue s WHERE s.current_id = m.id AND s.action = 'changed' AND s.starts IS NOT NULL
"""
MUE_INSERT = """
INSERT INTO mue_limits (code, max_units, adjudication_indicator, adjudication_label, rationale,
  valid_from, valid_to, release_id)
SELECT code, max_units, adjudication_indicator, adjudication_label, rationale,
  coalesce(starts, :effective), NULL, CAST(:release AS integer)
FROM stage_mue WHERE action = 'added' OR (action = 'changed' AND starts IS NOT NULL)
"""


async def _counted(session: AsyncSession, table: str, ended: int = 0) -> MergeCounts:
    """Staged rows by action, as merge counts."""
    rows = (await session.execute(text(f"SELECT action, count(*) FROM {table} GROUP BY 1"))).all()
    counts = {str(action): int(count) for action, count in rows}
    return MergeCounts(
        added=counts.get("added", 0),
        changed=counts.get("changed", 0),
        terminated=counts.get("terminated", 0) + ended,
    )


async def _run(session: AsyncSession, statements: tuple[str, ...], params: dict[str, Any]) -> None:
    """Execute statements in order with the same parameters."""
    for statement in statements:
        await session.execute(text(statement), params)


async def merge_ptp(session: AsyncSession, *, release_id: int, record_diff: bool) -> MergeCounts:
    """Apply staged NCCI PTP edits; the series' first release is inserted as it stands."""
    params = {"release": release_id}
    if not record_diff:
        result = await session.execute(text(PTP_FIRST), params)
        return MergeCounts(added=int(result.rowcount))  # type: ignore[attr-defined]
    await _run(session, (PTP_CLASSIFY, PTP_MARK_ADDED, PTP_DIFF, PTP_UPDATE, PTP_INSERT), params)
    return await _counted(session, "stage_ptp")


async def merge_addons(session: AsyncSession, *, release_id: int, record_diff: bool) -> MergeCounts:
    """Apply staged add-on code edits."""
    params = {"release": release_id}
    mark = "UPDATE stage_addon SET action = 'added' WHERE action IS NULL"
    await _run(session, (ADDON_CLASSIFY, mark), params)
    if record_diff:
        await _run(session, (ADDON_DIFF,), params)
    await _run(session, (ADDON_UPDATE, ADDON_INSERT), params)
    return await _counted(session, "stage_addon")


async def merge_mue(
    session: AsyncSession, *, release_id: int, effective: date, record_diff: bool
) -> MergeCounts:
    """Apply staged MUE limits as of the release's effective date."""
    params: dict[str, Any] = {"release": release_id, "effective": effective}
    mark = "UPDATE stage_mue SET action = 'added' WHERE action IS NULL"
    await _run(session, (MUE_CLASSIFY, mark), params)
    if record_diff:
        await _run(session, (MUE_DIFF,), params)
    ended = await session.scalar(text(MUE_ABSENT), {**params, "record_diff": record_diff})
    await _run(session, (MUE_IN_PLACE, MUE_CLOSE, MUE_INSERT), params)
    return await _counted(session, "stage_mue", int(ended or 0))

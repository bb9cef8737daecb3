"""Merging a staged Physician Fee Schedule into ``fee_schedule``, with the release diff.

Rows carry their own date ranges, so a new quarter adds rows beside the old ones. The diff
compares each code and modifier with the previous release: new ones are adds, new RVUs, status
or conversion factor are changes, and pairs the new file drops are terminations.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from code_catalog.imports.code_merge import MergeCounts

VALUES = (
    "status_code",
    "work_rvu",
    "non_facility_pe_rvu",
    "facility_pe_rvu",
    "mp_rvu",
    "non_facility_total",
    "facility_total",
    "conversion_factor",
    "global_days",
    "pctc_indicator",
)


def _row(alias: str) -> str:
    """The compared values of a row as a row constructor."""
    return "(" + ", ".join(f"{alias}.{name}" for name in VALUES) + ")"


SAME_KEY = f"""
UPDATE stage_fees s SET current_id = f.id,
  action = CASE WHEN {_row("f")} IS NOT DISTINCT FROM {_row("s")} THEN 'same' ELSE 'changed' END
FROM fee_schedule f
WHERE f.code = s.code AND f.modifier = s.modifier AND f.effective_date = s.effective_date
"""
AGAINST_PREVIOUS = f"""
UPDATE stage_fees s
SET action = CASE WHEN {_row("f")} IS NOT DISTINCT FROM {_row("s")} THEN 'carried'
  ELSE 'revalued' END
FROM fee_schedule f
WHERE s.action IS NULL AND f.release_id = CAST(:previous AS integer) AND f.code = s.code
  AND f.modifier = s.modifier
"""
MARK_ADDED = "UPDATE stage_fees SET action = 'added' WHERE action IS NULL"
SNAPSHOT = """jsonb_build_object('status_code', {a}.status_code, 'work_rvu', {a}.work_rvu,
  'facility_total', {a}.facility_total, 'non_facility_total', {a}.non_facility_total,
  'conversion_factor', {a}.conversion_factor, 'facility_payment', {a}.facility_payment,
  'non_facility_payment', {a}.non_facility_payment)"""
DIFF = f"""
INSERT INTO release_changes (release_id, change, system, key, before, after)
SELECT CAST(:release AS integer), CASE s.action WHEN 'added' THEN 'added' ELSE 'changed' END, 'PFS',
  s.code || CASE WHEN s.modifier = '' THEN '' ELSE '-' || s.modifier END,
  (SELECT {SNAPSHOT.format(a="f")} FROM fee_schedule f
    WHERE f.release_id = CAST(:previous AS integer) AND f.code = s.code
      AND f.modifier = s.modifier LIMIT 1),
  {SNAPSHOT.format(a="s")}
FROM stage_fees s WHERE s.action IN ('added', 'changed', 'revalued')
"""
DROPPED = f"""
WITH gone AS (
  SELECT DISTINCT ON (f.code, f.modifier) f.* FROM fee_schedule f
  WHERE f.release_id = CAST(:previous AS integer)
    AND NOT EXISTS (SELECT 1 FROM stage_fees s WHERE s.code = f.code AND s.modifier = f.modifier)
), diff AS (
  INSERT INTO release_changes (release_id, change, system, key, before, after)
  SELECT CAST(:release AS integer), 'terminated', 'PFS',
    g.code || CASE WHEN g.modifier = '' THEN '' ELSE '-' || g.modifier END,
    {SNAPSHOT.format(a="g")}, NULL
  FROM gone g WHERE :record_diff
)
SELECT count(*) FROM gone
"""
COLUMNS = (
    "code, modifier, description, status_code, work_rvu, non_facility_pe_rvu, facility_pe_rvu, "
    "mp_rvu, non_facility_total, facility_total, non_facility_pe_na, facility_pe_na, "
    "pctc_indicator, global_days, conversion_factor, facility_payment, non_facility_payment, "
    "effective_date, end_date"
)
IN_PLACE = (
    "UPDATE fee_schedule f SET ("
    + COLUMNS
    + ", release_id) = (SELECT "
    + ", ".join(f"s.{name.strip()}" for name in COLUMNS.split(","))
    + ", CAST(:release AS integer)) FROM stage_fees s"
    + " WHERE s.current_id = f.id AND s.action = 'changed'"
)
INSERT = (
    f"INSERT INTO fee_schedule ({COLUMNS}, release_id) SELECT {COLUMNS}, CAST(:release AS integer) "
    "FROM stage_fees WHERE action IN ('added', 'carried', 'revalued')"
)


async def merge_fees(
    session: AsyncSession, *, release_id: int, previous_id: int | None, record_diff: bool
) -> MergeCounts:
    """Apply a staged fee schedule as release ``release_id`` after ``previous_id``."""
    params = {"release": release_id, "previous": previous_id or 0}
    for statement in (SAME_KEY, AGAINST_PREVIOUS, MARK_ADDED):
        await session.execute(text(statement), params)
    if record_diff:
        await session.execute(text(DIFF), params)
    dropped = await session.scalar(text(DROPPED), {**params, "record_diff": record_diff})
    await session.execute(text(IN_PLACE), params)
    await session.execute(text(INSERT), params)
    rows = (await session.execute(text("SELECT action, count(*) FROM stage_fees GROUP BY 1"))).all()
    counts = {str(action): int(count) for action, count in rows}
    return MergeCounts(
        added=counts.get("added", 0),
        changed=counts.get("changed", 0) + counts.get("revalued", 0),
        terminated=int(dropped or 0),
    )


LOCALITY_COUNTS = """
SELECT
  count(*) FILTER (WHERE l.id IS NULL),
  count(*) FILTER (WHERE l.id IS NOT NULL
    AND (l.work_gpci, l.pe_gpci, l.mp_gpci) IS DISTINCT FROM (s.work_gpci, s.pe_gpci, s.mp_gpci))
FROM stage_gpci s
LEFT JOIN localities l ON l.locality = s.locality AND l.end_date IS NULL
"""
LOCALITIES_ENDED = """
WITH ended AS (
  UPDATE localities l SET end_date = CAST(:effective AS date) - 1
  WHERE l.end_date IS NULL AND l.effective_date < :effective
  RETURNING l.locality
)
SELECT count(*) FROM ended
WHERE NOT EXISTS (SELECT 1 FROM stage_gpci s WHERE s.locality = ended.locality)
"""
LOCALITIES_INSERT = """
INSERT INTO localities (locality, name, work_gpci, pe_gpci, mp_gpci, effective_date, end_date)
SELECT locality, name, work_gpci, pe_gpci, mp_gpci, :effective, NULL FROM stage_gpci
ON CONFLICT (locality, effective_date) DO UPDATE SET name = excluded.name,
  work_gpci = excluded.work_gpci, pe_gpci = excluded.pe_gpci, mp_gpci = excluded.mp_gpci
"""


async def merge_localities(session: AsyncSession, *, effective: date) -> MergeCounts:
    """A year's GPCIs from its effective date on; the previous year's rows end the day before."""
    params = {"effective": effective}
    added, changed = (await session.execute(text(LOCALITY_COUNTS))).one()
    dropped = await session.scalar(text(LOCALITIES_ENDED), params)
    await session.execute(text(LOCALITIES_INSERT), params)
    return MergeCounts(added=int(added), changed=int(changed), terminated=int(dropped or 0))

"""Merging a staged code set into the versioned ``codes`` table, set by set, and its diff.

A changed descriptor takes effect on the file's action date when that falls after the previous
release of the series (which still carried the old text), else on this release's date.

Each staged code is classified against its current row: ``added`` (no row), ``readded`` (its
row ended before this release and the file carries no dates of its own), ``changed``
(descriptors, billability or category differ), ``terminated`` or ``reinstated`` (only its end
date moved); an unchanged code stays unmarked, so a release rewrites only what it changes.
A change that takes effect after the current row began closes that row and opens a new version;
otherwise the row is edited in place. Codes this release's series maintains that the file no
longer carries end the day before the release takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

CLASSIFY = """
UPDATE stage_codes s SET current_id = c.id,
  action = CASE
    WHEN s.valid_from IS NULL AND c.valid_to IS NOT NULL AND c.valid_to < :effective
      THEN 'readded'
    WHEN (c.short_descriptor, c.long_descriptor, c.billable, c.category)
      IS DISTINCT FROM (s.short_descriptor, s.long_descriptor, s.billable, s.category)
      THEN 'changed'
    WHEN s.valid_to IS NULL THEN 'reinstated'
    ELSE 'terminated'
  END,
  starts = CASE
    WHEN s.valid_from IS NULL AND c.valid_to IS NOT NULL AND c.valid_to < :effective
      THEN CAST(:effective AS date)
    WHEN s.change_from > coalesce(CAST(:previous_effective AS date), DATE '-infinity')
      AND s.change_from > c.valid_from
      THEN s.change_from
    WHEN CAST(:effective AS date) > c.valid_from THEN CAST(:effective AS date)
  END
FROM codes c
WHERE c.current AND c.system = s.system AND c.code = s.code
  AND ((c.short_descriptor, c.long_descriptor, c.billable, c.category, c.valid_to)
    IS DISTINCT FROM (s.short_descriptor, s.long_descriptor, s.billable, s.category, s.valid_to)
    OR (s.valid_from IS NULL AND c.valid_to IS NOT NULL AND c.valid_to < :effective))
"""
MARK_ADDED = """
UPDATE stage_codes s SET action = 'added'
WHERE NOT EXISTS (
  SELECT 1 FROM codes c WHERE c.current AND c.system = s.system AND c.code = s.code
)
"""
SNAPSHOT = """jsonb_build_object('short', {a}.short_descriptor, 'long', {a}.long_descriptor,
  'billable', {a}.billable, 'category', {a}.category, 'valid_from', {v},
  'valid_to', {a}.valid_to)"""
DIFF = f"""
INSERT INTO release_changes (release_id, change, system, key, before, after)
SELECT CAST(:release AS integer),
  CASE s.action WHEN 'readded' THEN 'added' WHEN 'reinstated' THEN 'changed' ELSE s.action END,
  s.system, s.code,
  CASE WHEN c.id IS NULL THEN NULL ELSE {SNAPSHOT.format(a="c", v="c.valid_from")} END,
  {SNAPSHOT.format(a="s", v="coalesce(s.starts, s.valid_from, :effective)")}
FROM stage_codes s LEFT JOIN codes c ON c.id = s.current_id
WHERE s.action IS NOT NULL
"""
ABSENT = """
WITH gone AS (
  SELECT c.* FROM codes c
  WHERE c.current AND c.source = :source AND c.system = ANY(:systems)
    AND (c.valid_to IS NULL OR c.valid_to >= :effective)
    AND NOT EXISTS (SELECT 1 FROM stage_codes s WHERE s.system = c.system AND s.code = c.code)
), diff AS (
  INSERT INTO release_changes (release_id, change, system, key, before, after)
  SELECT CAST(:release AS integer), 'terminated', g.system, g.code,
    {before},
    jsonb_set({before}, '{{valid_to}}', to_jsonb(CAST(:effective AS date) - 1))
  FROM gone g WHERE :record_diff
), ended AS (
  UPDATE codes c SET valid_to = CAST(:effective AS date) - 1, release_id = CAST(:release AS integer)
  FROM gone g WHERE c.id = g.id
)
SELECT count(*) FROM gone
""".format(before=SNAPSHOT.format(a="g", v="g.valid_from"))
IN_PLACE = """
UPDATE codes c SET short_descriptor = s.short_descriptor, long_descriptor = s.long_descriptor,
  billable = s.billable, category = s.category, valid_to = s.valid_to,
  attributes = s.attributes, source = :source, release_id = CAST(:release AS integer)
FROM stage_codes s
WHERE s.current_id = c.id
  AND (s.action IN ('terminated', 'reinstated') OR (s.action = 'changed' AND s.starts IS NULL))
"""
CLOSE = """
UPDATE codes c SET current = false,
  valid_to = CASE WHEN s.action = 'changed'
    THEN least(coalesce(c.valid_to, s.starts - 1), s.starts - 1) ELSE c.valid_to END
FROM stage_codes s
WHERE s.current_id = c.id
  AND (s.action = 'readded' OR (s.action = 'changed' AND s.starts IS NOT NULL))
"""
INSERT = """
INSERT INTO codes (system, code, category, billable, short_descriptor, long_descriptor,
  valid_from, valid_to, current, source, release_id, attributes)
SELECT s.system, s.code, s.category, s.billable, s.short_descriptor, s.long_descriptor,
  CASE WHEN s.action = 'added' THEN coalesce(s.valid_from, :effective) ELSE s.starts END,
  s.valid_to, true, :source, CAST(:release AS integer), s.attributes
FROM stage_codes s
WHERE s.action IN ('added', 'readded') OR (s.action = 'changed' AND s.starts IS NOT NULL)
"""
COUNTS = "SELECT action, count(*) FROM stage_codes GROUP BY action"
SYSTEMS = "SELECT DISTINCT system FROM stage_codes"
ADDED = ("added", "readded")
CHANGED = ("changed", "reinstated")


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """How many rows a release added, changed and terminated."""

    added: int = 0
    changed: int = 0
    terminated: int = 0


async def _counts(session: AsyncSession) -> dict[str, int]:
    """Staged codes by action."""
    rows = (await session.execute(text(COUNTS))).all()
    return {str(action): int(count) for action, count in rows}


async def merge_codes(
    session: AsyncSession,
    *,
    release_id: int,
    effective: date,
    previous_effective: date | None,
    source: str,
) -> MergeCounts:
    """Apply the staged codes as release ``release_id`` of ``source``; the first release of a
    series records no per-code diff (everything in it is an add)."""
    record_diff = previous_effective is not None
    params: dict[str, Any] = {"release": release_id, "effective": effective, "source": source}
    await session.execute(text(CLASSIFY), {**params, "previous_effective": previous_effective})
    await session.execute(text(MARK_ADDED))
    if record_diff:
        await session.execute(text(DIFF), params)
    systems = list((await session.scalars(text(SYSTEMS))).all())
    ended = await session.scalar(
        text(ABSENT), {**params, "systems": systems, "record_diff": record_diff}
    )
    await session.execute(text(IN_PLACE), params)
    await session.execute(text(CLOSE), params)
    await session.execute(text(INSERT), params)
    counts = await _counts(session)
    return MergeCounts(
        added=sum(counts.get(action, 0) for action in ADDED),
        changed=sum(counts.get(action, 0) for action in CHANGED),
        terminated=counts.get("terminated", 0) + int(ended or 0),
    )

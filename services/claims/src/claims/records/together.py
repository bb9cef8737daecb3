"""Several tables written with one statement: one round trip and one plan however many rows.

An insert or update of many rows through the driver sends a bind and an execute per row, and
each table is a round trip of its own. Here each table's rows travel as one JSON array, read
back into rows by ``jsonb_populate_recordset``, and every table is a part of one statement:
the updates first, then the inserts in the order given, so a row may refer to one before it.
The rows of one table share their keys; an update matches rows on the table's primary key (one
column) and sets the other keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Table, TextClause, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from claims.base import Base, table_of

Rows = Mapping[type[Base], Sequence[dict[str, Any]]]
_Part = tuple[str, str, str, str, tuple[str, ...]]
"""How a table is written: update or insert, its name, its key column and that column's type,
the columns given."""


async def write_together(
    session: AsyncSession, *, update: Rows | None = None, insert: Rows | None = None
) -> None:
    """Update and insert rows of several tables in the caller's transaction, in one statement."""
    written = statement_of(update=update, insert=insert)
    if written is not None:
        await session.execute(*written)


def statement_of(
    *, update: Rows | None = None, insert: Rows | None = None
) -> tuple[TextClause, dict[str, Any]] | None:
    """The statement and parameters ``write_together`` runs; None when there are no rows."""
    parts: list[_Part] = []
    params: dict[str, Any] = {}
    for kind, rows in (("update", update or {}), ("insert", insert or {})):
        for model, batch in rows.items():
            if not batch:
                continue
            table = table_of(model)
            index = len(parts)
            key, key_type = "", ""
            if kind == "update":
                key, key_type = _key_of(table)
                params[f"keys{index}"] = [row[key] for row in batch]
            parts.append((kind, table.name, key, key_type, tuple(batch[0])))
            params[f"rows{index}"] = _json_rows(batch)
    return (_statement(tuple(parts)), params) if parts else None


@cache
def _key_of(table: Table) -> tuple[str, str]:
    """A table's one primary key column and its SQL type (compiled once per table)."""
    [column] = table.primary_key.columns
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return column.name, column.type.compile(dialect=dialect)


@cache
def _statement(parts: tuple[_Part, ...]) -> TextClause:
    """The statement writing these parts (cached: callers use a handful of shapes)."""
    written = [_part(index, *part) for index, part in enumerate(parts)]
    *first, last = written
    ctes = ", ".join(f"w{index} AS ({sql})" for index, sql in enumerate(first))
    return text(f"WITH {ctes} {last}" if ctes else last)


def _part(
    index: int, kind: str, table: str, key: str, key_type: str, columns: tuple[str, ...]
) -> str:
    rows = f'jsonb_populate_recordset(CAST(NULL AS "{table}"), CAST(:rows{index} AS jsonb))'
    if kind == "insert":
        listed = ", ".join(f'"{column}"' for column in columns)
        return f'INSERT INTO "{table}" ({listed}) SELECT {listed} FROM {rows}'
    sets = ", ".join(f'"{column}" = r."{column}"' for column in columns if column != key)
    # The keys again, as an array: the planner cannot see how many rows the JSON holds, and
    # without them it joins by scanning the whole table.
    return (
        f'UPDATE "{table}" AS t SET {sets} FROM {rows} AS r'
        f' WHERE t."{key}" = ANY(CAST(:keys{index} AS {key_type}[])) AND t."{key}" = r."{key}"'
    )


def _json_rows(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as a JSON array; decimals as strings, so no amount is rounded on the way."""
    return orjson.dumps(list(rows), default=_as_text).decode()


def _as_text(value: object) -> str:
    """What orjson leaves: decimals, and ids read back from the database (asyncpg's own UUID
    type)."""
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

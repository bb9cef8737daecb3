"""Every query over codes: versions of a code, batches of codes, lists and free-text search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from code_catalog.codes.models import Code
from code_catalog.codes.search import SearchQuery
from code_catalog.releases.models import Release

CODES = Code.__table__
RELEASES = Release.__table__
VERSION_COLUMNS = [column for column in CODES.c if column.key != "search"]
"""A version as lookups read it: every column but the search vector."""

# One statement for every lookup and validation batch: array parameters (= ANY) instead of IN
# lists, which SQLAlchemy would re-render for each length of the list. Both read plain rows on
# the session's connection: building ORM entities (identity map, instrumented attributes) cost
# more than the query itself for a single code.
VERSIONS = (
    select(*VERSION_COLUMNS)
    .where(
        CODES.c.code == any_(bindparam("codes", type_=ARRAY(String))),
        CODES.c.system == any_(bindparam("systems", type_=ARRAY(String))),
    )
    .order_by(CODES.c.system, CODES.c.code, CODES.c.valid_from)
)
LABELLED_VERSIONS = VERSIONS.add_columns(
    (RELEASES.c.code_system + " " + RELEASES.c.version).label("release")
).join_from(CODES, RELEASES, RELEASES.c.id == CODES.c.release_id)
RANK_NORMALIZATION = 1
NEGATION_PATTERN = r"\m(not|no)\M"
NEGATION_WEIGHT = 0.5
CANDIDATES = 200
SEARCH_COLUMNS = (
    Code.system,
    Code.code,
    Code.category,
    Code.billable,
    Code.short_descriptor,
    Code.long_descriptor,
    Code.valid_from,
    Code.valid_to,
)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What a search is narrowed to besides its words: versions in force on a day, and more."""

    active_on: date
    system: str | None = None
    category: str | None = None
    limit: int = 20


def covering(day: date) -> ColumnElement[bool]:
    """Versions in force on a day."""
    return and_(Code.valid_from <= day, or_(Code.valid_to.is_(None), Code.valid_to >= day))


class CodeRepository:
    """Reads codes within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def versions(self, codes: Iterable[str], systems: Iterable[str]) -> Sequence[Row[Any]]:
        """Every version of the given codes in the given systems, oldest first, in one query."""
        return await self._rows(VERSIONS, codes, systems)

    async def labelled_versions(
        self, codes: Iterable[str], systems: Iterable[str]
    ) -> Sequence[Row[Any]]:
        """Every version of the given codes with its release's label (``release``), in one
        query."""
        return await self._rows(LABELLED_VERSIONS, codes, systems)

    async def _rows(
        self, statement: Select[Any], codes: Iterable[str], systems: Iterable[str]
    ) -> Sequence[Row[Any]]:
        wanted = sorted(set(codes))
        if not wanted:
            return []
        connection = await self.session.connection()
        found = await connection.execute(
            statement, {"codes": wanted, "systems": sorted(set(systems))}
        )
        rows: Sequence[Row[Any]] = found.all()
        return rows

    async def listed(self, system: str, on: date | None) -> Sequence[Code]:
        """A whole (small) system: versions in force on a day, or the current ones."""
        query = select(Code).where(Code.system == system).order_by(Code.code)
        query = query.where(covering(on)) if on else query.where(Code.current)
        return (await self.session.scalars(query)).all()

    def _candidates(self, query: SearchQuery, filters: SearchFilters) -> Any:
        """The codes matching every word: the spelled code first, then the most concisely
        described, at most ``CANDIDATES`` of them."""
        query_value = func.to_tsquery(cast(literal("english"), REGCONFIG), query.tsquery)
        exact = case((Code.code == (query.code or ""), 0), else_=1).label("exact")
        size = func.length(func.coalesce(Code.long_descriptor, Code.short_descriptor, ""))
        statement = select(*SEARCH_COLUMNS, Code.search, exact).where(
            Code.search.op("@@")(query_value), covering(filters.active_on)
        )
        if filters.system:
            statement = statement.where(Code.system == filters.system)
        if filters.category:
            statement = statement.where(Code.category == filters.category)
        return statement.order_by(exact, size, Code.code).limit(CANDIDATES).cte("candidates")

    async def search(self, query: SearchQuery, filters: SearchFilters) -> Sequence[Any]:
        """Codes whose descriptors match a query, the best ranked first.

        Cover-density ranking costs about 13 microseconds a row, so a broad query (3,000
        fracture codes) is ranked over its most concise matches only."""
        found = self._candidates(query, filters)
        query_value = func.to_tsquery(cast(literal("english"), REGCONFIG), query.tsquery)
        rank: ColumnElement[Any] = func.ts_rank_cd(found.c.search, query_value, RANK_NORMALIZATION)
        if not query.negated:
            says_not = found.c.long_descriptor.regexp_match(NEGATION_PATTERN, "i")
            rank = rank * case((says_not, NEGATION_WEIGHT), else_=1.0)
        columns = [found.c[column.key] for column in SEARCH_COLUMNS]
        statement = (
            select(*columns, rank.label("rank"))
            .order_by(found.c.exact, rank.desc(), found.c.code)
            .limit(filters.limit)
        )
        return (await self.session.execute(statement)).all()

    async def release_labels(self, release_ids: Iterable[int]) -> dict[int, str]:
        """The labels of some releases by id."""
        ids = sorted(set(release_ids))
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Release.id, Release.code_system, Release.version).where(Release.id.in_(ids))
        )
        return {row.id: f"{row.code_system} {row.version}" for row in rows}

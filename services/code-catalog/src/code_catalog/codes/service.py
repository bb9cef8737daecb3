"""Code lookups as of a date, batch validation and free-text search."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import NotFound, ValidationFailed
from code_catalog.codes.candidates import candidates, display
from code_catalog.codes.formats import CodeCategory, CodeFormatError, CodeKind, CodeSystem
from code_catalog.codes.models import covers
from code_catalog.codes.repository import CodeRepository, SearchFilters
from code_catalog.codes.schemas import (
    CodeListOut,
    CodeOut,
    CodeVersionOut,
    ListedCode,
    SearchHit,
    SearchOut,
    ValidateIn,
    ValidateItem,
    ValidateOut,
    ValidateResult,
    ValidationStatus,
)
from code_catalog.codes.search import QueryRejected, parse_query

Versions = dict[tuple[str, str], list[Row[Any]]]


def _by_code(rows: Sequence[Row[Any]]) -> Versions:
    """Versions grouped by (system, code), oldest first."""
    grouped: Versions = defaultdict(list)
    for row in rows:
        grouped[(row.system, row.code)].append(row)
    return grouped


def _version_out(row: Row[Any]) -> CodeVersionOut:
    """One version for a response."""
    return CodeVersionOut(
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        short_descriptor=row.short_descriptor,
        long_descriptor=row.long_descriptor,
        billable=row.billable,
        release=row.release,
    )


def _code_out(versions: list[Row[Any]], on: date, others: list[CodeSystem]) -> CodeOut:
    """A code as of a date from its versions."""
    in_force = next((row for row in versions if covers(row, on)), None)
    shown = in_force or versions[-1]
    return CodeOut(
        code=shown.code,
        display=display(shown.code, shown.system),
        system=CodeSystem(shown.system),
        category=CodeCategory(shown.category),
        as_of=on,
        active=in_force is not None,
        billable=shown.billable,
        short_descriptor=shown.short_descriptor,
        long_descriptor=shown.long_descriptor,
        effective_date=versions[0].valid_from,
        termination_date=versions[-1].valid_to,
        version=_version_out(in_force) if in_force else None,
        history=[_version_out(row) for row in versions],
        other_systems=others,
        attributes={key: str(value) for key, value in shown.attributes.items()},
    )


async def lookup(
    *, session: AsyncSession, code: str, on: date, system: CodeSystem | None
) -> CodeOut:
    """A code as of a date; 422 when malformed, 404 when no system has it."""
    try:
        kinds = candidates(code, system)
    except CodeFormatError as error:
        raise ValidationFailed(str(error), field="code") from None
    rows = await CodeRepository(session).labelled_versions(
        {k.code for k in kinds}, {k.system for k in kinds}
    )
    found = _by_code(rows)
    hits = [kind for kind in kinds if (kind.system, kind.code) in found]
    if not hits:
        raise NotFound(f"{code.strip().upper()} is not a known code", code=code)
    versions = found[(hits[0].system, hits[0].code)]
    return _code_out(versions, on, [kind.system for kind in hits[1:]])


def _verdict(
    index: int, item: ValidateItem, kinds: list[CodeKind], found: Versions, on: date
) -> ValidateResult:
    """Judge one code of a batch against the versions fetched for the whole batch."""
    hits = [kind for kind in kinds if (kind.system, kind.code) in found]
    if not hits:
        system = item.system or kinds[0].system
        message = f"{kinds[0].code} is not a known {system} code"
        return ValidateResult(
            index=index,
            code=item.code,
            system=system,
            date=on,
            valid=False,
            status=ValidationStatus.UNKNOWN,
            message=message,
        )
    kind = hits[0]
    versions = found[(kind.system, kind.code)]
    in_force = next((row for row in versions if covers(row, on)), None)
    shown = in_force or versions[-1]
    status, message = ValidationStatus.VALID, f"{kind.code} is valid on {on}"
    if in_force is None:
        status = ValidationStatus.INACTIVE
        message = (
            f"{kind.code} is not valid on {on} (valid {versions[0].valid_from} to "
            f"{versions[-1].valid_to or 'open'}, with gaps where versions end)"
        )
    elif not in_force.billable:
        status = ValidationStatus.NOT_BILLABLE
        message = (
            f"{display(kind.code, kind.system)} is a header, not billable; use a code below it"
        )
    return ValidateResult(
        index=index,
        code=item.code,
        system=CodeSystem(kind.system),
        date=on,
        valid=status is ValidationStatus.VALID,
        status=status,
        message=message,
        billable=shown.billable,
        short_descriptor=shown.short_descriptor,
        effective_date=versions[0].valid_from,
        termination_date=versions[-1].valid_to,
    )


async def validate(*, session: AsyncSession, batch: ValidateIn, today: date) -> ValidateOut:
    """Validate every code of a batch with one query; malformed codes fail alone."""
    readings: list[list[CodeKind] | CodeFormatError] = []
    for item in batch.codes:
        try:
            readings.append(candidates(item.code, item.system))
        except CodeFormatError as error:
            readings.append(error)
    kinds = [kind for reading in readings if isinstance(reading, list) for kind in reading]
    rows = await CodeRepository(session).versions(
        {kind.code for kind in kinds}, {kind.system for kind in kinds}
    )
    found = _by_code(rows)
    results = []
    for index, (item, reading) in enumerate(zip(batch.codes, readings, strict=True)):
        on = item.date or batch.date or today
        if isinstance(reading, CodeFormatError):
            results.append(
                ValidateResult(
                    index=index,
                    code=item.code,
                    system=item.system,
                    date=on,
                    valid=False,
                    message=str(reading),
                    status=ValidationStatus.MALFORMED,
                )
            )
        else:
            results.append(_verdict(index, item, reading, found, on))
    valid = sum(result.valid for result in results)
    return ValidateOut(results=results, valid=valid, invalid=len(results) - valid)


async def search(*, session: AsyncSession, text: str, filters: SearchFilters) -> SearchOut:
    """The codes whose descriptors best match the words of a query."""
    try:
        query = parse_query(text)
    except QueryRejected as error:
        raise ValidationFailed(str(error), field="q") from None
    rows = await CodeRepository(session).search(query, filters)
    items = [
        SearchHit(
            code=row.code,
            display=display(row.code, row.system),
            system=CodeSystem(row.system),
            category=CodeCategory(row.category),
            billable=row.billable,
            short_descriptor=row.short_descriptor,
            long_descriptor=row.long_descriptor,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            rank=round(float(row.rank), 6),
        )
        for row in rows
    ]
    return SearchOut(query=text, items=items)


async def listing(*, session: AsyncSession, system: CodeSystem, on: date | None) -> CodeListOut:
    """Every modifier or place of service in force on a date, or now."""
    rows = await CodeRepository(session).listed(system.value, on)
    items = [
        ListedCode(
            code=row.code,
            short_descriptor=row.short_descriptor,
            long_descriptor=row.long_descriptor,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            source=row.source,
            attributes={key: str(value) for key, value in row.attributes.items()},
        )
        for row in rows
    ]
    return CodeListOut(system=system, as_of=on, items=items)

"""Plain builders of claims for the review tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from code_catalog.review.claim import ClaimForReview, ClaimLine

SERVICE_DATE = date(2025, 9, 15)


def service_line(
    number: int,
    code: str,
    *,
    day: date = SERVICE_DATE,
    units: Decimal | int = 1,
    modifiers: tuple[str, ...] = (),
    pointers: tuple[int, ...] = (1,),
    pos: str | None = None,
) -> ClaimLine:
    """A claim line pointing to the first diagnosis unless told otherwise."""
    return ClaimLine(
        line_number=number,
        code=code,
        units=units,
        service_date=day,
        modifiers=modifiers,
        diagnosis_pointers=pointers,
        place_of_service=pos,
    )


def claim(
    *lines: ClaimLine, diagnoses: tuple[str, ...] = ("E11.9",), pos: str | None = "11"
) -> ClaimForReview:
    """A claim of the given lines, one billable diagnosis, in an office."""
    return ClaimForReview(lines=lines, diagnosis_codes=diagnoses, place_of_service=pos)

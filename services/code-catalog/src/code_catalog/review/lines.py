"""Claim lines read once into the shape the rules use: canonical codes, dates as ordinals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from code_catalog.review.claim import ClaimForReview, ClaimLine

NCCI_MODIFIERS = frozenset(
    {"59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91"}
    | {"LT", "RT", "LC", "LD", "RC", "LM", "RI"}
    | {"E1", "E2", "E3", "E4", "FA", "TA"}
    | {f"F{digit}" for digit in range(1, 10)}
    | {f"T{digit}" for digit in range(1, 10)}
)


@dataclass(slots=True)
class ReviewLine:
    """One claim line as the rules read it; ``code`` stays blank until it proves well formed."""

    number: int
    raw_code: str
    code: str
    service_date: date
    day: int
    units: Decimal | int
    modifiers: tuple[str, ...]
    ncci_modifier: bool
    pointers: tuple[int, ...]
    place_of_service: str | None


def _place(code: str | None) -> str | None:
    """A place-of-service code trimmed, None where there is none."""
    return code.strip() if code else None


def review_line(line: ClaimLine, claim_pos: str | None) -> ReviewLine:
    """Read one claim line, upper-casing codes and resolving its place of service."""
    modifiers = tuple(modifier.strip().upper() for modifier in line.modifiers)
    return ReviewLine(
        number=line.line_number,
        raw_code=line.code,
        code="",
        service_date=line.service_date,
        day=line.service_date.toordinal(),
        units=line.units,
        modifiers=modifiers,
        ncci_modifier=not NCCI_MODIFIERS.isdisjoint(modifiers),
        pointers=line.diagnosis_pointers,
        place_of_service=_place(line.place_of_service or claim_pos),
    )


def review_lines(claim: ClaimForReview) -> list[ReviewLine]:
    """Read every line of a claim."""
    return [review_line(line, claim.place_of_service) for line in claim.lines]


def by_day(lines: list[ReviewLine]) -> dict[int, list[ReviewLine]]:
    """Group the lines with a well-formed code by date of service."""
    groups: dict[int, list[ReviewLine]] = defaultdict(list)
    for line in lines:
        if line.code:
            groups[line.day].append(line)
    return groups

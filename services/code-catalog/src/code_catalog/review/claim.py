"""The claim as code review sees it: its diagnoses, place of service and service lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One service line; a line's own place of service overrides the claim's."""

    line_number: int
    code: str
    units: Decimal | int
    service_date: date
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = ()
    place_of_service: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimForReview:
    """A claim's codes: diagnoses in the order pointers refer to them (1-based), and its lines."""

    lines: tuple[ClaimLine, ...]
    diagnosis_codes: tuple[str, ...] = ()
    place_of_service: str | None = None

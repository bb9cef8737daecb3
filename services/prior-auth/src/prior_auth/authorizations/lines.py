"""Requested and approved service lines, and the checks that keep approvals within requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from prior_auth.authorizations.status import AuthorizationValidationError
from prior_auth.requirements.matching import InvalidCodeRangeError, normalize_code


@dataclass(frozen=True, slots=True)
class RequestedLine:
    """One service the requester asks to have authorized: code, units and a date window."""

    line_number: int
    code: str
    units: int
    start_date: date
    end_date: date
    place_of_service: str | None = None

    @property
    def service_date(self) -> date:
        """The first date of the window, the date requirement rules are read on."""
        return self.start_date


@dataclass(frozen=True, slots=True)
class ApprovedLine:
    """What the payer authorized for one requested line."""

    line_number: int
    units: int
    start_date: date
    end_date: date

    def covers(self, day: date) -> bool:
        """Whether the day lies in the approved window (both ends inclusive)."""
        return self.start_date <= day <= self.end_date


def _check_window(*, field: str, units: int, start_date: date, end_date: date) -> None:
    """Refuse non-positive units and windows that end before they start."""
    if units < 1:
        raise AuthorizationValidationError(field=f"{field}.units", message="must be at least 1")
    if end_date < start_date:
        raise AuthorizationValidationError(
            field=f"{field}.end_date", message="must not be before start_date"
        )


def _check_unique(*, field: str, line_numbers: Sequence[int]) -> None:
    """Refuse a line number given twice."""
    seen: set[int] = set()
    for number in line_numbers:
        if number in seen:
            raise AuthorizationValidationError(
                field=field, message=f"line {number} appears more than once"
            )
        seen.add(number)


def validate_requested_lines(lines: Sequence[RequestedLine]) -> None:
    """Check a request's lines: at least one, unique numbers, valid codes, units and windows."""
    if not lines:
        raise AuthorizationValidationError(field="lines", message="at least one line is required")
    _check_unique(field="lines", line_numbers=[line.line_number for line in lines])
    for line in lines:
        field = f"lines[{line.line_number}]"
        try:
            normalize_code(line.code)
        except InvalidCodeRangeError as error:
            raise AuthorizationValidationError(field=f"{field}.code", message=str(error)) from None
        _check_window(
            field=field, units=line.units, start_date=line.start_date, end_date=line.end_date
        )


def _check_within(*, field: str, approved: ApprovedLine, requested: RequestedLine) -> None:
    """Refuse approved units or dates outside what the line requested."""
    if approved.units > requested.units:
        raise AuthorizationValidationError(
            field=f"{field}.units",
            message=f"{approved.units} approved exceeds {requested.units} requested",
        )
    if approved.start_date < requested.start_date or approved.end_date > requested.end_date:
        raise AuthorizationValidationError(
            field=f"{field}.start_date",
            message=(
                f"approved {approved.start_date}..{approved.end_date} lies outside requested "
                f"{requested.start_date}..{requested.end_date}"
            ),
        )


def validate_approved_lines(
    *, approved: Sequence[ApprovedLine], requested: Sequence[RequestedLine]
) -> None:
    """Check approved lines name requested lines once each and stay within their units and dates."""
    _check_unique(field="approved_lines", line_numbers=[line.line_number for line in approved])
    by_number = {line.line_number: line for line in requested}
    for line in approved:
        field = f"approved_lines[{line.line_number}]"
        wanted = by_number.get(line.line_number)
        if wanted is None:
            raise AuthorizationValidationError(
                field=f"{field}.line_number", message="no such requested line"
            )
        _check_window(
            field=field, units=line.units, start_date=line.start_date, end_date=line.end_date
        )
        _check_within(field=field, approved=line, requested=wanted)


def approve_as_requested(requested: Sequence[RequestedLine]) -> tuple[ApprovedLine, ...]:
    """Return approvals granting every requested line in full."""
    return tuple(
        ApprovedLine(
            line_number=line.line_number,
            units=line.units,
            start_date=line.start_date,
            end_date=line.end_date,
        )
        for line in requested
    )


def is_full_approval(
    *, approved: Sequence[ApprovedLine], requested: Sequence[RequestedLine]
) -> bool:
    """Whether every requested line is approved with all its units."""
    units = {line.line_number: line.units for line in approved}
    return all(units.get(line.line_number) == line.units for line in requested)

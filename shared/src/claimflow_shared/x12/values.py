"""Parsers for X12 simple data types: DT dates, TM times, R decimals, N0 integers, RD8 ranges."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

DECIMAL = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
OUTSIDE_CHARACTER_SET = re.compile("[^\x20-\x7e\xa1\xbf\xc0-\xd6\xd8-\xf6\xf8-\xff]")
"""A character no AN or ID element may hold: outside the basic and extended X12 character sets
(printable ASCII and the Latin national letters), so control characters such as NUL, the
replacement character a byte that is not UTF-8 decodes to, and any other script."""
_MAX_DECIMAL_DIGITS = 18
_ZERO = Decimal(0)


@lru_cache(maxsize=4096)
def parse_date(value: str) -> date | None:
    """Return the CCYYMMDD date, or None when it is not a real calendar date."""
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def is_date(value: str) -> bool:
    """Tell whether value is a CCYYMMDD calendar date."""
    return parse_date(value) is not None


def is_time(value: str) -> bool:
    """Tell whether value is an X12 TM time: HHMM, HHMMSS or HHMMSSd..d."""
    if not 4 <= len(value) <= 8 or not value.isdigit() or len(value) == 5:
        return False
    seconds = int(value[4:6]) if len(value) >= 6 else 0
    return int(value[:2]) < 24 and int(value[2:4]) < 60 and seconds < 60


def parse_range(value: str) -> tuple[date, date] | None:
    """Return the (start, end) of an RD8 CCYYMMDD-CCYYMMDD range, or None when invalid."""
    start_text, dash, end_text = value.partition("-")
    start, end = parse_date(start_text), parse_date(end_text)
    if not dash or start is None or end is None or end < start:
        return None
    return start, end


def parse_decimal(value: str) -> Decimal | None:
    """Return the X12 R (decimal) value, or None when it is not one."""
    if DECIMAL.fullmatch(value) is None:
        return None
    if sum(c.isdigit() for c in value) > _MAX_DECIMAL_DIGITS:
        return None
    return Decimal(value)


def to_decimal(value: str) -> Decimal:
    """Return value as a Decimal, or zero when it is not a number (validation reports that)."""
    try:
        return Decimal(value)
    except ArithmeticError:
        return _ZERO


def parse_int(value: str) -> int | None:
    """Return the X12 N0 (unsigned integer) value, or None when it is not one."""
    return int(value) if value.isdigit() else None

"""The control numbers of the X12 replies this service sends."""

from __future__ import annotations

from sqlalchemy import Sequence

from prior_auth.base import Base

CONTROL_NUMBERS = Sequence(
    "x12_control_numbers",
    start=1,
    minvalue=1,
    maxvalue=999_999_999,
    cycle=True,
    metadata=Base.metadata,
)
"""ISA13/GS06 of the 999 and 278 replies (nine digits, wrapping around)."""

"""Codes as versioned rows: each row is one code's descriptors over a span of days.

A code is valid on a day when one of its rows covers it (``valid_from`` to ``valid_to``, both
included; an open ``valid_to`` runs on). The latest row of a code is its ``current`` one; a new
release either edits that row in place (a termination date set or lifted) or closes it and adds
the next version (a descriptor or billability change that takes effect later).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from sqlalchemy import BigInteger, Boolean, Computed, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from code_catalog.base import Base

SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, code), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(short_descriptor, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(long_descriptor, '')), 'B')"
)


class Code(Base):
    """One version of a code: its descriptors, billability and the days it covers."""

    __tablename__ = "codes"
    __table_args__ = (
        Index(
            "ix_codes_current",
            "system",
            "code",
            unique=True,
            postgresql_where=text("current"),
        ),
        Index("ix_codes_code", "code", "system", "valid_from"),
        Index("ix_codes_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    system: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(24))
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    short_descriptor: Mapped[str | None] = mapped_column(Text)
    long_descriptor: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(24))
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    search: Mapped[str] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), deferred=True
    )


class Dated(Protocol):
    """Anything with a version's days: a ``Code`` or a row read with its columns."""

    @property
    def valid_from(self) -> date: ...

    @property
    def valid_to(self) -> date | None: ...


def covers(version: Dated, day: date) -> bool:
    """Whether ``version`` is in force on ``day``."""
    return version.valid_from <= day and (version.valid_to is None or day <= version.valid_to)

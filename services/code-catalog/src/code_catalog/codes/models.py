"""Code sets: releases and the codes they carry, each valid over a date range."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the code-catalog tables."""

    metadata = service_metadata()


class Release(Base):
    """One published version of a code system (e.g. HCPCS 2025 October)."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("code_system", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code_system: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(40))
    effective_date: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Code(Base):
    """A code of a code system as valid from ``effective_date`` until ``termination_date``."""

    __tablename__ = "codes"
    __table_args__ = (
        UniqueConstraint("code_system", "code", "effective_date"),
        Index("ix_codes_lookup", "code", "code_system"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code_system: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(8))
    category: Mapped[str | None] = mapped_column(String(20))
    short_descriptor: Mapped[str | None] = mapped_column(Text)
    long_descriptor: Mapped[str | None] = mapped_column(Text)
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    effective_date: Mapped[date] = mapped_column(Date)
    termination_date: Mapped[date | None] = mapped_column(Date)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"))

"""Releases of code sets and edit tables, and what each changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from code_catalog.base import Base


class Release(Base):
    """One published version of a data set (e.g. HCPCS 2025 October), imported once."""

    __tablename__ = "releases"
    __table_args__ = (
        Index("uq_releases_code_system", "code_system", "version", unique=True),
        Index("ix_releases_checksum", "code_system", "checksum"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code_system: Mapped[str] = mapped_column(String(24))
    version: Mapped[str] = mapped_column(String(40))
    effective_date: Mapped[date] = mapped_column(Date)
    source_name: Mapped[str] = mapped_column(String(400))
    checksum: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    terminated: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    @property
    def label(self) -> str:
        """How findings and messages name the release."""
        return f"{self.code_system} {self.version}"


class ReleaseChange(Base):
    """One add, change or termination a release brought, with the values before and after."""

    __tablename__ = "release_changes"
    __table_args__ = (Index("ix_release_changes_release", "release_id", "change", "key"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    change: Mapped[str] = mapped_column(String(12))
    system: Mapped[str] = mapped_column(String(12))
    key: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

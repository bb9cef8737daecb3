"""The Physician Fee Schedule: relative value units and payment of a code and modifier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from code_catalog.base import Base


class FeeScheduleEntry(Base):
    """One PPRRVU row over its date range, with the national payment it yields."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        Index("uq_fee_schedule_code", "code", "modifier", "effective_date", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status_code: Mapped[str] = mapped_column(String(2))
    work_rvu: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    non_facility_pe_rvu: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    facility_pe_rvu: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    mp_rvu: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    non_facility_total: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    facility_total: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    non_facility_pe_na: Mapped[bool] = mapped_column(Boolean, default=False)
    facility_pe_na: Mapped[bool] = mapped_column(Boolean, default=False)
    pctc_indicator: Mapped[str] = mapped_column(String(2), default="")
    global_days: Mapped[str] = mapped_column(String(4), default="")
    conversion_factor: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    facility_payment: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    non_facility_payment: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    effective_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))


class PracticeLocality(Base):
    """A Medicare payment locality and its geographic practice cost indices (GPCIs)."""

    __tablename__ = "localities"
    __table_args__ = (Index("uq_localities_code", "locality", "effective_date", unique=True),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    locality: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(Text, default="")
    work_gpci: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    pe_gpci: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    mp_gpci: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    effective_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

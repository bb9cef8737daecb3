"""Payer policies the intake edits read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from claims.base import Base


class PayerPolicy(Base):
    """A payer's intake rules; a payer without a row gets the service defaults."""

    __tablename__ = "payer_policies"

    payer_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    timely_filing_days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

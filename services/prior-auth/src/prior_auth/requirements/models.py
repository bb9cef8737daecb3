"""The requirement rules payers keep: which codes, plans and places need an authorization."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from prior_auth.base import Base


class Requirement(Base):
    """A payer's rule: codes in [code_from, code_to] need (or are exempt from) authorization."""

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    payer_id: Mapped[str] = mapped_column(String(80), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(80))
    code_from: Mapped[str] = mapped_column(String(8))
    code_to: Mapped[str] = mapped_column(String(8))
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(10), default="required")
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

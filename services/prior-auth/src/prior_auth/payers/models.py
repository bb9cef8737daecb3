"""Per-payer settings: the decision-deadline policy and the demo payer's simulator profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from prior_auth.base import Base


class PayerSettings(Base):
    """One payer's deadline policy (CMS-0057-F windows, time zone, pauses, warning lead)."""

    __tablename__ = "payer_settings"

    payer_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    standard_days: Mapped[int] = mapped_column(Integer)
    expedited_hours: Mapped[int] = mapped_column(Integer)
    pause_while_pended: Mapped[bool] = mapped_column(Boolean)
    warn_before_hours: Mapped[int] = mapped_column(Integer)
    max_extension_days: Mapped[int] = mapped_column(Integer, server_default="14")
    max_extensions: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class SimulatorProfile(Base):
    """How the payer simulator answers one payer's requests (gold card, denials, delays)."""

    __tablename__ = "simulator_profiles"

    payer_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    gold_card_codes: Mapped[list[str]] = mapped_column(ARRAY(String(8)))
    denied_codes: Mapped[dict[str, str]] = mapped_column(JSONB)
    approve_after_seconds: Mapped[int] = mapped_column(Integer)
    pend_after_seconds: Mapped[int] = mapped_column(Integer)
    deny_after_seconds: Mapped[int] = mapped_column(Integer)
    information_needed: Mapped[str] = mapped_column(Text)
    approve_on_appeal: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

"""Claims and their status history."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the claims service's tables."""

    metadata = service_metadata()


class Claim(Base):
    """A professional claim and the state of its review."""

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_tenant_status", "tenant_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(30))
    payer_id: Mapped[str] = mapped_column(String(80))
    billing_npi: Mapped[str] = mapped_column(String(10))
    patient_ref: Mapped[str] = mapped_column(String(80))
    place_of_service: Mapped[str] = mapped_column(String(2))
    frequency: Mapped[str] = mapped_column(String(1), default="1")
    total_charge: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    code_review: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    auth_check: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ClaimTransition(Base):
    """One status change of a claim: from, to, why, by whom, when."""

    __tablename__ = "claim_transitions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

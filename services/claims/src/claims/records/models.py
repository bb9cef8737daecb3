"""Claims, their service lines, demographics, duplicate fingerprints, history and review actions.

Patient and subscriber identity lives only in ``claim_demographics``: nothing that builds events,
log lines or spans reads that table.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from claims.base import Base


class Claim(Base):
    """A professional claim (837P / CMS-1500) and the state of its review."""

    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_tenant_submitted", "tenant_id", "submitted_at", "id"),
        Index("ix_claims_tenant_status_submitted", "tenant_id", "status", "submitted_at", "id"),
        Index("ix_claims_tenant_claim_number", "tenant_id", "claim_number"),
        Index("ix_claims_inquiry", "tenant_id", "payer_id", "billing_npi", "patient_ref"),
        Index(
            "uq_claims_tenant_x12_key",
            "tenant_id",
            "x12_key",
            unique=True,
            postgresql_where=text("x12_key IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(10), default="json")
    claim_number: Mapped[str | None] = mapped_column(String(50))
    payer_id: Mapped[str] = mapped_column(String(80))
    billing_npi: Mapped[str] = mapped_column(String(10))
    rendering_npi: Mapped[str | None] = mapped_column(String(10))
    patient_ref: Mapped[str] = mapped_column(String(80))
    place_of_service: Mapped[str] = mapped_column(String(2))
    frequency: Mapped[str] = mapped_column(String(1), default="1")
    original_ref: Mapped[str | None] = mapped_column(String(80))
    original_claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("claims.id"))
    prior_auth_number: Mapped[str | None] = mapped_column(String(50))
    diagnosis_codes: Mapped[list[str]] = mapped_column(ARRAY(String(8)))
    total_charge: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    service_from: Mapped[date] = mapped_column(Date)
    service_to: Mapped[date] = mapped_column(Date)
    x12_key: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    code_review: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    auth_check: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    assigned_to: Mapped[str | None] = mapped_column(String(120))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    """Set by the code that changes the claim, from the service's clock."""


class ClaimLine(Base):
    """One service line: procedure code, modifiers, units, charge, dates and pointers."""

    __tablename__ = "claim_lines"

    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    line_number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(5))
    modifiers: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    units: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    charge: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    service_from: Mapped[date] = mapped_column(Date)
    service_to: Mapped[date] = mapped_column(Date)
    diagnosis_pointers: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger))
    rendering_npi: Mapped[str | None] = mapped_column(String(10))
    prior_auth_number: Mapped[str | None] = mapped_column(String(50))
    place_of_service: Mapped[str | None] = mapped_column(String(2))


class ClaimDemographics(Base):
    """Patient and subscriber identity needed for billing; never read into events or logs."""

    __tablename__ = "claim_demographics"

    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    member_id: Mapped[str | None] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(50))
    relationship: Mapped[str | None] = mapped_column(String(2))
    subscriber: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    patient: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class ClaimFingerprint(Base):
    """A line a live claim holds for the duplicate edit: one holder per fingerprint and tenant.

    Inserting with ON CONFLICT DO NOTHING makes the duplicate check atomic under concurrency;
    a claim that leaves the live statuses gives its fingerprints up.
    """

    __tablename__ = "claim_fingerprints"

    tenant_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    line_number: Mapped[int] = mapped_column(SmallInteger)


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


class ReviewAction(Base):
    """What a person did to a claim in the ops queue: take, override, reject, return."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

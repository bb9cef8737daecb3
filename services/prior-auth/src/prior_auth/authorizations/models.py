"""Authorization requests, their lines and documents, their audit trail and idempotency keys."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from prior_auth.base import Base


class Authorization(Base):
    """One authorization request of a submitting tenant to a payer, and where it stands.

    ``deadline_policy`` is the payer's policy when the request was received: a later change of
    the payer's settings does not move the deadlines of requests already in flight.
    """

    __tablename__ = "authorizations"
    __table_args__ = (
        Index("ix_authorizations_tenant_status", "tenant_id", "status"),
        Index("ix_authorizations_payer_status", "payer_id", "status"),
        Index("ix_authorizations_holder", "tenant_id", "payer_id", "patient_ref"),
        Index(
            "ix_authorizations_awaiting_deadline",
            "due_soon_at",
            postgresql_where=text(
                "status IN ('submitted', 'pended', 'contact_payer', 'in_appeal')"
            ),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(100))
    payer_id: Mapped[str] = mapped_column(String(80))
    plan_id: Mapped[str | None] = mapped_column(String(80))
    patient_ref: Mapped[str] = mapped_column(String(80))
    subscriber_ref: Mapped[str] = mapped_column(String(80))
    requesting_npi: Mapped[str] = mapped_column(String(10))
    servicing_npi: Mapped[str] = mapped_column(String(10))
    priority: Mapped[str] = mapped_column(String(10))
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(30))
    authorization_number: Mapped[str | None] = mapped_column(String(50))
    information_needed: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    modification: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(2))
    appealed: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline_policy: Mapped[dict[str, Any]] = mapped_column(JSONB)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_soon_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    clock_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    first_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_soon_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_transition_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthorizationLine(Base):
    """A requested service line, what the payer approved of it, and the units claims used."""

    __tablename__ = "authorization_lines"
    __table_args__ = (
        CheckConstraint("used_units >= 0", name="used_units_not_negative"),
        Index("ix_authorization_lines_code", "code"),
    )

    authorization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("authorizations.id"), primary_key=True
    )
    line_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8))
    modifiers: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    units: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    diagnosis_codes: Mapped[list[str]] = mapped_column(ARRAY(String(8)))
    approved_units: Mapped[int | None] = mapped_column(Integer)
    approved_start: Mapped[date | None] = mapped_column(Date)
    approved_end: Mapped[date | None] = mapped_column(Date)
    used_units: Mapped[int] = mapped_column(Integer, default=0)


class AuthorizationDocument(Base):
    """Metadata of a supporting document (the file itself lives with the requester)."""

    __tablename__ = "authorization_documents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    authorization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("authorizations.id"), index=True)
    document_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(120))


class AuthorizationTransition(Base):
    """One step of an authorization's audit trail: what, from where to where, who and when."""

    __tablename__ = "authorization_transitions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    authorization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("authorizations.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(20))
    action_code: Mapped[str | None] = mapped_column(String(3))
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, str]] = mapped_column(JSONB)


class IdempotencyRecord(Base):
    """A submitter's Idempotency-Key, the hash of the body it came with, and the answer given."""

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

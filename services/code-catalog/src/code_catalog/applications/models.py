"""New-code applications, their audit trail, the panel's meetings, and interim code mappings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from code_catalog.base import Base

TZ = DateTime(timezone=True)


class PanelMeeting(Base):
    """A meeting of the coding panel; applications join the first whose agenda is still open."""

    __tablename__ = "panel_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    meeting_date: Mapped[date] = mapped_column(Date, unique=True)
    agenda_deadline: Mapped[date] = mapped_column(Date)


class CodeApplication(Base):
    """A practice's request for a new code, from draft to publication."""

    __tablename__ = "code_applications"
    __table_args__ = (Index("ix_code_applications_tenant", "tenant_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(3))
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("panel_meetings.id"))
    assigned_code: Mapped[str | None] = mapped_column(String(5))
    effective_date: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())


class ApplicationEvent(Base):
    """One transition of an application: from, to, who, when and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("code_applications.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor_key_id: Mapped[str] = mapped_column(String(64))
    actor_tenant: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())


class CustomCodeMapping(Base):
    """A practice's internal code and the billing code it uses until its own code is published."""

    __tablename__ = "custom_code_mappings"
    __table_args__ = (Index("uq_custom_code_mappings", "tenant_id", "custom_code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(100))
    custom_code: Mapped[str] = mapped_column(String(40))
    billing_code: Mapped[str] = mapped_column(String(8))
    application_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("code_applications.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZ, server_default=func.now())

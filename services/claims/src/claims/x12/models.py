"""Received interchanges and the acknowledgments sent back for them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, Sequence, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from claims.base import Base

CONTROL_NUMBERS = Sequence(
    "x12_control_numbers",
    start=1,
    minvalue=1,
    maxvalue=999_999_999,
    cycle=True,
    metadata=Base.metadata,
)
"""ISA13/GS06 of the acknowledgments this service sends (nine digits, wrapping around)."""


class X12Submission(Base):
    """One received 837 interchange: its envelope, counts and the answer given (999, 277CA).

    The interchange itself is not kept: its claims are, and its identity parts only in
    ``claim_demographics``.
    """

    __tablename__ = "x12_submissions"
    __table_args__ = (Index("ix_x12_submissions_tenant_received", "tenant_id", "received_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(100))
    sender_id: Mapped[str] = mapped_column(String(15))
    control_number: Mapped[str] = mapped_column(String(9))
    body_sha256: Mapped[str] = mapped_column(String(64))
    interchange_status: Mapped[str] = mapped_column(String(1))
    claims_accepted: Mapped[int] = mapped_column(Integer)
    claims_rejected: Mapped[int] = mapped_column(Integer)
    ack999: Mapped[str] = mapped_column(Text)
    ack277ca: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

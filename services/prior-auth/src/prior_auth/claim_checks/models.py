"""Claims the authorization check answered, and the authorization units each claim line uses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from prior_auth.base import Base


class ClaimCheck(Base):
    """The latest answer for one claim, with the lines needed to check it again later.

    ``released_at`` is set when the claim can no longer use authorization units: voided,
    replaced, or rejected by the claims service. Released checks are never re-checked.
    """

    __tablename__ = "claim_checks"
    __table_args__ = (
        Index(
            "ix_claim_checks_pending",
            "tenant_id",
            "payer_id",
            "patient_ref",
            postgresql_where=text("outcome <> 'clear' AND released_at IS NULL"),
        ),
    )

    claim_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(100))
    payer_id: Mapped[str] = mapped_column(String(80))
    patient_ref: Mapped[str] = mapped_column(String(80))
    place_of_service: Mapped[str] = mapped_column(String(2))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    result: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    outcome: Mapped[str] = mapped_column(String(10))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_reason: Mapped[str | None] = mapped_column(String(40))


class UnitConsumption(Base):
    """Units one claim line drew from one authorization line; released rows gave them back."""

    __tablename__ = "unit_consumptions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["authorization_id", "authorization_line_number"],
            ["authorization_lines.authorization_id", "authorization_lines.line_number"],
        ),
        Index("ix_unit_consumptions_claim_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(String(64))
    claim_line_number: Mapped[int] = mapped_column(Integer)
    authorization_id: Mapped[uuid.UUID] = mapped_column()
    authorization_line_number: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    consumed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

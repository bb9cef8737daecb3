"""Prior-auth tables (the requirement rules the claim check reads)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the prior-auth tables."""

    metadata = service_metadata()


class Requirement(Base):
    """A payer's rule: services with codes in [code_from, code_to] need an authorization."""

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    payer_id: Mapped[str] = mapped_column(String(80), index=True)
    code_from: Mapped[str] = mapped_column(String(8))
    code_to: Mapped[str] = mapped_column(String(8))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)

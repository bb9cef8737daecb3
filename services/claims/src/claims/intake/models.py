"""Idempotency keys: the answer given to a request, kept with the claims it made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from claims.base import Base


class IdempotencyRecord(Base):
    """A tenant's ``Idempotency-Key``: the request it was first used with and the answer.

    The answer is kept as the exact JSON text sent, so a replay is the same bytes.

    Written in the transaction that stores the claims, so a key exists exactly when its claims
    do; a second request with the key waits for the first to commit, then replays its answer.
    """

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(100))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

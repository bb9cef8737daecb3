"""The declarative base every notifications table shares."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the notifications tables."""

    metadata = service_metadata()

"""The declarative base every prior-auth table derives from."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the prior-auth tables."""

    metadata = service_metadata()

"""The declarative base every code-catalog table hangs from."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the code-catalog tables."""

    metadata = service_metadata()

"""The declarative base of the claims service's tables."""

from sqlalchemy.orm import DeclarativeBase

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the claims service's tables."""

    metadata = service_metadata()

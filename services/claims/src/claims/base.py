"""The declarative base of the claims service's tables."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

from claimflow_shared.db import service_metadata


class Base(DeclarativeBase):
    """Declarative base of the claims service's tables."""

    metadata = service_metadata()


def table_of(model: type[Base]) -> Table:
    """A model's table, for core inserts that skip the ORM's per-row bookkeeping."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table

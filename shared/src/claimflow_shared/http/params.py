"""Path and query parameter types shared by the service APIs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

INT4_MAX = 2**31 - 1

SerialId = Annotated[
    int, Path(ge=1, le=INT4_MAX, description="A row id (a PostgreSQL serial: 1 to 2^31-1)")
]
"""A path id backed by an ``integer`` serial column: larger numbers are a 422, not a database
error."""

"""Response bodies of the releases API."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class ChangeKind(StrEnum):
    """What a release did to one code or edit."""

    ADDED = "added"
    CHANGED = "changed"
    TERMINATED = "terminated"


class ReleaseOut(BaseModel):
    """One imported release and how much it changed."""

    id: int
    code_system: str
    version: str
    label: str
    effective_date: date
    source_name: str
    records: int
    added: int
    changed: int
    terminated: int
    imported_at: datetime


class ReleaseListOut(BaseModel):
    """A page of releases, the latest effective first."""

    items: list[ReleaseOut]


class ChangeOut(BaseModel):
    """One row of a diff: the values before and after the release."""

    change: ChangeKind
    system: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class DiffOut(BaseModel):
    """A page of a release's diff in key order; pass ``next_after`` as ``after`` for the next."""

    release: ReleaseOut
    baseline: bool = Field(
        description="The first release of its series: every row is an add and none is listed"
    )
    counts: dict[ChangeKind, int]
    items: list[ChangeOut]
    next_after: str | None

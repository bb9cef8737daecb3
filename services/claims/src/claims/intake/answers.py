"""The answers intake gives: per claim, and for a batch."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel

from claims.intake.service import Submitted
from claims.status.schemas import FindingOut


class ClaimAccepted(BaseModel):
    """Intake's answer for one stored claim: its id, status, where to follow it, findings."""

    claim_id: uuid.UUID
    status: str
    status_url: str
    findings: list[FindingOut] = []
    repeated: bool = False


class BatchItem(BaseModel):
    """One claim of a batch: stored (with its answer) or refused (with the field errors)."""

    index: int
    claim: ClaimAccepted | None = None
    errors: list[dict[str, Any]] = []


class BatchAccepted(BaseModel):
    """A batch's answer: counts and one item per submitted claim, in order."""

    stored: int
    refused: int
    items: list[BatchItem]


def accepted(result: Submitted) -> ClaimAccepted:
    """The answer for one stored claim."""
    return ClaimAccepted(
        claim_id=result.claim_id,
        status=result.status,
        status_url=f"/v1/claims/{result.claim_id}",
        findings=[FindingOut(**f.as_json()) for f in result.findings],
        repeated=result.repeated,
    )

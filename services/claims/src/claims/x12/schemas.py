"""The JSON answer to an 837 interchange: both acknowledgments and every claim's outcome."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from claims.status.schemas import FindingOut


class X12ClaimOut(BaseModel):
    """One claim of the interchange: the reader's verdict and, if taken in, our claim."""

    claim_number: str
    transaction_set: str
    accepted: bool
    errors: list[str]
    claim_id: uuid.UUID | None = None
    status: str | None = None
    status_url: str | None = None
    findings: list[FindingOut] = []
    repeated: bool = False


class X12Answer(BaseModel):
    """The answer: the 999 (with a TA1 when due), the 277CA (None when no set was accepted)."""

    submission_id: uuid.UUID
    received_at: datetime
    sender_id: str
    interchange_control_number: str
    interchange_status: str
    ack999: str
    ack277ca: str | None
    claims: list[X12ClaimOut]

"""The JSON answer to a 278 interchange: the 999, the 278 responses and each request's outcome."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from prior_auth.authorizations.schemas import AuthorizationOut


class X12RequestOut(BaseModel):
    """One 278 request of the interchange: whether it was taken in, why not, and what it made."""

    transaction_set: str
    reference: str
    accepted: bool
    errors: list[str]
    authorization: AuthorizationOut | None = None


class X12Answer(BaseModel):
    """The 999 (with a TA1 when due) and the 278 responses (None when every set was rejected)."""

    received_at: datetime
    sender_id: str
    interchange_control_number: str
    interchange_status: str
    ack999: str
    response278: str | None
    requests: list[X12RequestOut]

"""Opaque page cursors: the (submitted_at, id) of the last claim of a page."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

import orjson

from claimflow_shared.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended in keyset order."""

    submitted_at: datetime
    claim_id: uuid.UUID


def encode(position: Position) -> str:
    """The cursor naming ``position``."""
    raw = orjson.dumps([position.submitted_at.isoformat(), str(position.claim_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Position:
    """The position a cursor names; 422 when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, claim_id = orjson.loads(raw)
        position = Position(datetime.fromisoformat(at), uuid.UUID(claim_id))
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise _invalid() from exc
    if position.submitted_at.tzinfo is None:
        raise _invalid()
    return position


def _invalid() -> ValidationFailed:
    """The 422 for a cursor we did not issue."""
    return ValidationFailed(
        "The cursor is not valid.",
        errors=[{"loc": ["query", "cursor"], "msg": "not a cursor", "type": "cursor"}],
    )

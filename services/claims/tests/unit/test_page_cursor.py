"""Opaque page cursors round-trip and refuse what we did not issue."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

import pytest

from claimflow_shared.errors import ValidationFailed
from claims.status import cursor


def test_a_cursor_names_the_position_it_was_made_from() -> None:
    position = cursor.Position(datetime(2026, 3, 2, 15, 0, 0, 123456, tzinfo=UTC), uuid.uuid4())
    token = cursor.encode(position)
    assert "=" not in token and cursor.decode(token) == position


@pytest.mark.parametrize(
    "token",
    [
        "",
        "%%%",
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
        base64.urlsafe_b64encode(b'["2026-03-02T15:00:00", "not-a-uuid"]').decode(),
        base64.urlsafe_b64encode(f'["2026-03-02T15:00:00", "{uuid.uuid4()}"]'.encode()).decode(),
    ],
    ids=["empty", "not-base64", "shape", "uuid", "naive-time"],
)
def test_a_cursor_we_did_not_issue_is_a_422(token: str) -> None:
    with pytest.raises(ValidationFailed):
        cursor.decode(token)

"""What a 278 response says of an authorization: HCR per line from its current status."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from prior_auth.authorizations.schemas import AuthorizationOut, LineOut
from prior_auth.x12.mapping import outcome

NOW = datetime(2025, 10, 1, tzinfo=UTC)


def line(number: int, units: int, approved: int | None) -> LineOut:
    """A requested line with its approval."""
    return LineOut(
        line_number=number,
        code="E0114",
        modifiers=[],
        units=units,
        start_date=date(2025, 10, 1),
        end_date=date(2025, 12, 31),
        place_of_service=None,
        diagnosis_codes=["M2351"],
        approved_units=approved,
        approved_start=date(2025, 10, 1) if approved else None,
        approved_end=date(2025, 12, 31) if approved else None,
        used_units=0,
    )


def authorization(status: str, lines: list[LineOut], **fields: Any) -> AuthorizationOut:
    """An authorization in the status."""
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "status": status,
        "payer_id": "PAYER-1",
        "plan_id": None,
        "patient_ref": "pr_x",
        "subscriber_ref": "pr_x",
        "requesting_npi": "1234567893",
        "servicing_npi": "1245319599",
        "priority": "standard",
        "place_of_service": None,
        "authorization_number": None,
        "information_needed": None,
        "reason": None,
        "modification": None,
        "reason_code": None,
        "appealed": False,
        "received_at": NOW,
        "due_at": NOW,
        "clock_paused": False,
        "first_decided_at": None,
        "allowed_actions": [],
        "lines": lines,
        "documents": [],
    }
    return AuthorizationOut.model_validate(values | fields)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("submitted", "A4"),
        ("pended", "A4"),
        ("in_appeal", "A4"),
        ("contact_payer", "CT"),
        ("not_required", "NA"),
        ("cancelled", "C"),
    ],
)
def test_undecided_and_closed_statuses_have_one_code(status: str, code: str) -> None:
    got = outcome(authorization(status, [line(1, 2, None), line(2, 1, None)]), ["5", "6"])
    assert {hl: d.action_code for hl, d in got.services.items()} == {"5": code, "6": code}


def test_a_partial_approval_is_told_line_by_line_with_its_number_and_reason_code() -> None:
    made = authorization(
        "partially_approved",
        [line(1, 2, 2), line(2, 4, 1), line(3, 1, None)],
        authorization_number="AUTH-7",
        reason_code="0U",
    )
    got = outcome(made, ["5", "6", "7"])
    assert got.reference == str(made.id)
    decisions = [
        (d.action_code, d.authorization_number, d.reason_code) for d in got.services.values()
    ]
    assert decisions == [("A1", "AUTH-7", None), ("A2", "AUTH-7", "0U"), ("A3", "AUTH-7", "0U")]


def test_a_denial_carries_the_payers_reason_code() -> None:
    got = outcome(authorization("denied", [line(1, 2, None)], reason_code="0U"), ["5"])
    assert (got.services["5"].action_code, got.services["5"].reason_code) == ("A3", "0U")


def test_a_modification_is_a6() -> None:
    got = outcome(authorization("modified", [line(1, 2, 2)], authorization_number="N"), ["5"])
    assert got.services["5"].action_code == "A6"

"""One decision from code review and the authorization check, with ops overrides."""

from __future__ import annotations

from typing import Any

import pytest

from claims.review.decision import decide
from claims.review.findings import all_findings
from claims.status.machine import ClaimStatus


def review(*findings: tuple[str, str, int]) -> dict[str, Any]:
    return {"findings": [{"rule": r, "severity": s, "line": n} for r, s, n in findings]}


def auth(*statuses: str) -> dict[str, Any]:
    return {"lines": [{"line": i, "status": s} for i, s in enumerate(statuses, start=1)]}


@pytest.mark.parametrize(
    ("code", "authorization", "expected", "rules"),
    [
        (review(), auth("not_required"), ClaimStatus.ACCEPTED, ()),
        (review(), auth("authorized", "not_required"), ClaimStatus.ACCEPTED, ()),
        (
            review(("CODE_UNKNOWN", "reject", 1)),
            auth("missing"),
            ClaimStatus.REJECTED,
            ("CODE_UNKNOWN",),
        ),
        (review(("MUE", "warn", 1)), auth("denied"), ClaimStatus.REJECTED, ("AUTH_DENIED",)),
        (
            review(("MUE", "warn", 1)),
            auth("pending", "missing"),
            ClaimStatus.PENDED_AUTH,
            ("AUTH_PENDING", "AUTH_MISSING"),
        ),
        (
            review(("MUE", "warn", 1), ("MUE", "warn", 2)),
            auth("not_required"),
            ClaimStatus.PENDED_REVIEW,
            ("MUE",),
        ),
    ],
)
def test_the_decision(
    code: dict[str, Any],
    authorization: dict[str, Any],
    expected: ClaimStatus,
    rules: tuple[str, ...],
) -> None:
    decision = decide(code_review=code, auth_check=authorization)
    assert (decision.status, decision.rules) == (expected, rules)


def test_a_line_override_clears_only_that_line() -> None:
    code = review(("MUE", "warn", 1), ("MUE", "warn", 2))
    partly = decide(code_review=code, auth_check=auth(), overrides=[("MUE", 1)])
    assert partly.status is ClaimStatus.PENDED_REVIEW
    wholly = decide(code_review=code, auth_check=auth(), overrides=[("MUE", None)])
    assert wholly.status is ClaimStatus.ACCEPTED
    assert wholly.reason == "every warning was overridden by ops"


def test_an_override_does_not_clear_a_rejection() -> None:
    code = review(("CODE_UNKNOWN", "reject", 1))
    decision = decide(code_review=code, auth_check=auth(), overrides=[("CODE_UNKNOWN", None)])
    assert decision.status is ClaimStatus.REJECTED


def test_all_findings_lists_every_source_and_marks_overrides() -> None:
    intake = [
        {
            "source": "intake",
            "rule": "TIMELY_FILING",
            "severity": "reject",
            "message": "",
            "line": 1,
        }
    ]
    merged = all_findings(
        intake=intake,
        code_review=review(("MUE", "warn", 2)),
        auth_check=auth("not_required", "missing"),
        overrides=[("MUE", 2)],
    )
    assert [(f["source"], f["rule"], f["severity"], f["overridden"]) for f in merged] == [
        ("intake", "TIMELY_FILING", "reject", False),
        ("code_review", "MUE", "warn", True),
        ("authorization", "AUTH_MISSING", "pend", False),
    ]

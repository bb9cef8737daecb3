"""One decision from code-catalog's findings and prior-auth's per-line answers.

Rejections first (a rejecting code edit, a denied authorization), then authorization (a line
that needs one that is missing or awaits the payer), then warnings a person must look at
(unless ops overrode each of them), else accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from claims.status.machine import ClaimStatus

Override = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class Decision:
    """Where the review puts a claim, why, and the rule codes behind it."""

    status: ClaimStatus
    reason: str
    rules: tuple[str, ...] = ()


def decide(
    *,
    code_review: dict[str, Any],
    auth_check: dict[str, Any],
    overrides: Iterable[Override] = (),
) -> Decision:
    """Decide from both results and the warnings ops overrode."""
    findings = code_review.get("findings", [])
    rejecting = [f["rule"] for f in findings if f["severity"] == "reject"]
    if rejecting:
        return Decision(ClaimStatus.REJECTED, "code review rejected the claim", _unique(rejecting))
    lines = auth_check.get("lines", [])
    if any(line["status"] == "denied" for line in lines):
        return Decision(
            ClaimStatus.REJECTED, "a required authorization was denied", ("AUTH_DENIED",)
        )
    waiting = [line for line in lines if line["status"] in ("missing", "pending")]
    if waiting:
        rules = _unique(f"AUTH_{line['status'].upper()}" for line in waiting)
        return Decision(ClaimStatus.PENDED_AUTH, "waiting for a required authorization", rules)
    open_warnings = [f for f in findings if not overridden(f, overrides)]
    if open_warnings:
        rules = _unique(f["rule"] for f in open_warnings)
        return Decision(ClaimStatus.PENDED_REVIEW, "code review warnings need a person", rules)
    if findings:
        return Decision(ClaimStatus.ACCEPTED, "every warning was overridden by ops")
    return Decision(ClaimStatus.ACCEPTED, "code review and authorization check passed")


def overridden(finding: dict[str, Any], overrides: Iterable[Override]) -> bool:
    """Whether ops overrode a warning (for its line, or for every line of its rule)."""
    return any(
        rule == finding["rule"] and (line is None or line == finding.get("line"))
        for rule, line in overrides
    )


def _unique(rules: Iterable[str]) -> tuple[str, ...]:
    """Rule codes without repeats, in order."""
    return tuple(dict.fromkeys(rules))

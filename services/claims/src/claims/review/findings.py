"""Every finding on a claim in one list: intake edits, code review, authorization check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from claims.review.decision import Override, overridden

AUTH_SEVERITY = {"denied": "reject", "missing": "pend", "pending": "pend"}


def all_findings(
    *,
    intake: list[dict[str, Any]],
    code_review: dict[str, Any] | None,
    auth_check: dict[str, Any] | None,
    overrides: Iterable[Override] = (),
) -> list[dict[str, Any]]:
    """The claim's findings, each with its source and whether ops overrode it."""
    chosen = list(overrides)
    merged = [dict(finding, overridden=False) for finding in intake]
    for finding in (code_review or {}).get("findings", []):
        merged.append(
            {
                "source": "code_review",
                "rule": finding["rule"],
                "severity": finding["severity"],
                "message": finding.get("message", ""),
                "line": finding.get("line", 0),
                "related_claim_id": None,
                "overridden": finding["severity"] == "warn" and overridden(finding, chosen),
            }
        )
    for line in (auth_check or {}).get("lines", []):
        severity = AUTH_SEVERITY.get(line["status"])
        if severity is not None:
            merged.append(
                {
                    "source": "authorization",
                    "rule": f"AUTH_{line['status'].upper()}",
                    "severity": severity,
                    "message": line.get("message", ""),
                    "line": line["line"],
                    "related_claim_id": None,
                    "overridden": False,
                }
            )
    return merged

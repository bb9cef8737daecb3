"""The intake edits that need only the claim and the calendar: future dates and timely filing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from claims.records.drafts import ClaimDraft, Finding

SOURCE = "intake"
LATEST_UTC_OFFSET = timedelta(hours=14)


def latest_today(now: datetime) -> date:
    """The calendar date somewhere on Earth right now (UTC+14): later dates are in the future."""
    return (now + LATEST_UTC_OFFSET).date()


def date_findings(draft: ClaimDraft, *, now: datetime, filing_days: int) -> list[Finding]:
    """Lines dated in the future, and lines older than the payer's timely filing limit."""
    findings: list[Finding] = []
    future = latest_today(now)
    today = now.date()
    for line in draft.lines:
        if line.service_to > future or line.service_from > future:
            findings.append(
                Finding(
                    source=SOURCE,
                    rule="DATE_IN_FUTURE",
                    severity="reject",
                    message=f"line {line.line_number}: date of service is in the future",
                    line=line.line_number,
                )
            )
        elif (today - line.service_to).days > filing_days:
            findings.append(
                Finding(
                    source=SOURCE,
                    rule="TIMELY_FILING",
                    severity="reject",
                    message=(
                        f"line {line.line_number}: date of service {line.service_to} is more "
                        f"than {filing_days} days before filing (payer {draft.payer_id})"
                    ),
                    line=line.line_number,
                )
            )
    return findings

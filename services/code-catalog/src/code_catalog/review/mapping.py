"""Between events and the engine: a submitted claim in, findings out."""

from __future__ import annotations

from claimflow_shared.events.contracts import ClaimSubmitted
from claimflow_shared.events.contracts.codecatalog import CodeFinding
from code_catalog.review.claim import ClaimForReview, ClaimLine
from code_catalog.review.findings import Finding


def claim_for_review(event: ClaimSubmitted) -> ClaimForReview:
    """The codes of a submitted claim, each line reviewed on its first date of service."""
    lines = tuple(
        ClaimLine(
            line_number=line.line_number,
            code=line.code,
            units=line.units,
            service_date=line.service_date_from,
            modifiers=tuple(line.modifiers),
            diagnosis_pointers=tuple(line.diagnosis_pointers),
        )
        for line in event.lines
    )
    return ClaimForReview(
        lines=lines,
        diagnosis_codes=tuple(event.diagnosis_codes),
        place_of_service=event.place_of_service or None,
    )


def code_finding(finding: Finding) -> CodeFinding:
    """A finding as the event contract carries it."""
    return CodeFinding(
        line=finding.line,
        rule=finding.rule.value,
        severity=finding.severity.value,
        message=finding.message,
        release=finding.release or None,
        appealable=finding.appealable,
    )

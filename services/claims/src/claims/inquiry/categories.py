"""Our statuses as X12 claim status category codes (code list 507, as in a 277 STC01-1).

received       A1  acknowledgement / receipt (not yet accepted for adjudication)
accepted       A2  acknowledgement / acceptance into the adjudication system
rejected       A7  acknowledgement / rejected for invalid information
returned       A3  acknowledgement / returned as unprocessable claim
pended_review  P2  pending / in review
pended_auth    P3  pending / requested information (the authorization)
voided         F3  finalized / revised (ended by a void)
replaced       F3  finalized / revised (superseded by a replacement)
(no claim)     A4  acknowledgement / not found
"""

from __future__ import annotations

from claims.status.machine import ClaimStatus

NOT_FOUND = ("A4", "Acknowledgement/Not Found")

CATEGORIES: dict[ClaimStatus, tuple[str, str]] = {
    ClaimStatus.RECEIVED: ("A1", "Acknowledgement/Receipt"),
    ClaimStatus.ACCEPTED: ("A2", "Acknowledgement/Acceptance into adjudication system"),
    ClaimStatus.REJECTED: ("A7", "Acknowledgement/Rejected for Invalid Information"),
    ClaimStatus.RETURNED: ("A3", "Acknowledgement/Returned as unprocessable claim"),
    ClaimStatus.PENDED_REVIEW: ("P2", "Pending/In Review"),
    ClaimStatus.PENDED_AUTH: ("P3", "Pending/Requested Information"),
    ClaimStatus.VOIDED: ("F3", "Finalized/Revised"),
    ClaimStatus.REPLACED: ("F3", "Finalized/Revised"),
}


def category_of(status: ClaimStatus) -> tuple[str, str]:
    """The category code and its name for a status."""
    return CATEGORIES[status]

"""Every event contract of the system, one module per producing service."""

from claimflow_shared.events.contracts.claims import ClaimStatusChanged, ClaimSubmitted
from claimflow_shared.events.contracts.codecatalog import (
    ApplicationStatusChanged,
    ClaimCodeReviewCompleted,
    CodeSetReleased,
)
from claimflow_shared.events.contracts.notifications import SubscriptionDisabled
from claimflow_shared.events.contracts.priorauth import (
    AuthorizationDueSoon,
    AuthorizationOverdue,
    AuthorizationStatusChanged,
    ClaimAuthorizationCheckCompleted,
)

TOPICS = ("claims.events", "codecatalog.events", "priorauth.events", "notifications.events")

__all__ = [
    "TOPICS",
    "ApplicationStatusChanged",
    "AuthorizationDueSoon",
    "AuthorizationOverdue",
    "AuthorizationStatusChanged",
    "ClaimAuthorizationCheckCompleted",
    "ClaimCodeReviewCompleted",
    "CodeSetReleased",
    "ClaimStatusChanged",
    "ClaimSubmitted",
    "SubscriptionDisabled",
]

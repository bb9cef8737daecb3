"""Every event contract of the system, one module per producing service."""

from claimflow_shared.events.contracts.claims import ClaimStatusChanged, ClaimSubmitted
from claimflow_shared.events.contracts.codecatalog import ClaimCodeReviewCompleted
from claimflow_shared.events.contracts.notifications import SubscriptionDisabled, WebhookDelivered
from claimflow_shared.events.contracts.priorauth import (
    AuthorizationDueSoon,
    AuthorizationOverdue,
    AuthorizationStatusChanged,
    ClaimAuthorizationCheckCompleted,
)

TOPICS = ("claims.events", "codecatalog.events", "priorauth.events", "notifications.events")

__all__ = [
    "TOPICS",
    "AuthorizationDueSoon",
    "AuthorizationOverdue",
    "AuthorizationStatusChanged",
    "ClaimAuthorizationCheckCompleted",
    "ClaimCodeReviewCompleted",
    "ClaimStatusChanged",
    "ClaimSubmitted",
    "SubscriptionDisabled",
    "WebhookDelivered",
]

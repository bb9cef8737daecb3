"""Every event contract of the system, one module per producing service."""

from claimflow_shared.events.contracts.claims import ClaimStatusChanged, ClaimSubmitted
from claimflow_shared.events.contracts.codecatalog import ClaimCodeReviewCompleted
from claimflow_shared.events.contracts.notifications import WebhookDelivered
from claimflow_shared.events.contracts.priorauth import ClaimAuthorizationCheckCompleted

TOPICS = ("claims.events", "codecatalog.events", "priorauth.events", "notifications.events")

__all__ = [
    "TOPICS",
    "ClaimAuthorizationCheckCompleted",
    "ClaimCodeReviewCompleted",
    "ClaimStatusChanged",
    "ClaimSubmitted",
    "WebhookDelivered",
]

"""278 (005010X217) health care services review: request reader and response writer."""

from claimflow_shared.x12.p278.handler import request_278
from claimflow_shared.x12.p278.models import (
    FollowUp,
    HlLoop,
    RejectReason,
    Request278Read,
    RequestedService,
    RequestIssue,
    ServiceReview,
)
from claimflow_shared.x12.p278.reader import Event278, Request278Reader
from claimflow_shared.x12.p278.response import (
    Response278,
    ReviewOutcome,
    ServiceDecision,
    render_278_responses,
)

__all__ = [
    "Event278",
    "FollowUp",
    "HlLoop",
    "RejectReason",
    "Request278Read",
    "Request278Reader",
    "RequestIssue",
    "RequestedService",
    "Response278",
    "ReviewOutcome",
    "ServiceDecision",
    "ServiceReview",
    "render_278_responses",
    "request_278",
]

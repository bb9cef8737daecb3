"""Every table of the claims service, registered on one metadata for Alembic."""

from claims.base import Base
from claims.intake.models import IdempotencyRecord
from claims.payers.models import PayerPolicy
from claims.records.models import (
    Claim,
    ClaimDemographics,
    ClaimFingerprint,
    ClaimLine,
    ClaimTransition,
    ReviewAction,
)
from claims.x12.models import X12Submission

metadata = Base.metadata

__all__ = [
    "Claim",
    "ClaimDemographics",
    "ClaimFingerprint",
    "ClaimLine",
    "ClaimTransition",
    "IdempotencyRecord",
    "PayerPolicy",
    "ReviewAction",
    "X12Submission",
    "metadata",
]

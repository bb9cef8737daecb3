"""837P (005010X222A1) professional claims: streaming reader, loop checks and claim mapping."""

from claimflow_shared.x12.p837.ack277ca import Source, render_277ca
from claimflow_shared.x12.p837.claim_acks import (
    BatchAcknowledgment,
    ClaimAcknowledger,
    ClaimAcknowledgment,
    ClaimStatus,
    LineAcknowledgment,
)
from claimflow_shared.x12.p837.handler import professional_837
from claimflow_shared.x12.p837.models import (
    Address,
    Batch,
    BillingProvider,
    ClaimRead,
    Demographics,
    Diagnosis,
    Payer,
    Person,
    PersonName,
    ProfessionalClaim,
    ServiceLine,
    ServicePeriod,
    Subscriber,
)
from claimflow_shared.x12.p837.reader import Event837, Professional837Reader

__all__ = [
    "Address",
    "Batch",
    "BatchAcknowledgment",
    "BillingProvider",
    "ClaimAcknowledger",
    "ClaimAcknowledgment",
    "ClaimRead",
    "ClaimStatus",
    "Demographics",
    "Diagnosis",
    "Event837",
    "LineAcknowledgment",
    "Payer",
    "Person",
    "PersonName",
    "ProfessionalClaim",
    "Professional837Reader",
    "ServiceLine",
    "ServicePeriod",
    "Source",
    "Subscriber",
    "professional_837",
    "render_277ca",
]

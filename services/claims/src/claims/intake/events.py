"""The ``ClaimSubmitted`` event of a claim that passed intake: ids, codes and amounts only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from claimflow_shared.events.contracts import ClaimSubmitted
from claimflow_shared.events.contracts.claims import SubmittedLine
from claims.records.drafts import ClaimDraft


def submitted_event(
    *,
    claim_id: uuid.UUID,
    tenant_id: str,
    draft: ClaimDraft,
    original_id: uuid.UUID | None,
    submitted_at: datetime,
) -> ClaimSubmitted:
    """The event code review and the authorization check start from."""
    return ClaimSubmitted(
        claim_id=str(claim_id),
        tenant_id=tenant_id,
        payer_id=draft.payer_id,
        billing_npi=draft.billing_npi,
        patient_ref=draft.patient_ref,
        place_of_service=draft.place_of_service,
        frequency=_frequency(draft.frequency),
        original_claim_id=str(original_id) if original_id else None,
        diagnosis_codes=list(draft.diagnosis_codes),
        lines=[
            SubmittedLine(
                line_number=line.line_number,
                code=line.code,
                modifiers=list(line.modifiers),
                units=line.units,
                charge=line.charge,
                service_date_from=line.service_from,
                service_date_to=line.service_to,
                diagnosis_pointers=list(line.diagnosis_pointers),
                rendering_npi=line.rendering_npi or draft.rendering_npi,
                prior_auth_number=line.prior_auth_number or draft.prior_auth_number,
            )
            for line in draft.lines
        ],
        total_charge=draft.total_charge,
        submitted_at=submitted_at,
        rendering_npi=draft.rendering_npi,
        prior_auth_number=draft.prior_auth_number,
        intake_format=draft.source,
    )


def _frequency(code: str) -> Literal["1", "7", "8"]:
    """The claim frequency as the contract types it (intake admits only 1, 7 and 8)."""
    if code == "7":
        return "7"
    if code == "8":
        return "8"
    return "1"

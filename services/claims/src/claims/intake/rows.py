"""The table rows of a new claim: the claim, its lines and its demographics."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from claims.records.drafts import ClaimDraft, Finding
from claims.status.machine import ClaimStatus


def claim_row(
    *,
    claim_id: uuid.UUID,
    tenant_id: str,
    draft: ClaimDraft,
    findings: list[Finding],
    submitted_at: datetime,
) -> dict[str, Any]:
    """The ``claims`` row of a claim as received."""
    return {
        "id": claim_id,
        "tenant_id": tenant_id,
        "status": ClaimStatus.RECEIVED.value,
        "source": draft.source,
        "claim_number": draft.claim_number,
        "payer_id": draft.payer_id,
        "billing_npi": draft.billing_npi,
        "rendering_npi": draft.rendering_npi,
        "patient_ref": draft.patient_ref,
        "place_of_service": draft.place_of_service,
        "frequency": draft.frequency,
        "original_ref": draft.original_ref,
        "prior_auth_number": draft.prior_auth_number,
        "diagnosis_codes": list(draft.diagnosis_codes),
        "total_charge": draft.total_charge,
        "service_from": draft.service_from,
        "service_to": draft.service_to,
        "x12_key": draft.x12_key,
        "findings": [f.as_json() for f in findings],
        "submitted_at": submitted_at,
        "updated_at": submitted_at,
    }


def line_rows(claim_id: uuid.UUID, draft: ClaimDraft) -> list[dict[str, Any]]:
    """The ``claim_lines`` rows of a claim."""
    return [
        {
            "claim_id": claim_id,
            "line_number": line.line_number,
            "code": line.code,
            "modifiers": list(line.modifiers),
            "units": line.units,
            "charge": line.charge,
            "service_from": line.service_from,
            "service_to": line.service_to,
            "diagnosis_pointers": list(line.diagnosis_pointers),
            "rendering_npi": line.rendering_npi,
            "prior_auth_number": line.prior_auth_number,
            "place_of_service": line.place_of_service,
        }
        for line in draft.lines
    ]


def demographics_row(claim_id: uuid.UUID, draft: ClaimDraft) -> dict[str, Any] | None:
    """The ``claim_demographics`` row, when the claim carries identity."""
    parts = draft.demographics
    if parts is None:
        return None
    return {
        "claim_id": claim_id,
        "member_id": parts.member_id,
        "group_number": parts.group_number,
        "relationship": parts.relationship,
        "subscriber": parts.subscriber,
        "patient": parts.patient,
    }

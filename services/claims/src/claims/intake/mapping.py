"""From a JSON claim to the source-neutral draft intake stores."""

from __future__ import annotations

from typing import Any

from claims.intake.schemas import ClaimIn, PersonIn
from claims.records.drafts import ClaimDraft, Demographics, LineDraft


def draft_of(claim_in: ClaimIn) -> ClaimDraft:
    """The draft of a validated JSON claim."""
    return ClaimDraft(
        source="json",
        claim_number=claim_in.claim_number,
        payer_id=claim_in.payer_id,
        billing_npi=claim_in.billing_npi,
        rendering_npi=claim_in.rendering_npi,
        patient_ref=claim_in.patient_ref,
        place_of_service=claim_in.place_of_service,
        frequency=claim_in.frequency,
        original_ref=claim_in.original_claim_ref,
        prior_auth_number=claim_in.prior_auth_number,
        diagnosis_codes=tuple(claim_in.diagnosis_codes),
        lines=tuple(
            LineDraft(
                line_number=number,
                code=line.code,
                modifiers=tuple(line.modifiers),
                units=line.units,
                charge=line.charge,
                service_from=line.service_date,
                service_to=line.service_date_to or line.service_date,
                diagnosis_pointers=tuple(line.diagnosis_pointers),
                rendering_npi=line.rendering_npi,
                prior_auth_number=line.prior_auth_number,
                place_of_service=line.place_of_service,
            )
            for number, line in enumerate(claim_in.lines, start=1)
        ),
        total_charge=claim_in.total_charge,
        demographics=_demographics(claim_in),
    )


def _demographics(claim_in: ClaimIn) -> Demographics | None:
    """The identity parts of a JSON claim, if it sent any."""
    subscriber, patient = claim_in.subscriber, claim_in.patient
    if subscriber is None and patient is None:
        return None
    return Demographics(
        member_id=subscriber.member_id if subscriber else None,
        group_number=subscriber.group_number if subscriber else None,
        relationship=subscriber.relationship if subscriber else None,
        subscriber=_person(subscriber),
        patient=_person(patient),
    )


def _person(person: PersonIn | None) -> dict[str, Any] | None:
    """A person's identity as stored (without the coverage references)."""
    if person is None:
        return None
    return person.model_dump(
        mode="json", include={"last_name", "first_name", "middle_name", "birth_date", "gender"}
    )

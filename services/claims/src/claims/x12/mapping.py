"""From an 837P claim the shared reader mapped to the draft intake stores.

Identity (names, birth dates, addresses, the member id) goes only into the draft's
demographics; the patient reference is derived from payer and member id. Values the guide
allows but our tables cannot hold (a procedure qualifier other than HC, amounts past 10 digits)
become findings, so the claim is kept and rejected rather than lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from claimflow_shared.patient_refs import derive_patient_ref
from claimflow_shared.x12.p837 import Person, ProfessionalClaim, ServiceLine
from claims.intake.schemas import PROCEDURE_CODE
from claims.records.drafts import ClaimDraft, Demographics, Finding, LineDraft

_PROCEDURE = re.compile(PROCEDURE_CODE)
_LARGEST_CHARGE = Decimal("9999999999.99")
_LARGEST_UNITS = Decimal("999999999.999")


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sent the interchange and under which tenant its claims are kept."""

    tenant_id: str
    sender_id: str
    key: bytes


def envelope_key(envelope: Envelope, claim: ProfessionalClaim, occurrence: int) -> str:
    """ISA06, ISA13, GS06, ST02 and CLM01 (with its occurrence when CLM01 repeats in a set)."""
    batch = claim.batch
    parts = (
        envelope.sender_id,
        batch.interchange_control_number,
        batch.group_control_number,
        batch.transaction_control_number,
        claim.claim_id,
    )
    key = "|".join(parts)
    return key if occurrence == 1 else f"{key}#{occurrence}"


def draft_of(claim: ProfessionalClaim, *, envelope: Envelope, occurrence: int) -> ClaimDraft:
    """The draft of one accepted 837P claim."""
    findings: list[Finding] = []
    fallback = claim.service_period.start if claim.service_period else claim.batch.created
    lines = tuple(_line(line, fallback, findings) for line in claim.lines)
    total = _amount(claim.total_charge, _LARGEST_CHARGE, 0, "total charge", findings)
    billing_npi = claim.billing_provider.npi
    if not billing_npi:
        findings.append(_finding("BILLING_NPI_MISSING", "the billing provider has no NPI"))
    member_id = claim.subscriber.member_id
    return ClaimDraft(
        source="x12",
        claim_number=claim.claim_id[:50],
        payer_id=claim.payer.payer_id,
        billing_npi=billing_npi or "",
        rendering_npi=claim.rendering_npi,
        patient_ref=derive_patient_ref(
            key=envelope.key,
            tenant_id=envelope.tenant_id,
            payer_id=claim.payer.payer_id,
            member_id=member_id,
        ),
        place_of_service=claim.place_of_service[:2],
        frequency=claim.frequency_code[:1] or "1",
        original_ref=(claim.original_reference or "")[:80] or None,
        prior_auth_number=claim.prior_authorization,
        diagnosis_codes=tuple(d.code[:8] for d in claim.diagnoses[:12]),
        lines=lines,
        total_charge=total,
        demographics=_demographics(claim),
        x12_key=envelope_key(envelope, claim, occurrence),
        findings=tuple(findings),
    )


def _line(line: ServiceLine, fallback: date | None, findings: list[Finding]) -> LineDraft:
    """One service line; problems our tables cannot hold become findings on the line."""
    number = line.line_number
    code = line.procedure_code
    if line.qualifier != "HC" or not _PROCEDURE.match(code):
        findings.append(
            _finding("PROCEDURE_CODE_INVALID", f"line {number}: not a CPT or HCPCS code", number)
        )
        code = code[:5]
    period = line.service_period
    if period is None:
        findings.append(_finding("SERVICE_DATE_MISSING", f"line {number}: no date", number))
    start = period.start if period else (fallback or date.min)
    end = period.end if period else start
    return LineDraft(
        line_number=number,
        code=code,
        modifiers=tuple(m[:2] for m in line.modifiers[:4]),
        units=_amount(line.units, _LARGEST_UNITS, number, "units", findings),
        charge=_amount(line.charge, _LARGEST_CHARGE, number, "charge", findings),
        service_from=start,
        service_to=end,
        diagnosis_pointers=line.diagnosis_pointers[:4],
        rendering_npi=line.rendering_npi,
        prior_auth_number=line.prior_authorizations[0] if line.prior_authorizations else None,
        place_of_service=line.place_of_service[:2] if line.place_of_service else None,
    )


def _amount(
    value: Decimal, largest: Decimal, line: int, what: str, findings: list[Finding]
) -> Decimal:
    """The value, or 0 with a finding when it does not fit its column."""
    if abs(value) <= largest:
        return value
    findings.append(_finding("AMOUNT_OUT_OF_RANGE", f"{what} is out of range", line))
    return Decimal(0)


def _finding(rule: str, message: str, line: int = 0) -> Finding:
    """A finding about a claim the reader accepted but intake cannot take as it is."""
    return Finding(source="x12", rule=rule, severity="reject", message=message, line=line)


def _demographics(claim: ProfessionalClaim) -> Demographics:
    """The claim's identity parts, kept apart from everything else."""
    subscriber = claim.subscriber
    return Demographics(
        member_id=subscriber.member_id,
        group_number=subscriber.group_number,
        relationship=claim.patient_relationship,
        subscriber=_person(claim.demographics.subscriber),
        patient=_person(claim.demographics.patient),
    )


def _person(person: Person) -> dict[str, Any]:
    """A person's identity as stored."""
    address = person.address
    return {
        "last_name": person.name.last,
        "first_name": person.name.first,
        "middle_name": person.name.middle,
        "suffix": person.name.suffix,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "gender": person.gender,
        "address": (
            {
                "lines": list(address.lines),
                "city": address.city,
                "state": address.state,
                "postal_code": address.postal_code,
                "country": address.country,
            }
            if address
            else None
        ),
    }

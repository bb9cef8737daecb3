"""From a read 278 request to the command the JSON endpoint takes, and from an authorization to
the outcome a 278 response reports.

The subscriber's member id is never stored: ``subscriber_ref`` and ``patient_ref`` are both its
keyed pseudonym (``claimflow_shared.patient_refs``), the reference the claims service gives the
member's 837P claims, so the claim checks find the authorization. A dependent (2000D) shares the
subscriber's reference, as on claims (5010 dependents have no member id). Every 2000E
diagnosis applies to every line, since the 278 names them once per patient event. UM06 U
(urgent) or 03 (emergency) asks for an expedited decision; anything else is standard.
"""

from __future__ import annotations

from pydantic import ValidationError

from claimflow_shared.patient_refs import derive_patient_ref
from claimflow_shared.x12.p278 import ServiceDecision, ServiceReview
from claimflow_shared.x12.p278.response import ReviewOutcome
from prior_auth.authorizations.schemas import AuthorizationIn, AuthorizationOut, LineIn, LineOut
from prior_auth.authorizations.status import ActionCode, AuthorizationStatus

_S = AuthorizationStatus
_CODES = {
    _S.SUBMITTED: ActionCode.PENDED,
    _S.PENDED: ActionCode.PENDED,
    _S.IN_APPEAL: ActionCode.PENDED,
    _S.CONTACT_PAYER: ActionCode.CONTACT_PAYER,
    _S.DENIED: ActionCode.NOT_CERTIFIED,
    _S.MODIFIED: ActionCode.MODIFIED,
    _S.NOT_REQUIRED: ActionCode.NO_ACTION_REQUIRED,
    _S.CANCELLED: ActionCode.CANCELLED,
}


def authorization_in(review: ServiceReview, *, tenant_id: str, key: bytes) -> AuthorizationIn:
    """The JSON endpoint's request for the review; raises pydantic's ValidationError."""
    reference = derive_patient_ref(
        key=key, tenant_id=tenant_id, payer_id=review.payer_id, member_id=review.subscriber_id
    )
    return AuthorizationIn(
        payer_id=review.payer_id,
        patient_ref=reference,
        subscriber_ref=reference,
        requesting_npi=review.requester_npi,
        servicing_npi=review.servicing_npi,
        priority="expedited" if review.expedited else "standard",
        place_of_service=review.place_of_service,
        lines=[
            LineIn(
                code=service.code,
                modifiers=list(service.modifiers),
                units=service.units,
                start_date=service.start_date,
                end_date=service.end_date,
                diagnosis_codes=list(review.diagnoses),
            )
            for service in review.services
        ],
    )


def invalid_fields(error: ValidationError) -> str:
    """The fields pydantic refused, named without their values."""
    return ", ".join(".".join(str(part) for part in item["loc"]) for item in error.errors())


def _line_code(status: AuthorizationStatus, line: LineOut) -> ActionCode:
    """HCR01 for one line: the status's code, or per line for (partial) approvals."""
    code = _CODES.get(status)
    if code is not None:
        return code
    if line.approved_units is None:
        return ActionCode.NOT_CERTIFIED
    if line.approved_units < line.units:
        return ActionCode.CERTIFIED_PARTIAL
    return ActionCode.CERTIFIED_IN_TOTAL


def outcome(authorization: AuthorizationOut, service_ids: list[str]) -> ReviewOutcome:
    """What a 278 response says of the authorization: our id and each line's HCR."""
    status = AuthorizationStatus(authorization.status)
    decisions = {}
    for hl_id, line in zip(service_ids, authorization.lines, strict=False):
        code = _line_code(status, line)
        decisions[hl_id] = ServiceDecision(
            action_code=code.value,
            authorization_number=authorization.authorization_number,
            reason_code=None
            if code is ActionCode.CERTIFIED_IN_TOTAL
            else authorization.reason_code,
        )
    return ReviewOutcome(reference=str(authorization.id), services=decisions)

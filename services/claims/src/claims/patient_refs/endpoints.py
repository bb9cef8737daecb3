"""``POST /v1/patient-refs``: the reference an X12 claim for a member will carry.

A submitter requesting an authorization from prior-auth (which matches claims on
``patient_ref``) asks here first, so the authorization and the later 837P meet. The member id
is read from the body and never logged or stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from claimflow_shared.auth import CurrentPrincipal, Role, require_roles
from claimflow_shared.errors import ValidationFailed, error_responses
from claimflow_shared.patient_refs import derive_patient_ref
from claims.dependencies import SettingsDep
from claims.patient_refs.schemas import PatientRefIn, PatientRefOut
from claims.routing import JsonRoute

router = APIRouter(prefix="/v1/patient-refs", tags=["patient references"], route_class=JsonRoute)


@router.post(
    "",
    dependencies=[Depends(require_roles(Role.SUBMITTER))],
    responses=error_responses(ValidationFailed),
)
async def patient_ref(
    body: PatientRefIn, principal: CurrentPrincipal, settings: SettingsDep
) -> PatientRefOut:
    """The pseudonymous reference of a payer's member for the caller's tenant."""
    reference = derive_patient_ref(
        key=settings.patient_ref_key.get_secret_value().encode(),
        tenant_id=principal.tenant_id,
        payer_id=body.payer_id,
        member_id=body.member_id,
    )
    return PatientRefOut(payer_id=body.payer_id, patient_ref=reference)

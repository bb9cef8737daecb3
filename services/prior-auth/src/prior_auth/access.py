"""Who may see and act on what: submitting tenants, the payer a key acts for, and admins.

A payer's API key carries the payer id it acts for as its ``tenant_id``: the platform's keys
have one tenant each, and a payer is the tenant of the decisions it records. A submitter sees
the authorizations its tenant requested; a payer sees those addressed to it; an admin manages
every payer's requirement rules and settings but reads authorizations only as its own tenant.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimflow_shared.auth import Principal, Role
from claimflow_shared.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whose authorizations a request may reach: its tenant's, or those addressed to a payer."""

    tenant_id: str | None = None
    payer_id: str | None = None


def is_admin(principal: Principal) -> bool:
    """Whether the key holds the admin role itself."""
    return Role.ADMIN in principal.roles


def as_requester(principal: Principal) -> Viewer:
    """The authorizations the key's tenant requested."""
    return Viewer(tenant_id=principal.tenant_id)


def as_payer(principal: Principal) -> Viewer:
    """The authorizations addressed to the payer the key acts for."""
    return Viewer(payer_id=principal.tenant_id)


def as_reader(principal: Principal) -> Viewer:
    """Everything the key may read: its tenant's requests and, for payer keys, its payer's."""
    payer = principal.tenant_id if principal.has_any(Role.PAYER) else None
    return Viewer(tenant_id=principal.tenant_id, payer_id=payer)


def require_payer(principal: Principal, payer_id: str) -> None:
    """Refuse a payer key managing another payer's rules or settings; admins manage all."""
    if not is_admin(principal) and principal.tenant_id != payer_id:
        raise Forbidden(f"This key acts for payer {principal.tenant_id} only.", payer_id=payer_id)

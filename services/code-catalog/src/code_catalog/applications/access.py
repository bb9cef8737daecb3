"""Who may see and act on an application: its tenant's submitters, and the panel (ops, admin)."""

from __future__ import annotations

from claimflow_shared.auth import Principal, Role
from claimflow_shared.errors import Forbidden
from code_catalog.applications.models import CodeApplication
from code_catalog.applications.workflow import Actor

WHO = {Actor.APPLICANT: "the applicant", Actor.PANEL: "the panel (ops or admin)"}


def panel(principal: Principal) -> bool:
    """Whether the principal acts for the coding panel."""
    return principal.has_any(Role.OPS)


def visible_tenant(principal: Principal) -> str | None:
    """The tenant a principal's reads are limited to (None: the panel sees every tenant)."""
    return None if panel(principal) else principal.tenant_id


def _applicant(principal: Principal, application: CodeApplication) -> bool:
    """Whether the principal is a submitter of the application's tenant."""
    return principal.tenant_id == application.tenant_id and principal.has_any(Role.SUBMITTER)


def acting_role(principal: Principal, actor: Actor, application: CodeApplication) -> str:
    """The role the principal takes an action in, or 403 naming who may take it."""
    if Role.ADMIN in principal.roles:
        return Role.ADMIN.value
    if actor is not Actor.PANEL and _applicant(principal, application):
        return Role.SUBMITTER.value
    if actor is not Actor.APPLICANT and panel(principal):
        return Role.OPS.value
    raise Forbidden(f"only {WHO.get(actor, 'the applicant or the panel')} may do this")

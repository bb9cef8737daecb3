"""The four services of the system, by name."""

from __future__ import annotations

from claimflow_shared.runtime import ServiceDefinition


def definitions() -> dict[str, ServiceDefinition]:
    """Every service definition, in the order an event flows through them."""
    from claims.definition import DEFINITION as claims
    from code_catalog.definition import DEFINITION as code_catalog
    from notifications.definition import DEFINITION as notifications
    from prior_auth.definition import DEFINITION as prior_auth

    return {d.name: d for d in (claims, code_catalog, prior_auth, notifications)}


def definition(name: str) -> ServiceDefinition:
    """One service definition; a clear error for an unknown name."""
    known = definitions()
    if name not in known:
        raise SystemExit(f"unknown service {name!r}; choose one of: {', '.join(known)}")
    return known[name]

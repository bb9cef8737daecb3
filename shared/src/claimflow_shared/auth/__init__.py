"""API keys: stored hashed, each with a tenant and roles; the dependency every endpoint uses."""

from claimflow_shared.auth.dependencies import CurrentPrincipal, authenticate, require_roles
from claimflow_shared.auth.keys import Principal, Role

__all__ = ["CurrentPrincipal", "Principal", "Role", "authenticate", "require_roles"]

"""FastAPI dependencies that authenticate a request and check its roles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from claimflow_shared.auth.keys import KeyResolver, Principal, Role
from claimflow_shared.errors import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


async def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Principal:
    """The principal of the request's API key; 401 when missing, unknown or revoked."""
    secret = header or (bearer.credentials if bearer else None)
    if not secret:
        raise Unauthorized("An API key is required (Authorization: Bearer <key> or X-API-Key).")
    runtime = request.app.state.runtime
    resolver: KeyResolver = runtime.keys
    principal = await resolver.resolve(runtime.database, secret)
    if principal is None:
        raise Unauthorized("The API key is unknown or revoked.")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting clients that hold one of ``roles``."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(*roles):
            names = ", ".join(r.value for r in roles)
            raise Forbidden(f"This operation needs one of the roles: {names}.")
        return principal

    return check


def is_role_check(call: object) -> bool:
    """Whether ``call`` is a dependency made by ``require_roles`` (it can answer 403)."""
    return getattr(call, "__qualname__", "") == f"{require_roles.__qualname__}.<locals>.check"

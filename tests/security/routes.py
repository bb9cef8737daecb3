"""Every route an app serves, read from ``app.routes`` so a new route is covered by itself."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from claimflow_shared.auth.dependencies import authenticate

PUBLIC_PATHS = frozenset(
    {"/health", "/ready", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)


@dataclass(frozen=True)
class Route:
    """One method on one path, and the path parameters it takes."""

    method: str
    path: str
    authenticated: bool
    params: dict[str, type]

    def url(self, **values: object) -> str:
        """The path with ``values`` for its parameters and typed placeholders for the rest."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            kind = self.params.get(name, str)
            return str(uuid.uuid4()) if kind is uuid.UUID else "1" if kind is int else "X1"

        return re.sub(r"\{(\w+)(?::\w+)?\}", fill, self.path)


def routes_of(app: FastAPI) -> list[Route]:
    """Every (method, path) of the app but HEAD."""
    found = []
    for context in iter_route_contexts(app.routes):
        authenticated, params = False, {}
        if isinstance(context.original_route, APIRoute):
            dependant = context.dependant
            authenticated = authenticate in _calls(dependant)
            params = {p.name: p.field_info.annotation for p in dependant.path_params}
        for method in sorted(context.methods or ()):
            if method != "HEAD":
                found.append(Route(method, str(context.path_format), authenticated, params))
    return found


def _calls(dependant: object) -> set[object]:
    calls: set[object] = set()
    for dependency in getattr(dependant, "dependencies", ()):
        calls.add(dependency.call)
        calls |= _calls(dependency)
    return calls

"""The OpenAPI document as the API really answers: every error is a problem+json document.

FastAPI documents request validation errors as its own ``HTTPValidationError`` JSON, but
``install_error_handlers`` renders them as RFC 9457 problems; a body FastAPI cannot decode is a
400; and the authentication and role dependencies can refuse any route they guard. This fills
all of them into the generated document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from claimflow_shared.auth.dependencies import authenticate, is_role_check
from claimflow_shared.errors import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; some errors add members (e.g. errors).",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail", "instance"],
    "additionalProperties": True,
}


def problem_response(description: str) -> dict[str, Any]:
    """An OpenAPI response whose body is a problem document."""
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """A replacement for ``app.openapi`` that documents the errors as they are sent."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for route in iter_route_contexts(app.routes):
            if isinstance(route.original_route, APIRoute) and route.include_in_schema:
                for method in route.methods or ():
                    operation = document["paths"][route.path_format][method.lower()]
                    _document_errors(route.dependant, operation)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = PROBLEM_SCHEMA
        app.openapi_schema = document
        return document

    return openapi


def _document_errors(dependant: Dependant, operation: dict[str, Any]) -> None:
    calls = {d.call for d in _dependencies(dependant)}
    responses: dict[str, Any] = operation["responses"]
    if "requestBody" in operation:
        responses.setdefault("400", problem_response("The body cannot be parsed (not UTF-8)"))
    if "422" in responses:
        responses["422"] = problem_response("Validation failed")
    if authenticate in calls:
        responses.setdefault("401", problem_response("Unauthorized"))
    if any(is_role_check(call) for call in calls):
        responses.setdefault("403", problem_response("Forbidden"))
    for response in responses.values():
        content = response.get("content", {})
        if PROBLEM_JSON in content and content[PROBLEM_JSON].get("schema") == {"type": "object"}:
            content[PROBLEM_JSON]["schema"] = PROBLEM_REF


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)

"""The error hierarchy and its RFC 9457 problem+json rendering."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimflow_shared.redaction import describe

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class AppError(Exception):
    """Base of every error a service raises on purpose; carries its HTTP status."""

    status = 500
    title = "Internal error"
    slug = "internal"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra

    def headers(self) -> dict[str, str]:
        """Extra response headers."""
        return {}


class BadRequest(AppError):
    status, title, slug = 400, "Bad request", "bad-request"


class Unauthorized(AppError):
    status, title, slug = 401, "Unauthorized", "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'ApiKey realm="claimflow"'}


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(AppError):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(AppError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(AppError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class ValidationFailed(AppError):
    status, title, slug = 422, "Validation failed", "validation-failed"


class ServiceUnavailable(AppError):
    status, title, slug = 503, "Service unavailable", "service-unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 5, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def problem(
    *, status: int, title: str, slug: str, detail: str, instance: str, **extra: Any
) -> dict[str, Any]:
    """Build an RFC 9457 problem document."""
    body: dict[str, Any] = {
        "type": f"https://claimflow.dev/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    body.update(extra)
    return body


def _response(error: AppError, request: Request) -> JSONResponse:
    body = problem(
        status=error.status,
        title=error.title,
        slug=error.slug,
        detail=error.detail,
        instance=request.url.path,
        **error.extra,
    )
    return JSONResponse(body, error.status, headers=error.headers(), media_type=PROBLEM_JSON)


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return _response(exc, request)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
    return _response(ValidationFailed(f"Invalid request: {fields}", errors=errors), request)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error = AppError(str(exc.detail))
    error.status, error.title, error.slug = exc.status_code, str(exc.detail), "http"
    response = _response(error, request)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return _response(ServiceUnavailable("The database is unavailable; retry later."), request)


async def _dbapi_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated or is_connection_error(exc):
        return await _database_unavailable(request, exc)
    if (state := refused_value_state(exc)) is not None:
        log.warning("value refused on %s %s: %s", request.method, request.url.path, describe(exc))
        return _response(
            ValidationFailed(
                "A value in the request cannot be stored: out of range, or holding characters"
                " text cannot hold (NUL, unpaired surrogates).",
                sqlstate=state,
            ),
            request,
        )
    return await _unexpected(request, exc)


def refused_value_state(exc: DBAPIError) -> str | None:
    """The SQLSTATE when the database (or its driver) refused a bound value, else None.

    Class 22 ("data exception") is raised for a value itself: an integer past its column's
    range, a NUL character, a string the encoding cannot hold. On a request that value came
    from the client, so it is the client's error; schemas should refuse it first and name
    the field, this is the backstop.
    """
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) and state.startswith("22") else None


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, DBAPIError):
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, describe(exc))
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _response(AppError("An unexpected error occurred."), request)


# SQLSTATE class 08 (connection exception) and the server going away: admin shutdown, crash
# shutdown, cannot connect now (starting up or shutting down).
SERVER_GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def _server_gone(exc: BaseException) -> bool:
    """Whether an error carries a SQLSTATE saying the server or the connection went away."""
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return isinstance(state, str) and (state.startswith("08") or state in SERVER_GONE_SQLSTATES)


def is_connection_error(exc: BaseException) -> bool:
    """Whether an exception means the database could not be reached (or went away)."""
    return any(_connection_lost(e) for e in _chain(exc))


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the driver errors SQLAlchemy wraps."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (current.__cause__, current.__context__, getattr(current, "orig", None))
        pending.extend(e for e in linked if isinstance(e, BaseException))


def _connection_lost(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | OSError | InterfaceError | OperationalError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return _server_gone(exc) or type(exc).__name__ in {
        "CannotConnectNowError",
        "ConnectionDoesNotExistError",
        "PostgresConnectionError",
    }


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as problem+json through one set of handlers."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(ConnectionError, _database_unavailable)
    app.add_exception_handler(OSError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the errors an endpoint can raise."""
    return {
        e.status: {
            "description": e.title,
            "content": {PROBLEM_JSON: {"schema": {"type": "object"}}},
        }
        for e in errors
    }

"""Errors render as RFC 9457 problem documents; bodies over the limit get 413."""

import httpx
import pytest
from asyncpg import exceptions as pg
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError

from claimflow_shared.errors import (
    Conflict,
    ServiceUnavailable,
    install_error_handlers,
    is_connection_error,
)
from claimflow_shared.http.limits import BodySizeLimit


class Item(BaseModel):
    name: str
    count: int


def wrapped(orig: Exception) -> DBAPIError:
    """A driver error as SQLAlchemy raises it."""
    return DBAPIError("SELECT 1", None, orig)


def app() -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)
    application.add_middleware(BodySizeLimit, max_bytes=1000)

    @application.post("/items")
    async def create(item: Item) -> Item:
        return item

    @application.get("/conflict")
    async def conflict() -> None:
        raise Conflict("already decided", current_status="approved")

    @application.get("/down")
    async def down() -> None:
        raise ServiceUnavailable("database unavailable", retry_after=7)

    @application.get("/shutting-down")
    async def shutting_down() -> None:
        raise wrapped(pg.AdminShutdownError("terminating connection due to administrator command"))

    @application.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    return application


async def call(method: str, path: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path, **kwargs)


class TestProblemDocuments:
    async def test_app_errors_carry_status_title_and_extras(self) -> None:
        response = await call("GET", "/conflict")
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["title"] == "Conflict" and body["detail"] == "already decided"
        assert body["current_status"] == "approved" and body["instance"] == "/conflict"

    async def test_validation_errors_name_the_fields(self) -> None:
        response = await call("POST", "/items", json={"name": "x", "count": "many"})
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "count"]]

    async def test_unavailable_says_when_to_retry(self) -> None:
        response = await call("GET", "/down")
        assert response.status_code == 503 and response.headers["retry-after"] == "7"

    async def test_unexpected_errors_do_not_leak_internals(self) -> None:
        response = await call("GET", "/boom")
        assert response.status_code == 500
        assert "secret" not in response.text


class TestBodyLimit:
    async def test_declared_length_over_the_limit_is_refused(self) -> None:
        response = await call(
            "POST", "/items", content=b"x" * 2000, headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert response.json()["status"] == 413

    async def test_streamed_body_over_the_limit_is_refused(self) -> None:
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(5):
                yield b"x" * 400

        response = await call(
            "POST", "/items", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413

    async def test_small_bodies_pass(self) -> None:
        response = await call("POST", "/items", json={"name": "x", "count": 2})
        assert response.status_code == 200


class TestConnectionErrors:
    @pytest.mark.parametrize(
        "error",
        [
            pg.AdminShutdownError("terminating connection due to administrator command"),
            pg.CannotConnectNowError("the database system is shutting down"),
            pg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
            ConnectionRefusedError("connection refused"),
        ],
    )
    def test_a_server_going_away_is_a_connection_error(self, error: Exception) -> None:
        assert is_connection_error(error)
        assert is_connection_error(wrapped(error))

    @pytest.mark.parametrize(
        "error",
        [
            pg.UniqueViolationError("duplicate key"),
            pg.QueryCanceledError("canceling statement due to statement timeout"),
            pg.RaiseError("refused by a trigger"),
        ],
    )
    def test_errors_of_a_working_server_are_not(self, error: Exception) -> None:
        assert not is_connection_error(wrapped(error))

    async def test_a_shutdown_mid_request_answers_503_with_retry_after(self) -> None:
        response = await call("GET", "/shutting-down")
        assert response.status_code == 503
        assert response.headers["retry-after"]
        assert response.headers["content-type"] == "application/problem+json"

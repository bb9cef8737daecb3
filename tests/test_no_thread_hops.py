"""No route and no dependency of any service runs in FastAPI's thread pool.

FastAPI runs a plain ``def`` endpoint or dependency in a worker thread: a queue hand-off, two
thread switches and a GIL contest on every request. Five such dependencies were 8% of the
claims API's profile samples in the end-to-end benchmark at 200 claims/s; this keeps them out.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from claimflow.services import definitions
from claimflow_shared.http.app import build_app


def _awaitable(call: Any) -> bool:
    """Whether FastAPI awaits ``call`` on the event loop (rather than in a thread)."""
    if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
        return True
    method = getattr(call, "__call__", None)  # noqa: B004 - instances with an async __call__
    return not inspect.isclass(call) and (
        inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method)
    )


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _threaded(service: str) -> tuple[int, list[str]]:
    """How many routes the service has, and each endpoint or dependency run in a thread."""
    app = build_app(definitions()[service])
    routes, found = 0, []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        routes += 1
        for call in [route.endpoint, *_calls(context.dependant)]:
            if not _awaitable(call):
                name = getattr(call, "__qualname__", repr(call))
                found.append(f"{sorted(context.methods or ())} {context.path_format}: {name}")
    return routes, found


@pytest.mark.parametrize("service", list(definitions()))
def test_every_endpoint_and_dependency_runs_on_the_event_loop(service: str) -> None:
    routes, threaded = _threaded(service)
    assert routes > 0
    assert threaded == []


def test_the_check_finds_a_plain_function() -> None:
    def plain() -> None: ...

    async def awaited() -> None: ...

    class Scheme:
        async def __call__(self) -> None: ...

    assert not _awaitable(plain)
    assert _awaitable(awaited)
    assert _awaitable(Scheme())
    assert not _awaitable(Scheme)

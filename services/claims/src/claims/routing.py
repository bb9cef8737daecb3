"""Per-route request body limits below the app-wide one (which the X12 endpoint uses).

The platform's middleware refuses bodies over ``max_body_bytes`` for the whole app; JSON routes
wrap the request's ``receive`` so their bodies stop at their own, smaller limit while streaming
in, and answer 413 like the middleware does.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.types import Message

from claimflow_shared.errors import PayloadTooLarge
from claimflow_shared.http.limits import BodyTooLarge
from claims.dependencies import get_settings
from claims.settings import ClaimsSettings

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
LimitOf = Callable[[ClaimsSettings], int]


def limited_route(limit_of: LimitOf) -> type[APIRoute]:
    """A route class whose request bodies may not pass ``limit_of(settings)`` bytes."""

    class LimitedRoute(APIRoute):
        """An API route with its own body limit."""

        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def limited(request: Request) -> Response:
                limit = limit_of(await get_settings(request))
                declared = request.headers.get("content-length", "")
                too_large = PayloadTooLarge(f"The request body is larger than {limit} bytes.")
                if declared.isdigit() and int(declared) > limit:
                    raise too_large
                try:
                    return await handler(Request(request.scope, _counting(request, limit)))
                except BodyTooLarge:
                    raise too_large from None

            return limited

    return LimitedRoute


def _counting(request: Request, limit: int) -> Callable[[], Coroutine[Any, Any, Message]]:
    """A ``receive`` that raises once more than ``limit`` body bytes have arrived."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receive


JsonRoute = limited_route(lambda settings: settings.json_max_body_bytes)
BatchRoute = limited_route(lambda settings: settings.batch_max_body_bytes)

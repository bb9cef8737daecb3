"""The worker's HTTP client for webhook attempts: one POST straight onto the safe transport.

``httpx.AsyncClient`` wraps every request in work a webhook never needs (cookie jars, auth
flows, redirect handling, URL merging, event hooks) and that was about a quarter of the worker's
CPU per delivery. This client builds the request and hands it to the
:class:`~notifications.delivery.transport.SafeTransport` itself, so URL checks, pinned
addresses, the keep-alive pool and httpx's exception mapping are exactly the transport's. A
subscription's URL is parsed and checked once and then reused; the transport checks the parsed
URL again on every request.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from notifications.delivery.transport import SafeTransport
from notifications.delivery.url_safety import UrlPolicy, check_url

_URL_CACHE_LIMIT = 4096


class WebhookClient:
    """Sends webhook POSTs on one transport with fixed timeouts; close it with ``aclose``."""

    def __init__(self, *, transport: SafeTransport, policy: UrlPolicy, timeout: httpx.Timeout):
        self._transport = transport
        self._policy = policy
        self._extensions = {"timeout": timeout.as_dict()}
        self._urls: dict[str, httpx.URL] = {}

    async def post(
        self, url: str, *, headers: Sequence[tuple[str, str]], content: bytes
    ) -> httpx.Response:
        """POST ``content`` to ``url``; the response body is left for the caller to read."""
        request = httpx.Request(
            "POST", self._checked(url), headers=headers, content=content,
            extensions=self._extensions,
        )  # fmt: skip
        response = await self._transport.handle_async_request(request)
        response.request = request
        return response

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._transport.aclose()

    async def __aenter__(self) -> WebhookClient:
        """Use the client as an async context manager."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client."""
        await self.aclose()

    def _checked(self, url: str) -> httpx.URL:
        """The parsed URL, checked against the policy once per distinct URL.

        A malformed URL raises ``httpx.InvalidURL`` and a refused one ``UnsafeUrlError``, as
        ``httpx.AsyncClient`` and the transport did; neither is kept.
        """
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = check_url(httpx.URL(url), self._policy)
            if len(self._urls) >= _URL_CACHE_LIMIT:
                self._urls.clear()
            self._urls[url] = parsed
        return parsed

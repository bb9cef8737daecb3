"""Send one signed webhook attempt and describe what came back.

:func:`send` never raises for anything the network or the receiver does: timeouts, refused
connections, unsafe URLs, redirects and error statuses all come back as an
:class:`AttemptResult` for the retry decision and the delivery log. Build the client with
:func:`build_client` so that URL safety, timeouts and connection limits apply; the worker
shares one client and bounds concurrency with a
:class:`~notifications.delivery.concurrency.DeliveryLimiter`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

import httpx

from claimflow_shared.webhooks import webhook_headers
from notifications.delivery.client import WebhookClient
from notifications.delivery.config import (
    DEFAULT_ATTEMPT_DEADLINE,
    DEFAULT_RESPONSE_BODY_LIMIT,
    DeliveryConfig,
)
from notifications.delivery.outcome import AttemptResult, ErrorKind
from notifications.delivery.retry import parse_retry_after
from notifications.delivery.transport import SafeTransport
from notifications.delivery.url_safety import Resolver, UnsafeUrlError, system_resolver

USER_AGENT = "claimflow-webhooks/1.0"


def build_client(
    config: DeliveryConfig,
    *,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
) -> WebhookClient:
    """Return the client for webhook attempts: checked addresses, no redirects, no proxies."""
    limits = httpx.Limits(
        max_connections=config.max_concurrency,
        max_keepalive_connections=config.max_concurrency,
        keepalive_expiry=config.keepalive_expiry,
    )
    transport = SafeTransport(
        policy=config.url_policy, limits=limits, resolver=resolver, ssl_context=ssl_context
    )
    timeout = httpx.Timeout(
        connect=config.connect_timeout,
        read=config.read_timeout,
        write=config.write_timeout,
        pool=config.pool_timeout,
    )
    return WebhookClient(transport=transport, policy=config.url_policy, timeout=timeout)


async def send(
    *,
    client: WebhookClient,
    url: str,
    webhook_id: str,
    timestamp: datetime,
    body: bytes,
    secrets: Sequence[str],
    body_limit: int = DEFAULT_RESPONSE_BODY_LIMIT,
    deadline: float = DEFAULT_ATTEMPT_DEADLINE,
    traceparent: str | None = None,
) -> AttemptResult:
    """POST one signed attempt of delivery ``webhook_id`` to ``url``; return what happened.

    ``timestamp`` is this attempt's time (signed as ``webhook-timestamp``); ``webhook_id`` stays
    the same on every attempt of one delivery. At most ``body_limit`` bytes of the response are
    kept, and the whole attempt is abandoned as a timeout after ``deadline`` seconds.
    ``traceparent`` (W3C) tells the receiver which trace the attempt belongs to.
    """
    headers = _request_headers(
        webhook_id=webhook_id, timestamp=int(timestamp.timestamp()), body=body, secrets=secrets
    )
    if traceparent is not None:
        headers.append(("traceparent", traceparent))
    started = time.perf_counter()
    ends = asyncio.get_running_loop().time() + deadline
    try:
        async with asyncio.timeout_at(ends):
            response = await client.post(url, headers=headers, content=body)
    except TimeoutError:
        reason = TimeoutError(f"the attempt deadline of {deadline:g} s passed")
        return _failure(ErrorKind.TIMEOUT, reason, started)
    except httpx.TimeoutException as error:
        return _failure(ErrorKind.TIMEOUT, error, started)
    except UnsafeUrlError as error:
        return _failure(ErrorKind.UNSAFE_URL, error, started)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        return _failure(ErrorKind.INVALID_URL, error, started)
    except httpx.ProtocolError as error:
        return _failure(ErrorKind.PROTOCOL, error, started)
    except httpx.TransportError as error:
        return _failure(ErrorKind.CONNECTION, error, started)
    try:
        kept, truncated = await _read_prefix(response, limit=body_limit, ends=ends)
    finally:
        await response.aclose()
    return _response_result(response, kept, truncated, started=started, sent_at=timestamp)


def _request_headers(
    *, webhook_id: str, timestamp: int, body: bytes, secrets: Sequence[str]
) -> list[tuple[str, str]]:
    """Return the signed request headers of one attempt."""
    signed = webhook_headers(secrets=secrets, webhook_id=webhook_id, timestamp=timestamp, body=body)
    return [
        *signed.items(),
        ("content-type", "application/json"),
        ("user-agent", USER_AGENT),
        ("accept-encoding", "identity"),
    ]


async def _read_prefix(response: httpx.Response, *, limit: int, ends: float) -> tuple[bytes, bool]:
    """Return up to ``limit`` bytes of the body and whether more was sent or the read broke off."""
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout_at(ends):
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    break
    except (TimeoutError, httpx.TransportError):
        return b"".join(chunks)[:limit], True
    return b"".join(chunks)[:limit], size > limit


def _response_result(
    response: httpx.Response, kept: bytes, truncated: bool, *, started: float, sent_at: datetime
) -> AttemptResult:
    """Describe an attempt that got a response."""
    latency_ms = _elapsed_ms(started)
    status = response.status_code
    location = response.headers.get("location") if 300 <= status < 400 else None
    kind, message = _status_error(response, location)
    answered_at = sent_at + timedelta(milliseconds=latency_ms)
    return AttemptResult(
        status_code=status,
        latency_ms=latency_ms,
        error_kind=kind,
        error_message=message,
        response_body=kept,
        body_truncated=truncated,
        retry_after=parse_retry_after(response.headers.get("retry-after"), now=answered_at),
        location=location,
    )


def _status_error(
    response: httpx.Response, location: str | None
) -> tuple[ErrorKind | None, str | None]:
    """Return the error kind and message a response's status implies."""
    status = response.status_code
    if 200 <= status < 300:
        return None, None
    if 300 <= status < 400:
        return ErrorKind.REDIRECT, f"HTTP {status}: redirect to {location!r} not followed"
    return ErrorKind.HTTP_STATUS, f"HTTP {status} {response.reason_phrase}".rstrip()


def _failure(kind: ErrorKind, error: Exception, started: float) -> AttemptResult:
    """Describe an attempt that got no response."""
    detail = str(error) or "no detail"
    return AttemptResult(
        status_code=None,
        latency_ms=_elapsed_ms(started),
        error_kind=kind,
        error_message=f"{type(error).__name__}: {detail}",
    )


def _elapsed_ms(started: float) -> float:
    """Return the milliseconds since ``started`` on the performance counter."""
    return (time.perf_counter() - started) * 1000

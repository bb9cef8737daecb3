"""Standard Webhooks signatures: the sender's signing and the receiver's verification.

Every delivery carries three headers:

- ``webhook-id``: the delivery's id, the same on every retry (receivers use it to drop duplicates);
- ``webhook-timestamp``: the attempt's time in unix seconds;
- ``webhook-signature``: ``v1,`` followed by the base64 HMAC-SHA256 of
  ``{id}.{timestamp}.{body}``, keyed with the secret's decoded bytes. Several signatures may be
  given, separated by spaces: while a secret is rotated the sender signs with the old and the new
  secret, and a receiver holding either accepts the delivery.

Secrets are written ``whsec_`` followed by the base64 of the key bytes.

Verifying a delivery in a receiver (FastAPI here; any framework works). Pass the raw body bytes
exactly as received; JSON that was parsed and serialised again will not verify::

    import os

    from fastapi import FastAPI, Request, Response
    from claimflow_shared.webhooks import WebhookVerificationError, verify

    app = FastAPI()
    SECRETS = os.environ["HOOK_SECRETS"].split()  # while rotating: the new and the old secret

    @app.post("/hooks/claimflow")
    async def receive(request: Request) -> Response:
        body = await request.body()
        try:
            verify(body, request.headers, SECRETS)
        except WebhookVerificationError as error:
            return Response(str(error), status_code=400)
        ...  # handle the event, keyed by request.headers["webhook-id"]
        return Response(status_code=204)

:func:`verify` raises :class:`MissingHeaderError`, :class:`TimestampError` (outside the tolerance,
five minutes either way by default) or :class:`SignatureError`, all subclasses of
:class:`WebhookVerificationError`. A malformed secret is a configuration mistake and raises
:class:`ValueError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = timedelta(minutes=5)

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


class WebhookVerificationError(Exception):
    """A delivery that must not be trusted."""


class MissingHeaderError(WebhookVerificationError):
    """A required webhook header is absent or empty."""


class TimestampError(WebhookVerificationError):
    """The timestamp is malformed or outside the tolerance."""


class SignatureError(WebhookVerificationError):
    """No signature matches any of the secrets."""


def generate_secret(*, num_bytes: int = 32) -> str:
    """Return a new random secret in the ``whsec_`` form."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(num_bytes)).decode("ascii")


def decode_secret(secret: str) -> bytes:
    """Return the key bytes of a ``whsec_`` secret, or raise ValueError."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"webhook secret must start with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as error:
        raise ValueError("webhook secret is not valid base64 after the prefix") from error
    if not key:
        raise ValueError("webhook secret is empty")
    return key


def sign(*, secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """Return the ``v1,<base64>`` signature of one delivery under one secret."""
    mac = _mac(decode_secret(secret), webhook_id, timestamp, body)
    return f"{SIGNATURE_VERSION},{base64.b64encode(mac).decode('ascii')}"


def signature_header(
    *, secrets: Sequence[str], webhook_id: str, timestamp: int, body: bytes
) -> str:
    """Return the ``webhook-signature`` value: one signature per secret, space-separated."""
    if not secrets:
        raise ValueError("at least one webhook secret is required")
    return " ".join(
        sign(secret=secret, webhook_id=webhook_id, timestamp=timestamp, body=body)
        for secret in secrets
    )


def webhook_headers(
    *, secrets: Sequence[str], webhook_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Return the three Standard Webhooks headers for one delivery attempt."""
    return {
        ID_HEADER: webhook_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature_header(
            secrets=secrets, webhook_id=webhook_id, timestamp=timestamp, body=body
        ),
    }


def verify(
    payload: bytes,
    headers: Mapping[str, str],
    secrets: str | Sequence[str],
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    now: datetime | None = None,
) -> None:
    """Check a received delivery's headers and signature; raise WebhookVerificationError if bad."""
    keys = [decode_secret(secret) for secret in _as_list(secrets)]
    lowered = {name.lower(): value for name, value in headers.items()}
    webhook_id = _required(lowered, ID_HEADER)
    timestamp = _parse_timestamp(_required(lowered, TIMESTAMP_HEADER))
    signatures = _required(lowered, SIGNATURE_HEADER)
    _check_tolerance(timestamp, now or datetime.now(UTC), tolerance)
    expected = [_mac(key, webhook_id, timestamp, payload) for key in keys]
    if not any(
        hmac.compare_digest(mac, candidate)
        for candidate in _candidate_macs(signatures)
        for mac in expected
    ):
        raise SignatureError("no webhook signature matches the configured secrets")


def _mac(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> bytes:
    """Return the raw HMAC-SHA256 over ``{id}.{timestamp}.{body}``."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def _as_list(secrets: str | Sequence[str]) -> list[str]:
    """Return the secrets as a non-empty list."""
    listed = [secrets] if isinstance(secrets, str) else list(secrets)
    if not listed:
        raise ValueError("at least one webhook secret is required")
    return listed


def _required(headers: Mapping[str, str], name: str) -> str:
    """Return a header's value, or raise MissingHeaderError."""
    value = headers.get(name, "").strip()
    if not value:
        raise MissingHeaderError(f"missing {name} header")
    return value


def _parse_timestamp(value: str) -> int:
    """Return the unix seconds in a ``webhook-timestamp`` value."""
    if not value.isascii() or not value.isdigit():
        raise TimestampError("webhook-timestamp is not an integer number of seconds")
    return int(value)


def _check_tolerance(timestamp: int, now: datetime, tolerance: timedelta) -> None:
    """Raise TimestampError if the timestamp is further than ``tolerance`` from ``now``."""
    skew = now.timestamp() - timestamp
    if skew > tolerance.total_seconds():
        raise TimestampError("webhook-timestamp is too old")
    if -skew > tolerance.total_seconds():
        raise TimestampError("webhook-timestamp is too far in the future")


def _candidate_macs(header: str) -> list[bytes]:
    """Return the decoded ``v1`` signatures in a ``webhook-signature`` value."""
    macs = []
    for entry in header.split():
        version, _, encoded = entry.partition(",")
        if version != SIGNATURE_VERSION:
            continue
        try:
            macs.append(base64.b64decode(encoded, validate=True))
        except binascii.Error:
            continue
    return macs

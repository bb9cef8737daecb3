"""Check a subscription's URL when it is written, so a bad target is a 422, not a dead letter.

The sender checks again on every attempt (DNS can change); this check is for the tenant's
benefit: it names the problem while they are still looking at the form.
"""

from __future__ import annotations

import asyncio

from claimflow_shared.errors import ValidationFailed
from notifications.delivery.url_safety import (
    Resolver,
    UnsafeUrlError,
    UrlPolicy,
    check_url,
    resolve_checked,
    system_resolver,
)

RESOLVE_TIMEOUT = 5.0
_DEFAULT_PORTS = {"http": 80, "https": 443}


async def validate_target(
    url: str, *, policy: UrlPolicy, resolver: Resolver = system_resolver
) -> str:
    """Return ``url`` stripped if the sender may reach it; raise ValidationFailed naming why."""
    text = url.strip()
    try:
        parsed = check_url(text, policy)
        port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
        async with asyncio.timeout(RESOLVE_TIMEOUT):
            await resolve_checked(parsed.host, port, policy=policy, resolver=resolver)
    except UnsafeUrlError as error:
        raise _invalid(str(error)) from error
    except (OSError, TimeoutError) as error:
        raise _invalid(f"webhook URL host cannot be resolved: {error or 'timed out'}") from error
    return text


def _invalid(reason: str) -> ValidationFailed:
    """A 422 that points at the ``url`` field."""
    return ValidationFailed(
        reason, errors=[{"loc": ["body", "url"], "msg": reason, "type": "value_error.url"}]
    )

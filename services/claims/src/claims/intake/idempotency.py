"""``Idempotency-Key``: the same key and body get the same answer; another body gets a 422.

Keys are scoped to the tenant. The key row is inserted first in the request's transaction and
answered in it, so the claims and the key commit together; a concurrent request with the same
key blocks on the row until the first commits, then replays the stored answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import Conflict, ValidationFailed
from claims.intake.repository import IdempotencyRepository

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer as kept for replays: status code, JSON text, and whether it is a replay."""

    status_code: int
    body: str
    replayed: bool = False

    @classmethod
    def of(cls, status_code: int, document: Any) -> Answer:
        """The answer carrying ``document`` as JSON."""
        return cls(status_code, orjson.dumps(document).decode())


def request_digest(document: Any) -> str:
    """The SHA-256 of a request document in canonical JSON (key order does not matter)."""
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def once(
    *,
    session: AsyncSession,
    tenant_id: str,
    key: str | None,
    endpoint: str,
    digest: str,
    produce: Callable[[], Awaitable[Answer]],
) -> Answer:
    """Run ``produce`` once per key; a repeat with the same body gets the stored answer."""
    if key is None:
        return await produce()
    repository = IdempotencyRepository(session)
    if await repository.reserve(
        tenant_id=tenant_id, key=key, endpoint=endpoint, request_sha256=digest
    ):
        answer = await produce()
        await repository.answer(
            tenant_id=tenant_id, key=key, status_code=answer.status_code, response=answer.body
        )
        return answer
    record = await repository.get(tenant_id=tenant_id, key=key)
    if record is None or record.status_code is None or record.response is None:
        raise Conflict(f"The request with {HEADER} {key} is still in progress.")
    if record.endpoint != endpoint or record.request_sha256 != digest:
        raise ValidationFailed(
            f"{HEADER} {key} was used before with a different request.",
            errors=[
                {
                    "loc": ["header", HEADER],
                    "msg": "reused with another body",
                    "type": "idempotency",
                }
            ],
        )
    return Answer(record.status_code, record.response, replayed=True)

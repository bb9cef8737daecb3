"""Issuing, hashing, revoking and resolving API keys."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth.models import ApiKey

if TYPE_CHECKING:
    from claimflow_shared.db import Database

KEY_PREFIX = "cf_"


class Role(StrEnum):
    """What a client may do."""

    SUBMITTER = "submitter"
    PAYER = "payer"
    OPS = "ops"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated client of a request."""

    key_id: str
    tenant_id: str
    roles: frozenset[Role]

    def has_any(self, *roles: Role) -> bool:
        """Whether the client holds one of ``roles`` (admin holds them all)."""
        return Role.ADMIN in self.roles or bool(self.roles.intersection(roles))


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key; ``secret`` is shown once and never stored."""

    id: uuid.UUID
    secret: str
    tenant_id: str
    roles: tuple[Role, ...]


def hash_secret(secret: str) -> str:
    """SHA-256 of a key: keys are 256-bit random, so a fast hash is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(
    *, tenant_id: str, roles: tuple[Role, ...], key_id: uuid.UUID | None = None
) -> IssuedKey:
    """Generate a key (not yet stored)."""
    return IssuedKey(
        key_id or uuid.uuid4(), KEY_PREFIX + secrets.token_urlsafe(32), tenant_id, roles
    )


async def store_key(session: AsyncSession, key: IssuedKey, *, name: str) -> None:
    """Keep the hash of ``key`` (flush only; the caller commits)."""
    session.add(
        ApiKey(
            id=key.id,
            name=name,
            tenant_id=key.tenant_id,
            roles=[r.value for r in key.roles],
            prefix=key.secret[: len(KEY_PREFIX) + 6],
            secret_sha256=hash_secret(key.secret),
        )
    )
    await session.flush()


async def revoke_key(session: AsyncSession, key_id: uuid.UUID) -> bool:
    """Revoke a key; False when there is no such live key."""
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    """Every key, newest first."""
    return list((await session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc()))).all())


class KeyResolver:
    """Finds the principal of a secret, caching answers for ``ttl`` seconds.

    A revocation therefore takes effect within ``ttl`` seconds in every process. One read per
    key at a time: the requests that find its answer missing or expired while a read is under
    way wait for that read instead of each starting their own. Without that, every expiry sent
    every request in flight to the database at once; at 200 claims/s that stalled the API for
    up to a second, every ``ttl`` seconds.
    """

    def __init__(self, *, ttl: float = 30.0) -> None:
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._reading: dict[str, asyncio.Task[Principal | None]] = {}

    async def resolve(self, database: Database, secret: str) -> Principal | None:
        """The live key's principal, or None.

        A cached answer opens no session. A miss reads the key in its own short transaction:
        a request waiting on something else, such as a group commit, must not hold a pooled
        connection meanwhile.
        """
        digest = hash_secret(secret)
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        reading = self._reading.get(digest)
        if reading is None:
            reading = asyncio.create_task(self._read(database, digest))
            self._reading[digest] = reading
            reading.add_done_callback(lambda done: self._finished(digest, done))
        # shielded: a request that goes away (its client hung up) does not cancel the others'
        return await asyncio.shield(reading)

    def _finished(self, digest: str, read: asyncio.Task[Principal | None]) -> None:
        self._reading.pop(digest, None)
        if not read.cancelled():
            read.exception()  # retrieved here too: every waiter may have gone away

    async def _read(self, database: Database, digest: str) -> Principal | None:
        """Read one key and cache the answer (a failure caches nothing: the next request
        reads again)."""
        read_at = time.monotonic()
        async with database.session() as session:
            row = (
                await session.execute(
                    select(ApiKey.id, ApiKey.tenant_id, ApiKey.roles).where(
                        ApiKey.secret_sha256 == digest, ApiKey.revoked_at.is_(None)
                    )
                )
            ).first()
        principal = (
            Principal(str(row.id), row.tenant_id, frozenset(Role(r) for r in row.roles))
            if row
            else None
        )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (read_at + self._ttl, principal)
        return principal
